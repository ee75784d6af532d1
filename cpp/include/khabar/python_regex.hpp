#pragma once

// Python's `re` word patterns and `str.lower()`, exactly as CPython runs them on a str, for the
// scikit-learn compatible vectorizers: scikit-learn lowercases each document with str.lower()
// and tokenizes it with re.findall(r"(?u)\b\w\w+\b", ...). The character data (what \w is, the
// lowercase mappings) is that of the Python which built khabar (its unicodedata, which need not
// be ICU's Unicode version): cpp/src/generate_python_unicode.py reads it at build time.
//
// Every function here takes well-formed UTF-8 (no surrogate code points, no overlong or
// truncated sequences): the caller validates, e.g. with khabar's text decoding, which throws
// InvalidTextError naming the offset. On ill-formed input the results are unspecified (but no
// byte outside the given view is read).

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace khabar {

/// One of the token patterns khabar runs natively with re.findall's exact result:
/// scikit-learn's default `(?u)\b\w\w+\b`, `\b\w\w+\b`, `(?u)\b\w+\b`, `\b\w+\b`, `\w+`,
/// `\w\w+` (each with or without `(?u)`, which changes nothing for a str pattern). Each finds
/// the maximal runs of word characters (python_is_word) of at least one or two code points, as
/// `\b` holds exactly between a word character and a non-word one or an end of the text.
///
///   auto pattern = PythonWordPattern::parse(R"((?u)\b\w\w+\b)");
///   pattern->find_all("قال الوزير: 2018_", spans);  // "قال" "الوزير" "2018_" as byte ranges
class PythonWordPattern {
 public:
  /// The pattern when it is one of the above, spelled exactly so; std::nullopt for any other
  /// (the caller then uses Python's re).
  static std::optional<PythonWordPattern> parse(std::string_view pattern);

  /// Replaces `byte_spans` with the [begin, end) byte ranges in `utf8` of every match, in order,
  /// as re.finditer(pattern, text) gives them (in code points). `utf8` must be well-formed.
  void find_all(std::string_view utf8,
                std::vector<std::pair<std::size_t, std::size_t>>& byte_spans) const;

 private:
  explicit PythonWordPattern(std::size_t min_code_points) : min_code_points_(min_code_points) {}
  std::size_t min_code_points_;
};

/// Appends to `out` CPython's str.lower() of `utf8` (well-formed): each code point's full
/// lowercase mapping, SpecialCasing's unconditional ones included ("İ" becomes "i" + U+0307),
/// and "Σ" as final "ς" where CPython's handle_capital_sigma finds the Final_Sigma context (a
/// cased letter before it, skipping case-ignorable ones, and none after it), else "σ".
///
///   python_lower("ΟΔΟΣ ΟΔΟΣ.", out);  // "οδος οδος."
///   python_lower("قال", out);          // Arabic has no case: "قال"
void python_lower(std::string_view utf8, std::string& out);

/// Whether re's `\w` on a str pattern matches `c`: str.isalnum() (isalpha, isdecimal, isdigit or
/// isnumeric: letters, digits and other numerals such as "٣" or "½") or "_". Combining marks,
/// Arabic harakat among them, are not word characters. False beyond U+10FFFF.
bool python_is_word(char32_t c);

}  // namespace khabar
