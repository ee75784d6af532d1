#pragma once

// UAX #29 word segments of UTF-16 text, as ICU's word BreakIterator gives them (boundaries and
// rule status), found by a scanner of its own for the characters news text is made of and by
// ICU for every stretch the scanner does not decide. This is the one place where khabar
// decides word boundaries itself: tests/cpp/test_word_breaks.cpp, bench/word_breaks_corpus.sh
// and fuzz/fuzz_word_breaks.cpp prove it equal to ICU.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <unicode/uversion.h>

U_NAMESPACE_BEGIN
class BreakIterator;
U_NAMESPACE_END

namespace khabar::detail {

/// One segment between two consecutive word boundaries, with ICU's rule status for it:
/// below 100 (UBRK_WORD_NONE_LIMIT) for spaces and punctuation, 100-199 numbers, 200-299
/// letters, 300-499 kana and ideographs.
struct WordSegment {
  std::int32_t begin;
  std::int32_t end;
  std::int32_t status;
};

/// Finds the word segments of texts, one after the other (not thread-safe: one per thread).
class WordBreaks {
 public:
  /// `fallback` is the ICU word BreakIterator the stretches the scanner leaves are given to;
  /// its text is replaced by each text that needs it.
  explicit WordBreaks(icu::BreakIterator& fallback) : icu_(fallback) {}

  /// Replaces `out` with the segments of `text`, in order, covering it. With `words_only`,
  /// only those of status >= 100 are kept.
  void segment(std::u16string_view text, std::vector<WordSegment>& out, bool words_only);
  /// The same for a std::u16string, whose terminating NUL unit the scanner reads in place of
  /// an end-of-text test at every unit (a view is copied so first).
  void segment(const std::u16string& text, std::vector<WordSegment>& out, bool words_only);

  /// ICU alone: the reference the scanner is compared with.
  static void segment_with_icu(icu::BreakIterator& breaks, std::u16string_view text,
                               std::vector<WordSegment>& out, bool words_only);

  /// Turns the scanner off (every text goes to ICU whole) in this process, for comparisons.
  static void set_scanner_enabled(bool enabled) noexcept;
  static bool scanner_enabled() noexcept;

  /// Code units the last segment() call gave to ICU (0 when the scanner decided everything).
  std::size_t units_given_to_icu() const noexcept { return units_given_to_icu_; }

 private:
  // Gives ICU the text from `begin`, a boundary the scanner found, to ICU's first boundary
  // after `undecided` (a character the scanner left), which it returns.
  std::int32_t segment_stretch_with_icu(std::u16string_view text, std::int32_t begin,
                                        std::int32_t undecided, std::vector<WordSegment>& out,
                                        bool words_only);

  // The scanner, on a text followed by a NUL unit (std::u16string's terminator).
  void segment_terminated(std::u16string_view text, std::vector<WordSegment>& out, bool words_only);

  icu::BreakIterator& icu_;
  std::u16string copy_;        // a view's text, NUL-terminated
  bool icu_has_text_ = false;  // icu_ was given the text of this segment() call
  std::size_t units_given_to_icu_ = 0;
};

}  // namespace khabar::detail
