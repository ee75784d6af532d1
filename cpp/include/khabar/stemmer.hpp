#pragma once

#include <string>
#include <string_view>

namespace khabar {

/// The Light10 stemmer (Larkey, Ballesteros & Connell, "Light Stemming for Arabic Information
/// Retrieval", 2007) with the exact rules of Lucene's ArabicStemmer: strip at most one prefix of
/// ال وال بال كال فال لل و (و only from words of ≥ 4 letters, the others only when ≥ 2 letters
/// remain), then try each suffix of ها ان ات ون ين يه ية ه ة ي in that order, stripping it when
/// the word ends with it and ≥ 2 letters remain. Expects normalized text (see Normalizer).
///
/// Light10 only removes affixes, so the stem is a view into `word`.
std::u16string_view light10_stem(std::u16string_view word);

/// UTF-8 convenience form. Throws InvalidTextError on invalid UTF-8.
std::string light10_stem(std::string_view word);

}  // namespace khabar
