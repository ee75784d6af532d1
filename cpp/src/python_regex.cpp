#include "khabar/python_regex.hpp"

#include <algorithm>
#include <array>
#include <cstdint>

namespace khabar {
namespace {

// kFlagBlockIndex/kFlagBlocks (a two-stage table of per-code-point flags) and the lowercase
// mappings, written at build time from the building Python by generate_python_unicode.py.
#include "python_unicode_tables.inc"

constexpr char32_t kMaxCodePoint = 0x10FFFF;
constexpr char32_t kCapitalSigma = 0x3A3;
constexpr char32_t kSmallSigma = 0x3C3;
constexpr char32_t kFinalSigma = 0x3C2;

constexpr std::uint8_t flags_of(char32_t c) {
  if (c > kMaxCodePoint) return 0;
  constexpr char32_t block_mask = (char32_t{1} << kFlagBlockShift) - 1;
  return kFlagBlocks[(static_cast<std::size_t>(kFlagBlockIndex[c >> kFlagBlockShift])
                      << kFlagBlockShift) |
                     (c & block_mask)];
}

// The hot paths read direct tables instead of the two stages: \w for every code point below
// U+0800 (ASCII and the two-byte sequences: Latin, Greek, Cyrillic, Arabic, Hebrew...), and
// which bytes lowercasing never changes.
constexpr char32_t kTwoByteEnd = 0x800;

constexpr std::array<bool, kTwoByteEnd> kWordBelow0800 = [] {
  std::array<bool, kTwoByteEnd> word{};
  for (char32_t c = 0; c < kTwoByteEnd; ++c) word[c] = (flags_of(c) & kWordFlag) != 0;
  return word;
}();

// Bytes that python_lower copies as they are wherever they occur: ASCII other than A-Z,
// continuation bytes, and the lead bytes of two- and three-byte sequences none of whose code
// points has a lowercase mapping (two-byte leads D6-DF: Hebrew, Arabic, Syriac...; three-byte
// E3-E9: CJK...).
constexpr std::array<bool, 256> kUnchangedByte = [] {
  std::array<bool, 256> unchanged{};
  for (char32_t byte = 0; byte < 0xC0; ++byte)
    unchanged[byte] = byte >= 0x80 || (flags_of(byte) & kHasLowerFlag) == 0;
  // A lead byte of n bytes carries the top bits of 6 * (n - 1) + its own payload bits.
  for (char32_t lead = 0xC0; lead < 0xF0; ++lead) {
    const bool three_bytes = lead >= 0xE0;
    const char32_t first = three_bytes ? (lead & 0x0F) << 12 : (lead & 0x1F) << 6;
    const char32_t count = three_bytes ? 0x1000 : 0x40;
    bool caseless = true;
    for (char32_t c = first; c < first + count; ++c)
      if ((flags_of(c) & kHasLowerFlag) != 0) caseless = false;
    unchanged[lead] = caseless;
  }
  return unchanged;  // four-byte leads (F0-FF) stay false: Deseret, Adlam... are cased
}();

// The eight look-ups are combined with & on ints, without the branches && would add (clang's
// -Wbitwise-instead-of-logical refuses & between bools).
inline bool window_unchanged(const unsigned char* bytes) {
  int all = 1;
  for (int k = 0; k < 8; ++k) all &= static_cast<int>(kUnchangedByte[bytes[k]]);
  return all != 0;
}

// The code point whose UTF-8 encoding starts at `text[i]` and its length in bytes. Ill-formed
// input is outside the contract; a sequence cut short by the end of the text reads as U+FFFD
// (neither a word character nor cased) spanning the rest, so no byte past the end is read.
inline char32_t next_code_point(const unsigned char* text, std::size_t size, std::size_t i,
                                std::size_t& length) {
  const unsigned char lead = text[i];
  if (lead < 0x80) {
    length = 1;
    return lead;
  }
  length = lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
  if (length > size - i) {
    length = size - i;
    return 0xFFFD;
  }
  switch (length) {
    case 2:
      return (char32_t{lead & 0x1Fu} << 6) | (text[i + 1] & 0x3Fu);
    case 3:
      return (char32_t{lead & 0x0Fu} << 12) | (char32_t{text[i + 1] & 0x3Fu} << 6) |
             (text[i + 2] & 0x3Fu);
    default:
      return (char32_t{lead & 0x07u} << 18) | (char32_t{text[i + 1] & 0x3Fu} << 12) |
             (char32_t{text[i + 2] & 0x3Fu} << 6) | (text[i + 3] & 0x3Fu);
  }
}

// Whether the code point at text[i] is \w, and its length in bytes.
inline bool word_at(const unsigned char* text, std::size_t size, std::size_t i,
                    std::size_t& length) {
  const unsigned char lead = text[i];
  if (lead < 0x80) {
    length = 1;
    return kWordBelow0800[lead];
  }
  if (lead < 0xE0 && i + 1 < size) {
    length = 2;
    return kWordBelow0800[(char32_t{lead & 0x1Fu} << 6) | (text[i + 1] & 0x3Fu)];
  }
  return (flags_of(next_code_point(text, size, i, length)) & kWordFlag) != 0;
}

void append_utf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    const char bytes[] = {static_cast<char>(0xC0 | (c >> 6)), static_cast<char>(0x80 | (c & 0x3F))};
    out.append(bytes, 2);
  } else if (c < 0x10000) {
    const char bytes[] = {static_cast<char>(0xE0 | (c >> 12)),
                          static_cast<char>(0x80 | ((c >> 6) & 0x3F)),
                          static_cast<char>(0x80 | (c & 0x3F))};
    out.append(bytes, 3);
  } else {
    const char bytes[] = {
        static_cast<char>(0xF0 | (c >> 18)), static_cast<char>(0x80 | ((c >> 12) & 0x3F)),
        static_cast<char>(0x80 | ((c >> 6) & 0x3F)), static_cast<char>(0x80 | (c & 0x3F))};
    out.append(bytes, 4);
  }
}

void append_lowercase_mapping(char32_t c, std::string& out) {
  const auto* end = kLowerFrom + std::size(kLowerFrom);
  const auto* found = std::lower_bound(kLowerFrom, end, c);
  if (found == end || *found != c) {  // flags and mappings come from one run; never here
    append_utf8(c, out);
    return;
  }
  const std::uint32_t to = kLowerTo[found - kLowerFrom];
  if ((to & kLowerExpansionFlag) == 0) {
    append_utf8(static_cast<char32_t>(to), out);
    return;
  }
  const std::size_t at = to & ~kLowerExpansionFlag;
  for (std::size_t k = 0; k < kLowerExpansions[at]; ++k)
    append_utf8(kLowerExpansions[at + 1 + k], out);
}

// CPython's handle_capital_sigma for the "Σ" at bytes [at, at + 2) of `text`: final "ς" when the
// nearest code point before it that is not case-ignorable exists and is cased, and the nearest
// one after it that is not case-ignorable does not exist or is not cased. Each scan stops at the
// first such code point, "Σ" included, so scans from successive sigmas cover disjoint stretches
// and a whole text costs linear time, as in CPython.
char32_t lowercase_sigma(const unsigned char* text, std::size_t size, std::size_t at) {
  bool cased_before = false;
  for (std::size_t j = at; j > 0;) {
    do --j;
    while (j > 0 && (text[j] & 0xC0) == 0x80);
    std::size_t length = 0;
    const std::uint8_t flags = flags_of(next_code_point(text, size, j, length));
    if ((flags & kCaseIgnorableFlag) == 0) {
      cased_before = (flags & kCasedFlag) != 0;
      break;
    }
  }
  if (!cased_before) return kSmallSigma;
  for (std::size_t j = at + 2; j < size;) {
    std::size_t length = 0;
    const std::uint8_t flags = flags_of(next_code_point(text, size, j, length));
    if ((flags & kCaseIgnorableFlag) == 0)
      return (flags & kCasedFlag) != 0 ? kSmallSigma : kFinalSigma;
    j += length;
  }
  return kFinalSigma;
}

}  // namespace

bool python_is_word(char32_t c) { return (flags_of(c) & kWordFlag) != 0; }

std::optional<PythonWordPattern> PythonWordPattern::parse(std::string_view pattern) {
  // (?u) asks for Unicode matching, which a str pattern has anyway.
  constexpr std::string_view unicode_flag = "(?u)";
  if (pattern.substr(0, unicode_flag.size()) == unicode_flag)
    pattern.remove_prefix(unicode_flag.size());
  if (pattern == R"(\b\w\w+\b)" || pattern == R"(\w\w+)") return PythonWordPattern(2);
  if (pattern == R"(\b\w+\b)" || pattern == R"(\w+)") return PythonWordPattern(1);
  return std::nullopt;
}

void PythonWordPattern::find_all(
    std::string_view utf8, std::vector<std::pair<std::size_t, std::size_t>>& byte_spans) const {
  byte_spans.clear();
  const auto* text = reinterpret_cast<const unsigned char*>(utf8.data());
  const std::size_t size = utf8.size();
  std::size_t i = 0, length = 0;
  while (i < size) {
    // Skip to the next word character, then take the maximal run of them.
    while (i < size && !word_at(text, size, i, length)) i += length;
    if (i >= size) break;
    const std::size_t begin = i;
    std::size_t code_points = 0;
    while (i < size && word_at(text, size, i, length)) {
      i += length;
      ++code_points;
    }
    if (code_points >= min_code_points_) byte_spans.emplace_back(begin, i);
  }
}

void python_lower(std::string_view utf8, std::string& out) {
  const auto* text = reinterpret_cast<const unsigned char*>(utf8.data());
  const std::size_t size = utf8.size();
  out.reserve(out.size() + size);
  // Unchanged stretches are copied whole: `unchanged` is where the current one began.
  std::size_t unchanged = 0;
  std::size_t i = 0;
  while (i < size) {
    // Eight bytes at a time while lowercasing leaves them as they are (most of a text), then
    // code point by code point to the end of the first window that holds a change.
    const std::size_t fast_start = i;
    while (size - i >= 8 && window_unchanged(text + i)) i += 8;
    // The last window may end inside a sequence whose lead byte it checked: back to that lead.
    if (i != fast_start)
      while (i < size && i > fast_start && (text[i] & 0xC0) == 0x80) --i;
    const std::size_t window_end = std::min(i + 8, size);
    while (i < window_end) {
      const unsigned char lead = text[i];
      if (lead < 0x80) {
        if (static_cast<unsigned>(lead - 'A') < 26u) {
          out.append(utf8.data() + unchanged, i - unchanged);
          out.push_back(static_cast<char>(lead | 0x20));
          unchanged = i + 1;
        }
        ++i;
        continue;
      }
      std::size_t length = 0;
      const char32_t c = next_code_point(text, size, i, length);
      if (!kUnchangedByte[lead] && (flags_of(c) & kHasLowerFlag) != 0) {
        out.append(utf8.data() + unchanged, i - unchanged);
        if (c == kCapitalSigma)
          append_utf8(lowercase_sigma(text, size, i), out);
        else
          append_lowercase_mapping(c, out);
        unchanged = i + length;
      }
      i += length;
    }
  }
  out.append(utf8.data() + unchanged, size - unchanged);
}

}  // namespace khabar
