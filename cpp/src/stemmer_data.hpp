#pragma once

namespace khabar::detail {
// The text of cpp/data/names-ar-padt.txt and cpp/data/lexicon-ar.tsv, embedded at build time.
extern const char* const kPadtNamesText;
extern const char* const kStemmerLexiconText;
}  // namespace khabar::detail
