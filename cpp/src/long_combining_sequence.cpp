#include "long_combining_sequence.hpp"

#include <unicode/normalizer2.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <vector>

#include "utf.hpp"

namespace khabar::detail {
namespace {

// Appends ICU's NFKC of `text` to `out`.
void append_nfkc(const icu::Normalizer2& nfkc, std::u16string_view text, std::u16string& out) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString alias(false, text.data(), static_cast<int32_t>(text.size()));
  icu::UnicodeString normalized;
  nfkc.normalize(alias, normalized, status);
  if (U_FAILURE(status)) throw std::runtime_error(u_errorName(status));
  out.append(reinterpret_cast<const char16_t*>(normalized.getBuffer()),
             static_cast<std::size_t>(normalized.length()));
}

// Counts per combining class, reset in time proportional to the classes counted (a chunk may
// hold many short runs of marks).
class ClassCounts {
 public:
  std::size_t increment(std::uint8_t combining_class) {
    if (counts_[combining_class]++ == 0) touched_.push_back(combining_class);
    return counts_[combining_class];
  }
  std::size_t operator[](std::uint8_t combining_class) const { return counts_[combining_class]; }
  const std::vector<std::uint8_t>& touched() const { return touched_; }
  void clear() {
    for (const std::uint8_t c : touched_) counts_[c] = 0;
    touched_.clear();
  }

 private:
  std::array<std::size_t, 256> counts_{};
  std::vector<std::uint8_t> touched_;
};

// NFKD of `chunk`: the concatenation of each character's full compatibility decomposition, then
// each run of non-starters stably sorted by combining class (Unicode ch. 3.11, D109 and the
// Canonical Ordering Algorithm). ICU sorts by insertion, quadratic on thousands of alternating
// marks; a counting sort by class is linear. ICU's NFKC of the result equals its NFKC of the
// chunk (NFKC(x) = NFKC(NFKD(x))) and needs no reordering.
// The result is written into an uninitialized buffer: zero-filling tens of megabytes first
// would be a pause without a poll.
std::u16string_view decompose(const icu::Normalizer2& nfkc, std::u16string_view chunk,
                              std::unique_ptr<char16_t[]>& buffer,
                              InterruptionPoller& interruption) {
  std::u16string expanded;
  expanded.reserve(chunk.size());
  icu::UnicodeString decomposition;
  const auto n = static_cast<int32_t>(chunk.size());
  for (int32_t i = 0; i < n;) {
    interruption.step();
    UChar32 c;
    U16_NEXT(chunk.data(), i, n, c);
    if (nfkc.getDecomposition(c, decomposition))
      expanded.append(reinterpret_cast<const char16_t*>(decomposition.getBuffer()),
                      static_cast<std::size_t>(decomposition.length()));
    else
      append_code_point(expanded, static_cast<std::uint32_t>(c));
  }
  buffer.reset(new char16_t[expanded.size()]);
  char16_t* out = buffer.get();
  const auto m = static_cast<int32_t>(expanded.size());
  ClassCounts units;  // UTF-16 units of each class in the current run
  std::array<std::size_t, 256> at{};
  std::vector<std::uint8_t> classes;
  int32_t i = 0;
  while (i < m) {
    interruption.step();
    // A starter is copied where it is.
    int32_t next = i;
    UChar32 c;
    U16_NEXT(expanded.data(), next, m, c);
    if (nfkc.getCombiningClass(c) == 0) {
      std::copy(expanded.begin() + i, expanded.begin() + next, out + i);
      i = next;
      continue;
    }
    // The run of non-starters from i: counted by class, then each placed after the units of
    // the lower classes and of the earlier ones of its class.
    int32_t end = i;
    bool sorted = true;
    std::uint8_t previous = 0;
    while (end < m) {
      interruption.step();
      int32_t after = end;
      U16_NEXT(expanded.data(), after, m, c);
      const std::uint8_t combining_class = nfkc.getCombiningClass(c);
      if (combining_class == 0) break;
      sorted = sorted && combining_class >= previous;
      previous = combining_class;
      for (int32_t k = end; k < after; ++k) units.increment(combining_class);
      end = after;
    }
    if (sorted) {
      std::copy(expanded.begin() + i, expanded.begin() + end, out + i);
    } else {
      classes = units.touched();
      std::sort(classes.begin(), classes.end());
      std::size_t offset = static_cast<std::size_t>(i);
      for (const std::uint8_t combining_class : classes) {
        at[combining_class] = offset;
        offset += units[combining_class];
      }
      for (int32_t k = i; k < end;) {
        interruption.step();
        const int32_t start = k;
        U16_NEXT(expanded.data(), k, end, c);
        std::size_t& to = at[nfkc.getCombiningClass(c)];
        for (int32_t u = start; u < k; ++u) out[to++] = expanded[static_cast<std::size_t>(u)];
      }
    }
    units.clear();
    i = end;
  }
  return std::u16string_view(out, expanded.size());
}

std::uint8_t combining_class_at(const icu::Normalizer2& nfkc, std::u16string_view text, int32_t i) {
  UChar32 c;
  U16_GET(text.data(), 0, i, static_cast<int32_t>(text.size()), c);
  return nfkc.getCombiningClass(c);
}

// Appends the stable merge by combining class of two runs of marks, each in canonical order;
// of two marks of one class, the one of `first` comes first.
void append_merged(const icu::Normalizer2& nfkc, const std::u16string& first,
                   const std::u16string& second, std::u16string& out,
                   InterruptionPoller& interruption) {
  const auto n1 = static_cast<int32_t>(first.size());
  const auto n2 = static_cast<int32_t>(second.size());
  int32_t i1 = 0, i2 = 0;
  while (i1 < n1 || i2 < n2) {
    interruption.step();
    const bool from_first = i2 == n2 || (i1 < n1 && combining_class_at(nfkc, first, i1) <=
                                                        combining_class_at(nfkc, second, i2));
    const std::u16string& from = from_first ? first : second;
    int32_t& i = from_first ? i1 : i2;
    const int32_t start = i;
    UChar32 c;
    U16_NEXT(from.data(), i, static_cast<int32_t>(from.size()), c);
    out.append(from, static_cast<std::size_t>(start), static_cast<std::size_t>(i - start));
  }
}

// Whether starter `c` after `composed` (NFKC text) joins it in the Canonical Composition
// Algorithm, which decides the fate of each character from what precedes it alone: `c` is
// blocked by a mark left at the end, or else composes with the starter there or stays, and
// then blocks everything after it from the text before.
bool composes_with_end(const icu::Normalizer2& nfkc, const std::u16string& composed, UChar32 c) {
  if (composed.empty()) return false;
  auto end = static_cast<int32_t>(composed.size());
  UChar32 last;
  U16_PREV(composed.data(), 0, end, last);
  return nfkc.getCombiningClass(last) == 0 && nfkc.composePair(last, c) >= 0;
}

}  // namespace

// The Canonical Composition Algorithm (Unicode ch. 3.11, D117; UAX #15) on NFKD text in
// canonical order: each character C is composed with the last starter L before it unless C is
// blocked, that is some character left between them is a starter or has a combining class
// ≥ C's (D115). In a run of marks sorted by class, a mark of class X is therefore unblocked
// only when every earlier mark of class X was consumed, and every composition makes L's full
// canonical decomposition one code point longer, which no character's exceeds 4 (Unicode 15),
// so a starter consumes at most the first 3 marks of any class. So when a run holds more than
// kComposedMarksPerClass marks of some class, ICU composes the text before the run plus the
// first kComposedMarksPerClass marks of each class (the head: what the other marks change in
// it is only what lies between, and a mark of a lower class never blocks), the other marks
// (the tail, never consumed) are merged back by class into the marks ICU left, and the text
// after the run starts afresh: the next starter is blocked from L by the tail. Between such
// runs, text is cut where ICU reports a normalization boundary (hasBoundaryBefore), and, every
// kPiece units, before a starter that does not compose with the end of ICU's result for the
// text before it (see composes_with_end): no more than 3 starters in a row can (a composite's
// decomposition grows by one each time), so such cuts come soon.
void normalize_long_sequence(const icu::Normalizer2& nfkc, std::u16string_view chunk,
                             std::u16string& out, InterruptionPoller& interruption) {
  std::unique_ptr<char16_t[]> buffer;
  const std::u16string_view d = decompose(nfkc, chunk, buffer, interruption);
  const auto n = static_cast<int32_t>(d.size());
  // Composition only shortens NFKD text: one growth here, not a copy of megabytes later.
  out.reserve(out.size() + d.size());
  constexpr int32_t kPiece = 4096;  // UTF-16 units normalized at least by one ICU call
  int32_t pending = 0;              // start of the text not yet normalized
  ClassCounts marks;
  std::u16string head, tail, composed, left;
  for (int32_t i = 0; i < n;) {
    interruption.step();
    const int32_t segment = i;
    int32_t run_begin = i;
    UChar32 c;
    U16_NEXT(d.data(), run_begin, n, c);
    if (nfkc.getCombiningClass(c) == 0) {
      const std::u16string_view before =
          d.substr(static_cast<std::size_t>(pending), static_cast<std::size_t>(segment - pending));
      if (segment > pending && nfkc.hasBoundaryBefore(c)) {
        append_nfkc(nfkc, before, out);
        pending = segment;
      } else if (segment - pending >= kPiece) {
        // A starter that may compose backward (a Hangul vowel after others): the text before
        // it is final once it is normalized, if the starter cannot join it.
        composed.clear();
        append_nfkc(nfkc, before, composed);
        if (!composes_with_end(nfkc, composed, c)) {
          out.append(composed);
          pending = segment;
        }
      }
    } else {
      run_begin = segment;  // marks with no starter before them in the chunk
    }
    int32_t run_end = run_begin;
    bool long_run = false;
    while (run_end < n) {
      interruption.step();
      int32_t next = run_end;
      U16_NEXT(d.data(), next, n, c);
      const std::uint8_t combining_class = nfkc.getCombiningClass(c);
      if (combining_class == 0) break;
      long_run = marks.increment(combining_class) > kComposedMarksPerClass || long_run;
      run_end = next;
    }
    marks.clear();
    i = run_end;
    if (!long_run) continue;
    head.assign(
        d.substr(static_cast<std::size_t>(pending), static_cast<std::size_t>(run_begin - pending)));
    tail.clear();
    tail.reserve(static_cast<std::size_t>(run_end - run_begin));
    for (int32_t k = run_begin; k < run_end;) {
      interruption.step();
      const int32_t start = k;
      U16_NEXT(d.data(), k, n, c);
      std::u16string& to =
          marks.increment(nfkc.getCombiningClass(c)) <= kComposedMarksPerClass ? head : tail;
      to.append(d.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(k - start)));
    }
    marks.clear();
    composed.clear();
    append_nfkc(nfkc, head, composed);
    // The marks ICU left after the last starter of its result.
    auto left_begin = static_cast<int32_t>(composed.size());
    while (left_begin > 0) {
      int32_t before = left_begin;
      U16_PREV(composed.data(), 0, before, c);
      if (nfkc.getCombiningClass(c) == 0) break;
      left_begin = before;
    }
    out.append(composed, 0, static_cast<std::size_t>(left_begin));
    left.assign(composed, static_cast<std::size_t>(left_begin), std::u16string::npos);
    append_merged(nfkc, left, tail, out, interruption);
    pending = run_end;
  }
  if (pending < n) append_nfkc(nfkc, d.substr(static_cast<std::size_t>(pending)), out);
}

int32_t segment_end(const icu::Normalizer2& nfkc, std::u16string_view text, int32_t pos,
                    InterruptionPoller& interruption) {
  const auto n = static_cast<int32_t>(text.size());
  int32_t end = pos;
  UChar32 c;
  U16_NEXT(text.data(), end, n, c);
  while (end < n) {
    interruption.step();
    int32_t next = end;
    U16_NEXT(text.data(), next, n, c);
    if (nfkc.hasBoundaryBefore(c)) break;
    end = next;
  }
  return end;
}

bool is_normalized(const icu::Normalizer2& nfkc, std::u16string_view text,
                   InterruptionPoller& interruption) {
  constexpr int32_t kWindow = 4096;  // UTF-16 units quick-checked by one ICU call
  const auto n = static_cast<int32_t>(text.size());
  std::u16string normalized;
  // pos is always at a normalization boundary, so text before and after it is checked apart.
  for (int32_t pos = 0; pos < n;) {
    const int32_t window_end = std::min(n - pos, kWindow) + pos;
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString window(false, text.data() + pos, window_end - pos);
    const int32_t yes = nfkc.spanQuickCheckYes(window, status);
    if (U_FAILURE(status)) throw std::runtime_error(u_errorName(status));
    interruption.step(static_cast<std::size_t>(yes) + 1);
    if (pos + yes == n) return true;
    if (yes > 0 && pos + yes < window_end) {  // ICU stops at a boundary before a "no" or "maybe"
      pos += yes;
      continue;
    }
    if (yes > 0) {
      // The whole window passes, but a mark after it may still compose with its end: go on
      // from the window's last boundary (a prefix of quick-checked text passes too).
      int32_t back = window_end;
      while (back > pos) {
        UChar32 c;
        U16_PREV(text.data(), pos, back, c);
        if (nfkc.hasBoundaryBefore(c)) break;
      }
      if (back > pos) {
        pos = back;
        continue;
      }
    }
    // The segment from pos to the next boundary, which quick check does not pass.
    const int32_t end = segment_end(nfkc, text, pos, interruption);
    const std::u16string_view segment =
        text.substr(static_cast<std::size_t>(pos), static_cast<std::size_t>(end - pos));
    if (end - pos > kLongCombiningSequence) {
      // ICU would check it in one call: compared with its NFKC in pieces instead.
      normalized.clear();
      normalize_long_sequence(nfkc, segment, normalized, interruption);
      if (normalized != segment) return false;
    } else {
      const icu::UnicodeString alias(false, segment.data(), static_cast<int32_t>(segment.size()));
      const bool normalized_segment = nfkc.isNormalized(alias, status);
      if (U_FAILURE(status)) throw std::runtime_error(u_errorName(status));
      if (!normalized_segment) return false;
    }
    pos = end;
  }
  return true;
}

}  // namespace khabar::detail
