// normalize_long_sequence (NFKC of one chunk in bounded pieces, through its private header)
// against one ICU normalize call on the same text: hostile mixes of marks, starters and
// decomposing characters of many scripts, and real vocalized Arabic made hostile.
#include <gtest/gtest.h>

#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>
#include <khabar/errors.hpp>
#include <khabar/interruption.hpp>
#include <khabar/normalizer.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "interruption_state.hpp"
#include "long_combining_sequence.hpp"
#include "utf.hpp"

namespace {

using khabar::detail::append_code_point;

using khabar::detail::kComposedMarksPerClass;

const icu::Normalizer2& nfkc() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* instance = icu::Normalizer2::getNFKCInstance(status);
  EXPECT_TRUE(U_SUCCESS(status));
  return *instance;
}

std::u16string one_shot(std::u16string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString alias(false, text.data(), static_cast<int32_t>(text.size()));
  const icu::UnicodeString normalized = nfkc().normalize(alias, status);
  EXPECT_TRUE(U_SUCCESS(status));
  return std::u16string(reinterpret_cast<const char16_t*>(normalized.getBuffer()),
                        static_cast<std::size_t>(normalized.length()));
}

std::u16string in_pieces(std::u16string_view text) {
  std::u16string out;
  khabar::detail::InterruptionPoller interruption;
  khabar::detail::normalize_long_sequence(nfkc(), text, out, interruption);
  return out;
}

std::string hex(std::u16string_view text, std::size_t limit = 40) {
  std::ostringstream out;
  const auto n = static_cast<int32_t>(text.size());
  std::size_t shown = 0;
  for (int32_t i = 0; i < n && shown < limit; ++shown) {
    UChar32 c;
    U16_NEXT(text.data(), i, n, c);
    out << std::hex << std::uppercase << c << ' ';
  }
  if (static_cast<int32_t>(shown) < n) out << "... (" << std::dec << n << " units)";
  return out.str();
}

bool icu_is_normalized(std::u16string_view text) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::UnicodeString alias(false, text.data(), static_cast<int32_t>(text.size()));
  const bool normalized = nfkc().isNormalized(alias, status);
  EXPECT_TRUE(U_SUCCESS(status));
  return normalized;
}

bool pieced_is_normalized(std::u16string_view text) {
  khabar::detail::InterruptionPoller interruption;
  return khabar::detail::is_normalized(nfkc(), text, interruption);
}

// is_normalized agrees with ICU on `text` and on its NFKC (`normalized`).
void expect_same_check(std::u16string_view text, std::u16string_view normalized) {
  EXPECT_EQ(pieced_is_normalized(text), icu_is_normalized(text)) << hex(text);
  EXPECT_TRUE(pieced_is_normalized(normalized)) << hex(normalized);
}

// The premise of the pieces: a starter absorbs fewer marks than its full canonical
// decomposition has code points, so fewer than kComposedMarksPerClass of one class.
TEST(LongCombiningSequence, NoCanonicalDecompositionReachesTheHeadBound) {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  ASSERT_TRUE(U_SUCCESS(status));
  int32_t longest = 0;
  for (UChar32 c = 0; c <= 0x10FFFF; ++c) {
    if (U_IS_SURROGATE(c)) continue;
    const icu::UnicodeString decomposed = nfd->normalize(icu::UnicodeString(c), status);
    longest = std::max(longest, decomposed.countChar32());
  }
  ASSERT_TRUE(U_SUCCESS(status));
  EXPECT_EQ(longest, 4);  // U+1F82 and others: α + U+0313 + U+0300 + U+0345 (Unicode 15)
  EXPECT_LT(static_cast<std::size_t>(longest), kComposedMarksPerClass);
}

// Starters, some composing with the marks below, some decomposing under NFKC, some composing
// backward with the starter before them (Hangul V and T, Indic two-part vowels).
const std::vector<UChar32> kStarters = {
    'a',    'e',    'o',    'u',    'c',    's',     'A',     'O',     '=',    '<',    0x3C9,
    0x3B1,  0x627,  0x648,  0x64A,  0x6C1,  0x6D2,   0x5D0,   0x5E9,   0x5D1,  0x1100, 0x1161,
    0x11A8, 0x1112, 0x1175, 0x11C2, 0xAC00, 0xD7A3,  0x304B,  0x30CF,  0x0B47, 0x0B3E, 0x0DD9,
    0x0DCF, 0x1025, 0x102E, 0x0CBF, 0x0CD5, 0xFB01,  0xFDFA,  0xFEFB,  0x2460, 0x3300, 0x00C5,
    0x212B, 0x1E9B, 0x1F82, 0x01C4, 0x00E9, 0x0386,  0x0958,  0xFB1D,  0xFB2C, 0x1E69, 0x0622,
    0xFE81, 0xFEF5, 0x0BC6, 0x0BBE, 0x0BD7, 0x11131, 0x11127, 0x1D15E, 0x00A8, 0x1FED};
// Non-starters of many classes, some composing with the starters above, and characters that
// decompose into marks (U+0344, U+0F73, U+0F75, U+0F81, U+0958 is a starter) or into a
// starter plus marks, mixed into the runs.
const std::vector<UChar32> kMarks = {
    0x0300, 0x0301, 0x0302, 0x0303, 0x0304, 0x0306, 0x0307,  0x0308,  0x030A,  0x030B,  0x030C,
    0x0313, 0x0314, 0x0316, 0x031B, 0x0323, 0x0324, 0x0327,  0x0328,  0x0331,  0x0334,  0x0338,
    0x0342, 0x0345, 0x0344, 0x064B, 0x064C, 0x064D, 0x064E,  0x064F,  0x0650,  0x0651,  0x0652,
    0x0653, 0x0654, 0x0655, 0x0670, 0x05B0, 0x05B4, 0x05B7,  0x05B8,  0x05BC,  0x05BF,  0x05C1,
    0x05C2, 0x05C4, 0x3099, 0x309A, 0x0F71, 0x0F72, 0x0F74,  0x0F80,  0x0F73,  0x0F75,  0x0F81,
    0x093C, 0x0DCA, 0x0E48, 0x0E38, 0x1DC0, 0x20D0, 0x1D165, 0x1D16E, 0x1D167, 0x1D16D, 0x0B3C,
    0x0CD6, 0x0C56, 0x1B35, 0x302A, 0x0315, 0x035C, 0x0360,  0x0CBC,  0x11134, 0xFE20,  0x0F39};

std::u16string hostile_text(std::mt19937& random) {
  auto pick = [&](const std::vector<UChar32>& from) {
    return from[std::uniform_int_distribution<std::size_t>(0, from.size() - 1)(random)];
  };
  auto below = [&](std::size_t n) {
    return std::uniform_int_distribution<std::size_t>(0, n)(random);
  };
  std::u16string text;
  const std::size_t sequences = 1 + below(3);
  for (std::size_t s = 0; s < sequences; ++s) {
    if (s > 0 || below(5) > 0) append_code_point(text, pick(kStarters));
    if (below(3) == 0) append_code_point(text, pick(kStarters));  // often one composing backward
    // A few kinds of mark repeated, so that classes exceed the head bound around it.
    std::vector<UChar32> kinds;
    for (std::size_t k = 0, n = 1 + below(6); k < n; ++k) kinds.push_back(pick(kMarks));
    const std::size_t lengths[] = {below(10), 20 + below(30), 25 + below(20), 60 + below(200),
                                   500 + below(2500)};
    const std::size_t length = lengths[below(4)];
    for (std::size_t m = 0; m < length; ++m) {
      if (below(400) == 0)
        append_code_point(text, pick(kStarters));  // a starter inside the run
      else
        append_code_point(text, kinds[below(kinds.size() - 1)]);
    }
  }
  return text;
}

TEST(LongCombiningSequence, EqualsOneIcuCallOnHostileMixes) {
  std::mt19937 random(20261203);
  for (int round = 0; round < 3000; ++round) {
    const std::u16string text = hostile_text(random);
    const std::u16string expected = one_shot(text);
    const std::u16string got = in_pieces(text);
    ASSERT_EQ(got == expected, true) << "round " << round << "\ninput    " << hex(text)
                                     << "\nexpected " << hex(expected) << "\ngot      " << hex(got);
    expect_same_check(text, expected);
  }
}

TEST(LongCombiningSequence, EqualsOneIcuCallOnLongRunsOfStartersComposingBackward) {
  // Thousands of starters with no normalization boundary between them (Hangul jamo, Indic
  // two-part vowels), with a few marks: cut only where a starter cannot join what precedes it.
  const std::vector<UChar32> pool = {
      0x1100, 0x1101, 0x1112, 0x1161, 0x1162, 0x1175, 0x11A8, 0x11A9, 0x11C2,  0xAC00,  0xAC1C,
      0xD788, 0x0B47, 0x0B3E, 0x0B56, 0x0B57, 0x0DD9, 0x0DCF, 0x0DCA, 0x0DDF,  0x0DDC,  0x0BC6,
      0x0BBE, 0x0BD7, 0x1025, 0x102E, 0x0CC6, 0x0CC2, 0x0CD5, 0x0CD6, 0x11131, 0x11127, 0x1B05,
      0x1B35, 0x0301, 0x064E, 0x0654, 0x0627, 'a',    0x3099, 0x304B};
  std::mt19937 random(4096);
  for (int round = 0; round < 300; ++round) {
    // A few kinds from the pool, so that pairs that compose recur.
    std::vector<UChar32> kinds;
    for (int k = 0; k < 4; ++k)
      kinds.push_back(pool[std::uniform_int_distribution<std::size_t>(0, pool.size() - 1)(random)]);
    std::u16string text;
    const std::size_t length = std::uniform_int_distribution<std::size_t>(3000, 14000)(random);
    for (std::size_t i = 0; i < length; ++i)
      append_code_point(text, kinds[std::uniform_int_distribution<std::size_t>(0, 3)(random)]);
    const std::u16string expected = one_shot(text);
    const std::u16string got = in_pieces(text);
    ASSERT_EQ(got == expected, true) << "round " << round << "\ninput    " << hex(text)
                                     << "\nexpected " << hex(expected) << "\ngot      " << hex(got);
    expect_same_check(text, expected);
  }
  for (const std::u16string unit : {u"\u1161", u"\u1161\u11A8", u"\u0B3E", u"\u0DCF\u0DCA"}) {
    std::u16string text = u"\u1100";
    for (int i = 0; i < 20'000; ++i) text += unit;
    EXPECT_EQ(in_pieces(text), one_shot(text)) << hex(unit);
  }
}

TEST(LongCombiningSequence, EqualsOneIcuCallAcrossTheHeadBound) {
  // Every length around the bound, for marks that compose (U+0301 on a, U+0654 on alef,
  // U+0308 then U+0301 on u, U+0313 U+0300 U+0345 on alpha) and ones that do not.
  const std::vector<std::u16string> starters = {
      u"a", u"\u0627", u"u", u"\u03B1", u"\u1100\u1161", u"\uFB01", u"\u00C5"};
  const std::vector<std::u16string> patterns = {u"\u0301\u064E",       u"\u0654\u0651",
                                                u"\u0308\u0301\u0327", u"\u0345\u0313\u0300",
                                                u"\u05B8\u05BC\u05C1", u"\u0301"};
  for (const auto& starter : starters) {
    for (const auto& pattern : patterns) {
      for (std::size_t k = 28; k <= 36; ++k) {
        std::u16string text = starter;
        for (std::size_t i = 0; i < k; ++i) text += pattern;
        for (const char16_t* tail : {u"", u"\u1161", u" b", u"\u0301"}) {
          const std::u16string full = text + tail;
          EXPECT_EQ(in_pieces(full), one_shot(full)) << hex(full);
        }
      }
    }
  }
}

// Each starter of `text` (well-formed UTF-16) followed by its marks repeated 1 to 60 times in a
// random order of whole copies, so that runs exceed the bound the way a hostile copy of real
// text would.
std::u16string with_repeated_marks(std::u16string_view text, std::mt19937& random) {
  std::u16string out, marks;
  const auto n = static_cast<int32_t>(text.size());
  auto flush = [&] {
    if (marks.empty()) return;
    const std::size_t copies = std::uniform_int_distribution<std::size_t>(1, 60)(random);
    for (std::size_t c = 0; c < copies; ++c) out += marks;
    marks.clear();
  };
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U16_NEXT(text.data(), i, n, c);
    if (u_getCombiningClass(c) == 0) {
      flush();
      out.append(text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    } else {
      marks.append(
          text.substr(static_cast<std::size_t>(start), static_cast<std::size_t>(i - start)));
    }
  }
  flush();
  return out;
}

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

// The first `limit` lines of `text`, as UTF-16.
std::vector<std::u16string> first_lines(const std::string& text, std::size_t limit) {
  std::vector<std::u16string> lines;
  for (std::size_t begin = 0; begin < text.size() && lines.size() < limit;) {
    std::size_t end = text.find('\n', begin);
    if (end == std::string::npos) end = text.size();
    khabar::detail::decode_utf8(std::string_view(text).substr(begin, end - begin),
                                lines.emplace_back());
    begin = end + 1;
  }
  return lines;
}

// The pieced NFKC and the NFKC check equal ICU's on `line` and on `hostile`, the same line with
// its marks repeated.
void expect_same_as_icu(const std::u16string& line, const std::u16string& hostile) {
  EXPECT_EQ(in_pieces(line), one_shot(line)) << hex(line);
  ASSERT_EQ(in_pieces(hostile) == one_shot(hostile), true) << hex(hostile);
  expect_same_check(hostile, one_shot(hostile));
  expect_same_check(line, one_shot(line));
}

TEST(LongCombiningSequence, EqualsOneIcuCallOnVocalizedCorpusText) {
  // PADT: fully vocalized Arabic news (shadda + haraka pairs, hamza forms) and its Latin
  // transliteration (ǧ ū ḥ), line by line as it is and with every word's marks repeated.
  const std::filesystem::path padt = KHABAR_SHARED_CORPUS "/ud-arabic-padt/ar_padt-ud-dev.conllu";
  ASSERT_TRUE(std::filesystem::exists(padt)) << padt;
  const std::string text = read_file(padt);
  std::mt19937 random(15);
  std::size_t long_runs = 0;
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfd = icu::Normalizer2::getNFDInstance(status);
  ASSERT_TRUE(U_SUCCESS(status));
  const std::vector<std::u16string> lines = first_lines(text, 6000);
  ASSERT_EQ(lines.size(), 6000u);
  for (const std::u16string& line : lines) {
    // Decomposed first, so that precomposed letters (أ, ū) bring their marks into the runs.
    const icu::UnicodeString decomposed = nfd->normalize(
        icu::UnicodeString(false, line.data(), static_cast<int32_t>(line.size())), status);
    const std::u16string hostile = with_repeated_marks(
        std::u16string_view(reinterpret_cast<const char16_t*>(decomposed.getBuffer()),
                            static_cast<std::size_t>(decomposed.length())),
        random);
    if (hostile.size() > line.size() + 64) ++long_runs;
    expect_same_as_icu(line, hostile);
  }
  EXPECT_GT(long_runs, 1000u);
}

TEST(LongCombiningSequence, EqualsOneIcuCallOnNewsArticles) {
  // ANT (Jawhara FM) articles as they are, with the marks of the first 2,000 lines repeated.
  const std::string text = read_file(KHABAR_SHARED_CORPUS "/ant-jawharafm/articles.jsonl");
  ASSERT_GT(text.size(), 1'000'000u);
  std::mt19937 random(16);
  const std::vector<std::u16string> lines = first_lines(text, 2000);
  ASSERT_EQ(lines.size(), 2000u);
  for (const std::u16string& line : lines)
    expect_same_as_icu(line, with_repeated_marks(line, random));
}

TEST(LongCombiningSequence, CheckAgreesWithIcuAroundItsWindows) {
  // A mark that composes with the last letter of a quick-checked window, or not; a long
  // sequence in NFKC or not, after thousands of letters.
  for (std::size_t letters = 4088; letters <= 4100; ++letters) {
    for (const char16_t* after : {u"\u0301", u"\u064E", u"b", u"\u0301\u0301", u"\u1161"}) {
      for (const char16_t* last : {u"a", u"\u00E1", u"\u1100", u"\uFB01"}) {
        std::u16string text(letters, u'\u0628');
        text += last;
        text += after;
        expect_same_check(text, one_shot(text));
      }
    }
  }
  for (const char16_t* start : {u"a", u"\u00E1", u"\u0627"}) {
    for (const char16_t* mark : {u"\u0301", u"\u0654", u"\u0301\u064E", u"\u064E\u0301"}) {
      std::u16string text(5000, u'\u0628');
      text += start;
      for (int i = 0; i < 3'000; ++i) text += mark;
      text += u" \u0628";
      expect_same_check(text, one_shot(text));
    }
  }
}

TEST(LongCombiningSequence, AnInterruptionStopsOneLongSequence) {
  // 80 MB as UTF-8: one starter and 40 M alternating marks, one NFKC chunk, which ICU
  // normalized in one call of seconds. Stopped 0.3 s in, it throws within test_interruption's
  // bound of a second.
  std::string text = "a";
  for (int i = 0; i < 20'000'000; ++i) text += "\u0301\u064E";
  const khabar::Normalizer normalizer;
  const auto start = std::chrono::steady_clock::now();
  khabar::InterruptionCheck check(
      [&] { return std::chrono::steady_clock::now() - start > std::chrono::milliseconds(300); },
      std::chrono::milliseconds(10));
  EXPECT_THROW(normalizer.normalize(text), khabar::Interrupted);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

}  // namespace
