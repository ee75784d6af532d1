#include "khabar/normalizer.hpp"

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <tuple>
#include <utility>
#include <vector>

#include "interruption_state.hpp"
#include "khabar/errors.hpp"
#include "long_combining_sequence.hpp"
#include "utf.hpp"

namespace khabar {
namespace {

// A mapped code point (low 21 bits) or one of these markers.
constexpr std::uint32_t kDrop = 1u << 31;
// Dropped, but part of the preceding letter: a token's span in the source extends over it.
constexpr std::uint32_t kDropAttached = 1u << 30;
// Set in table entries of characters that NFKC may change in context (see needs_nfkc).
constexpr std::uint32_t kNeedsNfkc = 1u << 29;
// The table entry of a surrogate code unit, which is not a character: only the UTF-16 path
// reads it, so that its loop over plain units has one test (entry <= 0xFFFF) per unit.
constexpr std::uint32_t kSurrogateUnit = 1u << 28;

// Format characters that carry no letters: bidi controls, BOM, ZWJ, soft hyphen.
bool is_always_removed(std::uint32_t c) {
  return c == 0x200E || c == 0x200F || c == 0x061C || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF || c == 0x200D || c == 0x00AD;
}

// Harakat, superscript alef and the Quranic annotation marks.
bool is_arabic_mark(std::uint32_t c) {
  return (c >= 0x064B && c <= 0x065F) || c == 0x0670 || (c >= 0x0610 && c <= 0x061A) ||
         (c >= 0x06D6 && c <= 0x06DC) || (c >= 0x06DF && c <= 0x06E8) ||
         (c >= 0x06EA && c <= 0x06ED);
}

}  // namespace

bool NormalizerOptions::operator==(const NormalizerOptions& o) const {
  auto tie = [](const NormalizerOptions& x) {
    return std::tie(x.nfkc, x.diacritics, x.tatweel, x.alef, x.alef_maksura, x.teh_marbuta,
                    x.persian_letters, x.hamza, x.digits, x.lowercase);
  };
  return tie(*this) == tie(o);
}

Normalizer::Normalizer(NormalizerOptions options) : options_(options) {
  if (options_.nfkc) {
    UErrorCode status = U_ZERO_ERROR;
    nfkc_ = icu::Normalizer2::getNFKCInstance(status);
    if (U_FAILURE(status)) throw std::runtime_error(u_errorName(status));
  }
  bmp_table_.resize(0x10000);
  for (std::uint32_t c = 0; c < 0x10000; ++c)
    bmp_table_[c] = U_IS_SURROGATE(c) ? kSurrogateUnit : table_entry(c);
}

std::uint32_t Normalizer::table_entry(std::uint32_t c) const {
  if (const auto replacement = nfkc_singleton(c)) return map_code_point(*replacement);
  const std::uint32_t mapped = map_code_point(c);
  return needs_nfkc(c, mapped) ? (mapped | kNeedsNfkc) : mapped;
}

// The one character NFKC replaces `c` by, when that is a starter NFKC leaves alone (NFKC_QC
// Yes, combining class 0): the no-break space (in a quarter of the ANT corpus's articles) and
// most Arabic presentation forms. Such a replacement composes with no neighbour and reorders
// no mark, so NFKC changes text containing `c` exactly where `c` is, and the single pass may
// replace it there; text with anything else NFKC would change still takes the NFKC route.
// (The character map reads the table only for text in NFKC, which holds no such `c`.)
std::optional<std::uint32_t> Normalizer::nfkc_singleton(std::uint32_t c) const {
  const auto cp = static_cast<UChar32>(c);
  if (!nfkc_ || U_IS_SURROGATE(cp) ||
      u_getIntPropertyValue(cp, UCHAR_NFKC_QUICK_CHECK) == UNORM_YES)
    return std::nullopt;
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString replaced = nfkc_->normalize(icu::UnicodeString(cp), status);
  if (U_FAILURE(status) || replaced.countChar32() != 1) return std::nullopt;
  const UChar32 replacement = replaced.char32At(0);
  // The single pass writes into a buffer as long as its input: no replacement may be longer.
  if (u_getIntPropertyValue(replacement, UCHAR_NFKC_QUICK_CHECK) != UNORM_YES ||
      u_getCombiningClass(replacement) != 0 || U16_LENGTH(replacement) > U16_LENGTH(cp))
    return std::nullopt;
  return static_cast<std::uint32_t>(replacement);
}

// Text made only of characters for which this is false is left unchanged by NFKC up to the
// order of combining marks that the character map drops anyway: such characters have
// NFKC_Quick_Check=Yes (so they neither decompose nor compose with what precedes them), and
// any with a nonzero combining class is dropped, so canonical reordering cannot be observed.
// For such text the character map alone gives the same result as NFKC followed by it.
bool Normalizer::needs_nfkc(std::uint32_t c, std::uint32_t mapped) const {
  if (!nfkc_) return false;
  const auto cp = static_cast<UChar32>(c);
  if (u_getIntPropertyValue(cp, UCHAR_NFKC_QUICK_CHECK) != UNORM_YES) return true;
  return u_getCombiningClass(cp) != 0 && mapped != kDrop && mapped != kDropAttached;
}

bool Normalizer::map_if_nfkc_inert(std::string_view utf8, std::u16string& out) const {
  const auto* bytes = reinterpret_cast<const std::uint8_t*>(utf8.data());
  const auto length = static_cast<std::int32_t>(utf8.size());
  // Mapping never lengthens text: one code point of ≥ 1 byte becomes ≤ 2 UTF-16 units, and
  // only supplementary characters (4 bytes) take 2. The buffer is sized block by block, with
  // a poll between blocks: zero-filling it for a document of 100 MB at once takes tenths of a
  // second (and is wasted when the text turns out to need NFKC).
  constexpr std::int32_t kBlock = 1 << 16;  // bytes
  out.clear();
  out.reserve(utf8.size());
  std::int32_t written = 0;
  detail::InterruptionPoller interruption;
  for (std::int32_t i = 0; i < length;) {
    interruption.step(kBlock);
    const std::int32_t block_end = std::min(length - i, kBlock) + i;
    // The block's last character may end up to 3 bytes after it.
    out.resize(static_cast<std::size_t>(written + std::min(length - i, kBlock + 3)));
    char16_t* dest = out.data();
    while (i < block_end) {
      std::uint32_t entry;
      const std::uint8_t lead = bytes[i];
      if (lead < 0x80) {
        entry = bmp_table_[lead];
        ++i;
      } else if (static_cast<std::uint8_t>(lead - 0xC2) < 0x1E && i + 1 < length &&
                 (bytes[i + 1] & 0xC0) == 0x80) {
        // A well-formed two-byte sequence (U+0080..U+07FF: all of Arabic's main block) decoded
        // inline: U8_NEXT's general path was the larger part of this loop's instructions.
        entry = bmp_table_[((lead & 0x1Fu) << 6) | (bytes[i + 1] & 0x3Fu)];
        i += 2;
      } else {
        const std::int32_t start = i;
        UChar32 c;
        U8_NEXT(bytes, i, length, c);
        if (c < 0) detail::throw_invalid_utf8(utf8, static_cast<std::size_t>(start));
        entry = c <= 0xFFFF ? bmp_table_[static_cast<std::size_t>(c)]
                            : table_entry(static_cast<std::uint32_t>(c));
      }
      // One test for the rare entries: text that needs NFKC, characters that are dropped.
      if (entry & (kNeedsNfkc | kDrop | kDropAttached)) {
        if (entry & kNeedsNfkc) return false;
        continue;
      }
      U16_APPEND_UNSAFE(dest, written, static_cast<UChar32>(entry));
    }
  }
  out.resize(static_cast<std::size_t>(written));
  return true;
}

bool Normalizer::map_if_nfkc_inert(std::u16string_view utf16, std::u16string& out) const {
  const char16_t* units = utf16.data();
  const std::size_t length = utf16.size();
  // Mapping never lengthens text (a BMP character maps to one unit); sized and polled block
  // by block as the UTF-8 form is.
  constexpr std::size_t kBlock = std::size_t{1} << 16;  // units
  out.clear();
  out.reserve(length);
  std::size_t written = 0;
  const std::uint32_t* table = bmp_table_.data();
  detail::InterruptionPoller interruption;
  for (std::size_t i = 0; i < length;) {
    interruption.step(kBlock);
    const std::size_t block_end = std::min(length - i, kBlock) + i;
    // The block's last character may be a surrogate pair ending one unit after it.
    out.resize(written + std::min(length - i, kBlock + 1));
    char16_t* dest = out.data();
    while (i < block_end) {
      std::uint32_t entry = table[units[i]];
      if (entry <= 0xFFFF) {  // nearly every unit: a BMP character mapped to one unit
        dest[written++] = static_cast<char16_t>(entry);
        ++i;
        continue;
      }
      if (entry & kSurrogateUnit) {
        const std::size_t start = i;
        UChar32 c;
        U16_NEXT(units, i, length, c);
        if (U_IS_SURROGATE(c)) detail::throw_lone_surrogate(start);
        entry = table_entry(static_cast<std::uint32_t>(c));
      } else {
        ++i;
      }
      if (entry & (kNeedsNfkc | kDrop | kDropAttached)) {
        if (entry & kNeedsNfkc) return false;
        continue;
      }
      U16_APPEND_UNSAFE(dest, written, static_cast<UChar32>(entry));
    }
  }
  out.resize(written);
  return true;
}

void Normalizer::normalize(std::string_view utf8, std::u16string& out) const {
  if (map_if_nfkc_inert(utf8, out)) return;
  std::u16string decoded;
  detail::decode_utf8(utf8, decoded);
  normalize(decoded, out);
}

std::uint32_t Normalizer::map_code_point(std::uint32_t c) const {
  if (is_always_removed(c)) return kDrop;
  if (c == 0x200C) return u' ';  // ZWNJ separates words
  const auto& o = options_;
  if (o.diacritics && is_arabic_mark(c)) return kDropAttached;
  if (o.tatweel && c == 0x0640) return kDropAttached;
  if (o.alef &&
      (c == 0x0622 || c == 0x0623 || c == 0x0625 || c == 0x0671 || c == 0x0672 || c == 0x0673))
    return 0x0627;
  if (o.alef_maksura && c == 0x0649) return 0x064A;
  if (o.teh_marbuta && c == 0x0629) return 0x0647;
  if (o.persian_letters && c == 0x06CC) return 0x064A;
  if (o.persian_letters && c == 0x06A9) return 0x0643;
  if (o.hamza && c == 0x0624) return 0x0648;
  if (o.hamza && c == 0x0626) return 0x064A;
  const auto cp = static_cast<UChar32>(c);
  if (o.digits && u_charType(cp) == U_DECIMAL_DIGIT_NUMBER)
    return u'0' + static_cast<std::uint32_t>(u_charDigitValue(cp));
  if (o.lowercase) return static_cast<std::uint32_t>(u_foldCase(cp, U_FOLD_CASE_DEFAULT));
  return c;
}

std::string Normalizer::normalize(std::string_view utf8) const {
  std::u16string normalized;
  normalize(utf8, normalized);
  return detail::to_utf8(normalized);
}

void Normalizer::normalize(std::u16string_view text, std::u16string& out, SourceMap* map) const {
  if (!map && map_if_nfkc_inert(text, out)) return;
  detail::validate_utf16(text);
  if (!nfkc_) {
    apply_character_map(text, out, nullptr, map);
    return;
  }
  // Most news text is already in NFKC; ICU's quick check finds that without copying.
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString alias(false, text.data(), static_cast<int32_t>(text.size()));
  if (nfkc_->spanQuickCheckYes(alias, status) == alias.length() && U_SUCCESS(status)) {
    apply_character_map(text, out, nullptr, map);
  } else {
    std::u16string composed;
    SourceMap composed_map;
    apply_nfkc(text, composed, map ? &composed_map : nullptr);
    apply_character_map(composed, out, map ? &composed_map : nullptr, map);
  }
  renormalize(out, map);
}

// The character map can leave text that NFKC would change again: a letter it maps may compose
// with a combining mark it keeps (with diacritics kept, ی + hamza above becomes ي + hamza above,
// canonically ئ U+0626), and a character it drops may have separated a letter from a mark that
// now composes with it (e + tatweel + U+0301 becomes e + U+0301, canonically é) or put marks out
// of canonical order. Such a result is not in NFKC, differs from that of canonically equivalent
// text and changes when normalized again, so NFKC and the map are applied until the text is in
// NFKC. This ends: the map's output for a character of NFKC text has NFKC_Quick_Check Yes or
// Maybe, never No (checked over all code points; for case folding the only change of combining
// class is U+0345 → U+03B9), so a further round can only compose, which shortens the text, or
// reorder marks, which the map then leaves in NFKC. Text that takes map_if_nfkc_inert (most
// news text) never gets here; for the rest the check is one more pass.
void Normalizer::renormalize(std::u16string& out, SourceMap* map) const {
  detail::InterruptionPoller interruption;
  while (true) {
    if (detail::is_normalized(*nfkc_, out, interruption)) return;
    std::u16string composed, again;
    SourceMap composed_map, again_map;
    apply_nfkc(out, composed, map ? &composed_map : nullptr);
    apply_character_map(composed, again, map ? &composed_map : nullptr, map ? &again_map : nullptr);
    if (map) {
      // again_map locates units of `again` in `out`; `map` locates those in the source text.
      for (std::size_t i = 0; i < again.size(); ++i) {
        interruption.step();
        again_map.begin[i] = map->begin[static_cast<std::size_t>(again_map.begin[i])];
        again_map.end[i] = map->end[static_cast<std::size_t>(again_map.end[i] - 1)];
      }
      *map = std::move(again_map);
    }
    out = std::move(again);
  }
}

// NFKC applied chunk by chunk between normalization boundaries (where text normalizes
// independently, see UAX #15), so that each output unit can be traced to its source chunk.
void Normalizer::apply_nfkc(std::u16string_view text, std::u16string& out, SourceMap* map) const {
  out.clear();
  out.reserve(text.size());  // no copy of megabytes without a poll as it grows
  if (map) {
    map->begin.clear();
    map->end.clear();
    map->begin.reserve(text.size());
    map->end.reserve(text.size());
  }
  const auto n = static_cast<int32_t>(text.size());
  int32_t pos = 0;
  icu::UnicodeString chunk_out;
  detail::InterruptionPoller interruption;
  while (pos < n) {
    interruption.step();
    UErrorCode status = U_ZERO_ERROR;
    const icu::UnicodeString rest(false, text.data() + pos, n - pos);
    const int32_t normalized_prefix = nfkc_->spanQuickCheckYes(rest, status);
    if (U_FAILURE(status)) throw std::runtime_error(u_errorName(status));
    out.append(
        text.substr(static_cast<std::size_t>(pos), static_cast<std::size_t>(normalized_prefix)));
    if (map) {
      for (int32_t i = pos; i < pos + normalized_prefix; ++i) {
        map->begin.push_back(i);
        map->end.push_back(i + 1);
      }
    }
    pos += normalized_prefix;
    if (pos >= n) break;
    const int32_t chunk_end = detail::segment_end(*nfkc_, text, pos, interruption);
    std::size_t chunk_length;
    // A long chunk is normalized in pieces: ICU's insertion sort into canonical order is
    // quadratic, and one ICU call on megabytes of marks cannot be interrupted.
    if (chunk_end - pos > detail::kLongCombiningSequence) {
      const std::size_t before = out.size();
      detail::normalize_long_sequence(
          *nfkc_,
          text.substr(static_cast<std::size_t>(pos), static_cast<std::size_t>(chunk_end - pos)),
          out, interruption);
      chunk_length = out.size() - before;
    } else {
      const icu::UnicodeString chunk(false, text.data() + pos, chunk_end - pos);
      nfkc_->normalize(chunk, chunk_out, status);
      if (U_FAILURE(status)) throw std::runtime_error(u_errorName(status));
      out.append(reinterpret_cast<const char16_t*>(chunk_out.getBuffer()),
                 static_cast<std::size_t>(chunk_out.length()));
      chunk_length = static_cast<std::size_t>(chunk_out.length());
    }
    if (map) {
      // In blocks between polls: a chunk may be megabytes of marks.
      constexpr std::size_t kBlock = 1 << 16;
      for (std::size_t done = 0; done < chunk_length; done += kBlock) {
        interruption.step(kBlock);
        const std::size_t units = std::min(kBlock, chunk_length - done);
        map->begin.insert(map->begin.end(), units, pos);
        map->end.insert(map->end.end(), units, chunk_end);
      }
    }
    pos = chunk_end;
  }
}

void Normalizer::apply_character_map(std::u16string_view text, std::u16string& out,
                                     const SourceMap* input_map, SourceMap* map) const {
  out.clear();
  out.reserve(text.size());
  if (map) {
    map->begin.clear();
    map->end.clear();
    map->begin.reserve(text.size());
    map->end.reserve(text.size());
  }
  // A dropped character that was attached to the one before (a harakah, a tatweel) extends
  // the source range of the units produced last: all those sharing the last end. That group is
  // extended once, when the next unit is written (or at the end), not at every drop: a run of
  // k tatweels after a k-mark chunk would otherwise take k² steps.
  std::size_t group_begin = 0;  // first unit of the trailing group of equal ends
  int32_t extended = -1;        // its end once a dropped character extended it, or -1
  auto extend_group = [&] {
    if (extended < 0) return;
    std::fill(map->end.begin() + static_cast<std::ptrdiff_t>(group_begin), map->end.end(),
              extended);
    extended = -1;
  };
  const auto n = static_cast<int32_t>(text.size());
  detail::InterruptionPoller interruption;
  for (int32_t i = 0; i < n;) {
    interruption.step();
    const int32_t start = i;
    UChar32 c;
    U16_NEXT_UNSAFE(text.data(), i, c);
    const std::uint32_t mapped = c <= 0xFFFF ? bmp_table_[static_cast<std::size_t>(c)] & ~kNeedsNfkc
                                             : map_code_point(static_cast<std::uint32_t>(c));
    if (mapped == kDrop) continue;
    if (mapped == kDropAttached) {
      if (map && !map->end.empty())
        extended = input_map ? input_map->end[static_cast<std::size_t>(i - 1)] : i;
      continue;
    }
    const std::size_t before = out.size();
    detail::append_code_point(out, mapped);
    if (map) {
      extend_group();
      const int32_t source_begin =
          input_map ? input_map->begin[static_cast<std::size_t>(start)] : start;
      const int32_t source_end = input_map ? input_map->end[static_cast<std::size_t>(i - 1)] : i;
      if (map->end.empty() || map->end.back() != source_end) group_begin = map->end.size();
      for (std::size_t k = before; k < out.size(); ++k) {
        map->begin.push_back(source_begin);
        map->end.push_back(source_end);
      }
    }
  }
  if (map) extend_group();
}

}  // namespace khabar
