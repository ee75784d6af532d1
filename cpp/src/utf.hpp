#pragma once

// UTF-8 <-> UTF-16 conversion with validation, built on ICU's utf8.h/utf16.h macros.
// ICU's own u_strFromUTF8 reports that a sequence is invalid but not where; khabar's errors
// must name the byte offset, hence the loop over U8_NEXT here.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <unicode/utf16.h>

#include "khabar/text.hpp"

namespace khabar::detail {

/// Throws InvalidTextError for the ill-formed sequence starting at `offset`.
[[noreturn]] void throw_invalid_utf8(std::string_view utf8, std::size_t offset);

/// Throws InvalidTextError for a lone surrogate at UTF-16 offset `offset`.
[[noreturn]] void throw_lone_surrogate(std::size_t offset);

/// Throws InvalidTextError at the first lone surrogate of `utf16`.
void validate_utf16(std::u16string_view utf16);

/// Copies `utf16` into `out` with U+FFFD for every lone surrogate; false (and `out` untouched)
/// when there is none.
bool replace_lone_surrogates(std::u16string_view utf16, std::u16string& out);

/// Decodes `utf8` into `out` (replacing its content). An ill-formed sequence (truncated,
/// overlong, surrogate code point, byte 0xFF...) throws InvalidTextError, or with
/// TextErrors::replace decodes as U+FFFD (one per maximal subpart).
/// When `byte_of_unit` is given it receives, for each UTF-16 unit of `out` plus one past the
/// end, the byte offset in `utf8` where that unit's code point starts.
void decode_utf8(std::string_view utf8, std::u16string& out,
                 std::vector<std::int32_t>* byte_of_unit = nullptr,
                 TextErrors errors = TextErrors::strict);

/// Appends the UTF-8 encoding of well-formed UTF-16 `units` to `out`.
void append_utf8(std::u16string_view units, std::string& out);

inline std::string to_utf8(std::u16string_view units) {
  std::string out;
  append_utf8(units, out);
  return out;
}

/// Number of code points in well-formed UTF-16.
std::size_t count_code_points(std::u16string_view units);

/// Appends code point `c` (a scalar value) to `out` as one or two UTF-16 units.
inline void append_code_point(std::u16string& out, std::uint32_t c) {
  if (c <= 0xFFFF) {
    out.push_back(static_cast<char16_t>(c));
  } else {
    out.push_back(U16_LEAD(c));
    out.push_back(U16_TRAIL(c));
  }
}

}  // namespace khabar::detail
