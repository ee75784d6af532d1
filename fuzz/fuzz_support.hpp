#pragma once

// Helpers shared by the fuzz checks: splitting an input into options and text, independent
// UTF-8 / UTF-16 validators to compare khabar's errors against, and the check macro.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "khabar/normalizer.hpp"
#include "khabar/tokenizer.hpp"

// A broken invariant: print where and abort, which libFuzzer reports as a crash (and saves the
// input) and which fails the GoogleTest that replays saved inputs.
#define KHABAR_FUZZ_CHECK(condition)                                                          \
  do {                                                                                        \
    if (!(condition)) {                                                                       \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s\n", __FILE__, __LINE__, #condition); \
      std::abort();                                                                           \
    }                                                                                         \
  } while (false)

namespace khabar::fuzz {

/// Splits fuzz input bytes like LLVM's FuzzedDataProvider: option values are taken from the END
/// of the input and the text is what remains at the front, so that mutations of the text leave
/// the options alone. (Not FuzzedDataProvider itself: that header ships with clang, and the
/// regression test replaying these inputs is built with any compiler.)
class FuzzInput {
 public:
  FuzzInput(const std::uint8_t* data, std::size_t size)
      : bytes_(reinterpret_cast<const char*>(data), size) {}

  /// The next byte from the end, 0 once the input is used up.
  std::uint8_t byte() {
    if (bytes_.empty()) return 0;
    const auto value = static_cast<std::uint8_t>(bytes_.back());
    bytes_.remove_suffix(1);
    return value;
  }
  /// A value in [min, max] from one byte.
  std::size_t in_range(std::size_t min, std::size_t max) { return min + byte() % (max - min + 1); }
  /// What the options left.
  std::string_view rest() const noexcept { return bytes_; }

 private:
  std::string_view bytes_;
};

/// Normalizer flags from 10 bits, each toggling its default: zero bits give the defaults.
inline NormalizerOptions normalizer_options(unsigned bits) {
  NormalizerOptions o;
  bool* flags[] = {&o.nfkc,        &o.diacritics,      &o.tatweel, &o.alef,   &o.alef_maksura,
                   &o.teh_marbuta, &o.persian_letters, &o.hamza,   &o.digits, &o.lowercase};
  for (bool* flag : flags) {
    *flag ^= bits & 1;
    bits >>= 1;
  }
  return o;
}

/// Tokenizers by a key of the options they were built from. Building one costs a table of
/// 65,536 ICU look-ups, far more than tokenizing a fuzz input, and libFuzzer's mutations mostly
/// keep an input's option bytes, so they are reused; the cache is emptied when it holds 256.
class TokenizerCache {
 public:
  template <typename MakeOptions>
  const Tokenizer& get(std::uint64_t key, MakeOptions make_options) {
    auto found = tokenizers_.find(key);
    if (found != tokenizers_.end()) return *found->second;
    if (tokenizers_.size() >= 256) tokenizers_.clear();
    return *tokenizers_.emplace(key, std::make_unique<Tokenizer>(make_options())).first->second;
  }

 private:
  std::map<std::uint64_t, std::unique_ptr<Tokenizer>> tokenizers_;
};

/// Offset of the first byte that does not start a well-formed UTF-8 sequence (Unicode 15,
/// table 3-7), or nullopt for valid UTF-8. Written from the table, not with ICU's macros, so
/// that it is an independent oracle for khabar's InvalidTextError offsets.
inline std::optional<std::size_t> first_invalid_utf8(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const std::size_t n = text.size();
  std::size_t i = 0;
  auto in = [&](std::size_t k, unsigned lo, unsigned hi) {
    return i + k < n && s[i + k] >= lo && s[i + k] <= hi;
  };
  while (i < n) {
    const unsigned c = s[i];
    std::size_t length = 0;
    if (c <= 0x7F)
      length = 1;
    else if (c >= 0xC2 && c <= 0xDF)
      length = in(1, 0x80, 0xBF) ? 2 : 0;
    else if (c == 0xE0)
      length = in(1, 0xA0, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
    else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF)
      length = in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) ? 3 : 0;
    else if (c == 0xED)
      length = in(1, 0x80, 0x9F) && in(2, 0x80, 0xBF) ? 3 : 0;
    else if (c == 0xF0)
      length = in(1, 0x90, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    else if (c >= 0xF1 && c <= 0xF3)
      length = in(1, 0x80, 0xBF) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    else if (c == 0xF4)
      length = in(1, 0x80, 0x8F) && in(2, 0x80, 0xBF) && in(3, 0x80, 0xBF) ? 4 : 0;
    if (length == 0) return i;
    i += length;
  }
  return std::nullopt;
}

/// Offset of the first unpaired surrogate, or nullopt for well-formed UTF-16.
inline std::optional<std::size_t> first_lone_surrogate(std::u16string_view text) {
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char16_t u = text[i];
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < text.size() && text[i + 1] >= 0xDC00 &&
        text[i + 1] <= 0xDFFF) {
      ++i;
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      return i;
    }
  }
  return std::nullopt;
}

/// Code points of well-formed UTF-8 or UTF-16 (continuation bytes / trail surrogates skipped).
inline std::size_t code_points(std::string_view utf8) {
  std::size_t count = 0;
  for (unsigned char byte : utf8) count += (byte & 0xC0) != 0x80;
  return count;
}

/// UTF-8 → UTF-16 of well-formed text.
inline std::u16string to_utf16(std::string_view utf8) {
  std::u16string out;
  const auto* s = reinterpret_cast<const unsigned char*>(utf8.data());
  for (std::size_t i = 0; i < utf8.size();) {
    std::uint32_t c = s[i];
    std::size_t length = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    if (length > 1) c &= 0x3F >> (length - 1);
    for (std::size_t k = 1; k < length; ++k) c = (c << 6) | (s[i + k] & 0x3F);
    i += length;
    if (c >= 0x10000) {
      out.push_back(static_cast<char16_t>(0xD800 + ((c - 0x10000) >> 10)));
      out.push_back(static_cast<char16_t>(0xDC00 + ((c - 0x10000) & 0x3FF)));
    } else {
      out.push_back(static_cast<char16_t>(c));
    }
  }
  return out;
}

/// UTF-16 → UTF-8 of well-formed text.
inline std::string to_utf8(std::u16string_view utf16) {
  std::string out;
  for (std::size_t i = 0; i < utf16.size(); ++i) {
    std::uint32_t c = utf16[i];
    if (c >= 0xD800 && c <= 0xDBFF) c = 0x10000 + ((c - 0xD800) << 10) + (utf16[++i] - 0xDC00);
    if (c < 0x80) {
      out.push_back(static_cast<char>(c));
    } else if (c < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (c >> 6)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else if (c < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (c >> 12)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (c >> 18)));
      out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
    }
  }
  return out;
}

}  // namespace khabar::fuzz
