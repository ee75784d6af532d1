#include "word_breaks.hpp"

#include <unicode/brkiter.h>
#include <unicode/uchar.h>
#include <unicode/uscript.h>
#include <unicode/utext.h>

#include <array>
#include <atomic>
#include <stdexcept>

#include "interruption_state.hpp"

namespace khabar::detail {
namespace {

// What the scanner knows of a UTF-16 code unit: its UAX #29 Word_Break value as ICU's word
// rules (icu4c/source/data/brkitr/rules/word.txt) use it, or kUndecided for every character
// whose rules the scanner does not model: Format and ZWJ (WB4 and WB3c), ExtendNumLet (WB13a/b),
// Hebrew letters (WB7a-c), Katakana, Hiragana, ideographs, Hangul and the scripts ICU breaks
// with dictionaries (Thai, Lao, Khmer, Myanmar...), Extended_Pictographic and Regional
// Indicators (WB3c, WB15-17), and surrogates (every supplementary character).
enum WordClass : std::uint8_t {
  kLetter,       // ALetter (ICU's $ALetterPlus less the dictionary scripts, and '@')
  kNumeric,      // Numeric: ASCII and Arabic-Indic digits, U+066B ARABIC DECIMAL SEPARATOR
  kExtend,       // Extend: harakat, combining accents, ZWNJ
  kMidLetter,    // MidLetter less ':' U+FE55 U+FF1A, which ICU's rules take out of it
  kMidNum,       // , ; U+060C ، U+066C ٬ ...
  kMidNumLet,    // . U+2018 ‘ U+2019 ’ ...
  kSingleQuote,  // '
  kSpace,        // WSegSpace (WB3d), not the tab or the no-break space (Other)
  kCR,
  kLF,
  kNewline,
  kOther,  // everything else that no rule joins (WB999): punctuation, symbols, '"', ':'
  kUndecided,
};

bool is_undecided(UChar32 c) {
  if (U_IS_SURROGATE(c)) return true;
  if (u_hasBinaryProperty(c, UCHAR_EXTENDED_PICTOGRAPHIC) ||
      u_hasBinaryProperty(c, UCHAR_IDEOGRAPHIC) || u_hasBinaryProperty(c, UCHAR_REGIONAL_INDICATOR))
    return true;
  if (u_getIntPropertyValue(c, UCHAR_LINE_BREAK) == U_LB_COMPLEX_CONTEXT) return true;
  UErrorCode status = U_ZERO_ERROR;
  const UScriptCode script = uscript_getScript(c, &status);
  if (script == USCRIPT_HAN || script == USCRIPT_HIRAGANA || script == USCRIPT_KATAKANA ||
      script == USCRIPT_HANGUL || script == USCRIPT_HEBREW)
    return true;
  return false;
}

WordClass class_of(UChar32 c) {
  if (is_undecided(c)) return kUndecided;
  // ICU's tailorings of UAX #29 in word.txt: $ALetter = [\p{Word_Break = ALetter} @] and
  // $MidLetter = [\p{Word_Break = MidLetter} - [\: \uFE55 \uFF1A]].
  if (c == u'@') return kLetter;
  if (c == u':' || c == 0xFE55 || c == 0xFF1A) return kOther;
  switch (u_getIntPropertyValue(c, UCHAR_WORD_BREAK)) {
    case U_WB_ALETTER:
      return kLetter;
    case U_WB_NUMERIC:
      return kNumeric;
    case U_WB_EXTEND:
      return kExtend;
    case U_WB_MIDLETTER:
      return kMidLetter;
    case U_WB_MIDNUM:
      return kMidNum;
    case U_WB_MIDNUMLET:
      return kMidNumLet;
    case U_WB_SINGLE_QUOTE:
      return kSingleQuote;
    case U_WB_WSEGSPACE:
      return kSpace;
    case U_WB_CR:
      return kCR;
    case U_WB_LF:
      return kLF;
    case U_WB_NEWLINE:
      return kNewline;
    // Double_Quote joins only Hebrew letters (WB7b/c), which are undecided.
    case U_WB_DOUBLE_QUOTE:
    case U_WB_OTHER:
      return kOther;
    default:
      return kUndecided;
  }
}

const std::array<std::uint8_t, 0x10000>& class_table() {
  static const std::array<std::uint8_t, 0x10000> table = [] {
    std::array<std::uint8_t, 0x10000> t{};
    for (UChar32 c = 0; c < 0x10000; ++c) t[static_cast<std::size_t>(c)] = class_of(c);
    // The NUL after a text stops every run as the end of the text does: no rule joins it.
    if (t[0] != kOther) throw std::logic_error("U+0000 is expected to be Word_Break=Other");
    return t;
  }();
  return table;
}

std::atomic<bool> scanner_on{true};

void keep(std::vector<WordSegment>& out, bool words_only, std::int32_t begin, std::int32_t end,
          std::int32_t status) {
  if (!words_only || status >= UBRK_WORD_NONE_LIMIT) out.push_back({begin, end, status});
}

void set_icu_text(icu::BreakIterator& breaks, std::u16string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  UText utext = UTEXT_INITIALIZER;
  utext_openUChars(&utext, text.data(), static_cast<int64_t>(text.size()), &status);
  breaks.setText(&utext, status);
  utext_close(&utext);
  if (U_FAILURE(status)) throw std::runtime_error(u_errorName(status));
}

}  // namespace

void WordBreaks::set_scanner_enabled(bool enabled) noexcept { scanner_on = enabled; }
bool WordBreaks::scanner_enabled() noexcept { return scanner_on; }

void WordBreaks::segment_with_icu(icu::BreakIterator& breaks, std::u16string_view text,
                                  std::vector<WordSegment>& out, bool words_only) {
  out.clear();
  set_icu_text(breaks, text);
  InterruptionPoller interruption;
  for (std::int32_t begin = breaks.first(), end = breaks.next(); end != icu::BreakIterator::DONE;
       begin = end, end = breaks.next()) {
    interruption.step();
    keep(out, words_only, begin, end, breaks.getRuleStatus());
  }
}

std::int32_t WordBreaks::segment_stretch_with_icu(std::u16string_view text, std::int32_t begin,
                                                  std::int32_t undecided,
                                                  std::vector<WordSegment>& out, bool words_only) {
  if (!icu_has_text_) {
    set_icu_text(icu_, text);
    icu_has_text_ = true;
  }
  // The scanner only ever ends a segment where UAX #29 breaks whatever follows; should ICU
  // disagree, its word is taken for the whole text (the caller starts again).
  if (!icu_.isBoundary(begin)) return -1;
  std::int32_t end = begin;
  InterruptionPoller interruption;  // a stretch may be a whole book of Thai or Chinese
  while (end <= undecided) {
    interruption.step();
    const std::int32_t next = icu_.next();
    if (next == icu::BreakIterator::DONE) break;
    keep(out, words_only, end, next, icu_.getRuleStatus());
    end = next;
  }
  units_given_to_icu_ += static_cast<std::size_t>(end - begin);
  return end;
}

static_assert(kLetter < kExtend && kNumeric < kExtend && kExtend < kMidLetter,
              "the scanner's inner loop takes the classes up to kExtend together");

// UAX #29 rules WB3-WB999 for the classes above, in the form ICU's chained rules give them
// (a segment of letters and digits takes the status of its last one). Each segment ends only
// once every character its end depends on has been read; a kUndecided one among them sends
// the text from the segment's start to ICU, up to ICU's first boundary past that character,
// where the scanner starts again (any boundary is a place to start from: no rule joins across
// one, WB4 excepted, and an Extend character at a segment's start is undecided).
void WordBreaks::segment(std::u16string_view text, std::vector<WordSegment>& out, bool words_only) {
  copy_.assign(text);
  segment_terminated(copy_, out, words_only);
}

void WordBreaks::segment(const std::u16string& text, std::vector<WordSegment>& out,
                         bool words_only) {
  segment_terminated(text, out, words_only);
}

void WordBreaks::segment_terminated(std::u16string_view text, std::vector<WordSegment>& out,
                                    bool words_only) {
  out.clear();
  units_given_to_icu_ = 0;
  icu_has_text_ = false;
  if (!scanner_enabled()) {
    segment_with_icu(icu_, text, out, words_only);
    units_given_to_icu_ = text.size();
    return;
  }
  const std::array<std::uint8_t, 0x10000>& table = class_table();
  const char16_t* s = text.data();
  const auto n = static_cast<std::int32_t>(text.size());
  // s[n] is the NUL after the text (Other): the runs below stop there without a test of i.
  auto class_at = [&](std::int32_t i) -> std::uint8_t {
    return table[static_cast<std::uint16_t>(s[i])];
  };
  // Skips Extend characters (WB4) from i; returns the class of the character it stops at.
  auto skip_extend = [&](std::int32_t& i) {
    std::uint8_t c = class_at(i);
    while (c == kExtend) c = class_at(++i);
    return c;
  };

  InterruptionPoller interruption;
  std::int32_t i = 0;
  while (i < n) {
    interruption.step();
    const std::int32_t begin = i;
    std::int32_t undecided = -1;  // where a character the scanner leaves was read
    std::int32_t status = 0;
    switch (class_at(i)) {
      case kLetter:
      case kNumeric: {
        std::uint8_t last = class_at(i++);
        while (true) {
          // WB5, WB8, WB9, WB10 and WB4: letters, digits and Extend, the classes up to kExtend.
          std::uint8_t next;
          while ((next = class_at(i)) <= kExtend) {
            last = next == kExtend ? last : next;
            ++i;
          }
          const bool mid =
              last == kLetter
                  ? (next == kMidLetter || next == kMidNumLet || next == kSingleQuote)  // WB6, WB7
                  : (next == kMidNum || next == kMidNumLet || next == kSingleQuote);  // WB11, WB12
          if (mid) {
            std::int32_t after = i + 1;
            const std::uint8_t following = skip_extend(after);
            if (following == last) {
              i = after + 1;
              continue;
            }
            if (following == kUndecided) undecided = after;
          } else if (next == kUndecided) {
            undecided = i;
          }
          break;
        }
        status = last == kNumeric ? 100 : 200;
        break;
      }
      case kSpace:
        while (class_at(++i) == kSpace) {  // WB3d, which comes before WB4
        }
        if (skip_extend(i) == kUndecided) undecided = i;
        break;
      case kCR:
        ++i;
        if (i < n && s[i] == u'\n') ++i;  // WB3, then WB3a
        break;
      case kLF:
      case kNewline:
        ++i;  // WB3a
        break;
      case kExtend:  // at the start of the text or after a newline (WB4 does not apply)
      case kUndecided:
        undecided = i;
        break;
      default:  // Other and the Mid classes alone: WB4, then WB999
        ++i;
        if (skip_extend(i) == kUndecided) undecided = i;
        break;
    }
    if (undecided < 0) {
      keep(out, words_only, begin, i, status);
      continue;
    }
    i = segment_stretch_with_icu(text, begin, undecided, out, words_only);
    if (i < 0) {
      segment_with_icu(icu_, text, out, words_only);
      units_given_to_icu_ = text.size();
      return;
    }
  }
}

}  // namespace khabar::detail
