#include "utf.hpp"

#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstdio>

#include "interruption_state.hpp"
#include "khabar/errors.hpp"

namespace khabar::detail {
void throw_invalid_utf8(std::string_view utf8, std::size_t offset) {
  char byte_text[8];
  std::snprintf(byte_text, sizeof byte_text, "0x%02x", static_cast<unsigned char>(utf8[offset]));
  throw InvalidTextError(std::string("invalid UTF-8 (byte ") + byte_text + ")", offset);
}

void throw_lone_surrogate(std::size_t offset) {
  throw InvalidTextError("lone surrogate", offset, std::nullopt, InvalidTextError::Unit::utf16);
}

void validate_utf16(std::u16string_view utf16) {
  const std::size_t n = utf16.size();
  for (std::size_t i = 0; i < n; ++i) {
    if (!U16_IS_SURROGATE(utf16[i])) continue;
    if (U16_IS_LEAD(utf16[i]) && i + 1 < n && U16_IS_TRAIL(utf16[i + 1])) {
      ++i;
      continue;
    }
    throw_lone_surrogate(i);
  }
}

bool replace_lone_surrogates(std::u16string_view utf16, std::u16string& out) {
  const std::size_t n = utf16.size();
  std::size_t i = 0;
  auto lone_at = [&](std::size_t k) {
    if (!U16_IS_SURROGATE(utf16[k])) return false;
    return !(U16_IS_LEAD(utf16[k]) && k + 1 < n && U16_IS_TRAIL(utf16[k + 1]));
  };
  for (; i < n; ++i) {
    if (lone_at(i)) break;
    if (U16_IS_LEAD(utf16[i])) ++i;  // a valid pair: skip its trail
  }
  if (i >= n) return false;
  out.assign(utf16);
  for (; i < n; ++i) {
    if (lone_at(i))
      out[i] = 0xFFFD;
    else if (U16_IS_LEAD(utf16[i]))
      ++i;
  }
  return true;
}

void decode_utf8(std::string_view utf8, std::u16string& out,
                 std::vector<std::int32_t>* byte_of_unit, TextErrors errors) {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(utf8.data());
  const auto length = static_cast<std::int32_t>(utf8.size());
  if (utf8.size() > static_cast<std::size_t>(INT32_MAX / 2))
    throw InvalidTextError("text longer than 1 GiB", 0);
  // A UTF-8 sequence never yields more UTF-16 units than it has bytes. The buffer is sized
  // block by block between polls: zero-filling it at once for a document of 100 MB is a pause
  // of tenths of a second.
  constexpr std::int32_t kBlock = 1 << 16;  // bytes
  out.clear();
  out.reserve(utf8.size());
  std::int32_t written = 0;
  if (byte_of_unit) {
    byte_of_unit->clear();
    byte_of_unit->reserve(utf8.size() + 1);
  }
  InterruptionPoller interruption;  // one document may be a gigabyte
  std::int32_t i = 0;
  while (i < length) {
    interruption.step(kBlock);
    const std::int32_t block_end = std::min(length - i, kBlock) + i;
    // The block's last character may end up to 3 bytes after it.
    out.resize(static_cast<std::size_t>(written + std::min(length - i, kBlock + 3)));
    char16_t* dest = out.data();
    while (i < block_end) {
      if (bytes[i] < 0x80) {  // ASCII fast path: most separators and Latin text.
        if (byte_of_unit) byte_of_unit->push_back(i);
        dest[written++] = bytes[i++];
        continue;
      }
      const std::int32_t start = i;
      UChar32 c;
      U8_NEXT(bytes, i, length, c);
      if (c < 0) {
        if (errors == TextErrors::strict) throw_invalid_utf8(utf8, static_cast<std::size_t>(start));
        c = 0xFFFD;  // U8_NEXT has moved past the maximal ill-formed subpart
      }
      if (byte_of_unit) {
        byte_of_unit->push_back(start);
        if (c > 0xFFFF) byte_of_unit->push_back(start);
      }
      U16_APPEND_UNSAFE(dest, written, c);
    }
  }
  out.resize(static_cast<std::size_t>(written));
  if (byte_of_unit) byte_of_unit->push_back(length);
}

void append_utf8(std::u16string_view units, std::string& out) {
  // Most tokens are short: encode them on the stack and append once, rather than growing
  // (and zero-filling) the output for the worst case.
  constexpr std::size_t kShort = 64;
  std::uint8_t buffer[kShort * 3];
  std::uint8_t* dest = buffer;
  std::string long_buffer;
  if (units.size() > kShort) {
    long_buffer.resize(units.size() * 3);  // each UTF-16 unit is at most 3 UTF-8 bytes
    dest = reinterpret_cast<std::uint8_t*>(long_buffer.data());
  }
  std::int32_t written = 0;
  const auto n = static_cast<std::int32_t>(units.size());
  for (std::int32_t i = 0; i < n;) {
    UChar32 c;
    U16_NEXT_UNSAFE(units.data(), i, c);
    U8_APPEND_UNSAFE(dest, written, c);
  }
  out.append(reinterpret_cast<const char*>(dest), static_cast<std::size_t>(written));
}

std::size_t count_code_points(std::u16string_view units) {
  std::size_t count = 0;
  for (char16_t unit : units) count += !U16_IS_TRAIL(unit);
  return count;
}

}  // namespace khabar::detail
