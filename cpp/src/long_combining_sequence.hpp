#pragma once

// NFKC of one long chunk of text (a starter and thousands of combining marks after it), in
// linear time and in pieces small enough that Ctrl-C is honoured while it runs.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <unicode/uversion.h>

#include "interruption_state.hpp"

U_NAMESPACE_BEGIN
class Normalizer2;
U_NAMESPACE_END

namespace khabar::detail {

/// At most this many marks of each combining class are composed by ICU with their starter; the
/// rest of a run of marks is appended to ICU's result (see normalize_long_sequence). A starter
/// can absorb fewer marks than its longest canonical decomposition has code points (4 in
/// Unicode 15; tests/cpp/test_long_combining_sequence.cpp checks the bound on ICU's data).
constexpr std::size_t kComposedMarksPerClass = 32;

/// Combining sequences longer than this (UTF-16 units) are worth normalize_long_sequence.
constexpr int kLongCombiningSequence = 64;

/// Appends to `out` what `nfkc` (ICU's NFKC Normalizer2) gives for `chunk` in one normalize
/// call, in time linear in the chunk's length, polling `interruption` every few thousand code
/// points. `chunk` is well-formed UTF-16 (any text; chunks between NFKC boundaries are what it
/// is for).
void normalize_long_sequence(const icu::Normalizer2& nfkc, std::u16string_view chunk,
                             std::u16string& out, InterruptionPoller& interruption);

/// The end of the segment of `text` that starts at `pos` (< text.size()): the first position
/// after its first code point before which `nfkc` has a normalization boundary, or the end.
int32_t segment_end(const icu::Normalizer2& nfkc, std::u16string_view text, int32_t pos,
                    InterruptionPoller& interruption);

/// Whether `text` (well-formed UTF-16) is in NFKC, as nfkc.isNormalized says, polling
/// `interruption`: ICU quick-checks windows of a few thousand units and checks the segments
/// between normalization boundaries that do not pass; a long combining sequence is compared
/// with normalize_long_sequence's result instead (ICU would check it in one call).
bool is_normalized(const icu::Normalizer2& nfkc, std::u16string_view text,
                   InterruptionPoller& interruption);

}  // namespace khabar::detail
