#include <gtest/gtest.h>

#include <unicode/uchar.h>
#include <unicode/unistr.h>
#include <unicode/unorm2.h>
#include <unicode/utf16.h>
#include <khabar/errors.hpp>
#include <khabar/normalizer.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

using khabar::Normalizer;
using khabar::NormalizerOptions;

std::string normalize(const std::string& text, NormalizerOptions options = {}) {
  return Normalizer(options).normalize(text);
}

template <class Flag>
NormalizerOptions without(Flag NormalizerOptions::* flag) {
  NormalizerOptions options;
  options.*flag = false;
  return options;
}

TEST(Normalizer, NfkcFoldsPresentationFormsAndLigatures) {
  EXPECT_EQ(normalize("ﻻ"), "لا");
  EXPECT_EQ(normalize("ﺍﻟﺮﺋﻴﺲ"), "الرئيس");
  // U+FDFC RIAL SIGN decomposes with Farsi yeh U+06CC; persian_letters then makes it Arabic yeh.
  EXPECT_EQ(normalize("﷼"), "ريال");
  NormalizerOptions keep_persian;
  keep_persian.persian_letters = false;
  EXPECT_EQ(normalize("﷼", keep_persian), "ر\u06CCال");
  EXPECT_EQ(normalize("ﻻ", without(&NormalizerOptions::nfkc)), "ﻻ");
}

TEST(Normalizer, NfkcComposesDecomposedHamzaBeforeAlefFolding) {
  // ا + U+0654 HAMZA ABOVE composes to أ under NFKC, which alef folding turns into ا.
  EXPECT_EQ(normalize("\u0627\u0654مم"), "امم");
}

TEST(Normalizer, Diacritics) {
  EXPECT_EQ(normalize("الرَّئِيسُ"), "الرئيس");
  EXPECT_EQ(normalize("هٰذا"), "هذا");                            // U+0670 superscript alef
  EXPECT_EQ(normalize("الله\u0610\u06D6\u06E1\u06EA"), "الله");  // Quranic marks
  EXPECT_EQ(normalize("كَتَبَ", without(&NormalizerOptions::diacritics)), "كَتَبَ");
}

TEST(Normalizer, Tatweel) {
  EXPECT_EQ(normalize("الرئيـــس"), "الرئيس");
  EXPECT_EQ(normalize("الرئيـــس", without(&NormalizerOptions::tatweel)), "الرئيـــس");
}

TEST(Normalizer, Alef) {
  EXPECT_EQ(normalize("أإآٱ\u0672\u0673"), "اااااا");
  EXPECT_EQ(normalize("أحمد إلى", without(&NormalizerOptions::alef)), "أحمد إلي");
}

TEST(Normalizer, AlefMaksuraAndTehMarbuta) {
  EXPECT_EQ(normalize("مصطفى"), "مصطفي");
  EXPECT_EQ(normalize("مصطفى", without(&NormalizerOptions::alef_maksura)), "مصطفى");
  EXPECT_EQ(normalize("مدرسة"), "مدرسه");
  EXPECT_EQ(normalize("مدرسة", without(&NormalizerOptions::teh_marbuta)), "مدرسة");
}

TEST(Normalizer, PersianLetters) {
  EXPECT_EQ(normalize("\u06CC\u06A9"), "يك");
  EXPECT_EQ(normalize("\u06CC\u06A9", without(&NormalizerOptions::persian_letters)),
            "\u06CC\u06A9");
}

TEST(Normalizer, HamzaIsOffByDefault) {
  EXPECT_EQ(normalize("مؤتمر رئيس"), "مؤتمر رئيس");
  NormalizerOptions fold_hamza;
  fold_hamza.hamza = true;
  EXPECT_EQ(normalize("مؤتمر رئيس", fold_hamza), "موتمر رييس");
}

TEST(Normalizer, Digits) {
  EXPECT_EQ(normalize("٢٠١٧"), "2017");  // Arabic-Indic
  EXPECT_EQ(normalize("۱۳۹۶"), "1396");  // Extended Arabic-Indic
  EXPECT_EQ(normalize("१२"), "12");      // Devanagari: any Nd digit
  EXPECT_EQ(normalize("٢٠١٧", without(&NormalizerOptions::digits)), "٢٠١٧");
}

TEST(Normalizer, Lowercase) {
  EXPECT_EQ(normalize("Putin ΣΟΧΙ"), "putin σοχι");
  EXPECT_EQ(normalize("Putin", without(&NormalizerOptions::lowercase)), "Putin");
}

TEST(Normalizer, AlwaysRemovesFormatCharacters) {
  EXPECT_EQ(normalize("a\u200Eb\u200Fc\u061Cd\u202Ae\u202Ef\u2066g\u2069h"), "abcdefgh");
  EXPECT_EQ(normalize("\uFEFFسوريا"), "سوريا");
  EXPECT_EQ(normalize("لا\u200Dم"), "لام");
  EXPECT_EQ(normalize("co\u00ADoperation"), "cooperation");
  // Even with every option off these go: they are never part of a word.
  NormalizerOptions none{false, false, false, false, false, false, false, false, false, false};
  EXPECT_EQ(normalize("a\u200Fb\u00AD", none), "ab");
}

TEST(Normalizer, ZwnjBecomesASpace) { EXPECT_EQ(normalize("الأمم\u200Cالمتحدة"), "الامم المتحده"); }

TEST(Normalizer, EmptyAndAscii) {
  EXPECT_EQ(normalize(""), "");
  EXPECT_EQ(normalize("a\0b"), "a");  // a C string literal stops at NUL...
  EXPECT_EQ(normalize(std::string("a\0b", 3)), std::string("a\0b", 3));  // ...std::string doesn't
}

TEST(Normalizer, InvalidUtf8ReportsByteOffset) {
  struct Bad {
    std::string text;
    std::size_t offset;
  };
  const Bad cases[] = {
      {"ab\xFF"
       "cd",
       2},                    // 0xFF never occurs in UTF-8
      {"سلام\xD8", 8},        // truncated two-byte sequence at the end
      {"x\xC0\xAF", 1},       // overlong encoding of '/'
      {"ok\xED\xA0\x80", 2},  // UTF-16 surrogate encoded in UTF-8
      {"\xE2\x82", 0},        // truncated three-byte sequence
  };
  for (const Bad& bad : cases) {
    try {
      normalize(bad.text);
      ADD_FAILURE() << "no exception for offset " << bad.offset;
    } catch (const khabar::InvalidTextError& error) {
      EXPECT_EQ(error.byte_offset(), bad.offset);
      EXPECT_FALSE(error.document().has_value());
      EXPECT_NE(std::string(error.what()).find("byte offset " + std::to_string(bad.offset)),
                std::string::npos);
    }
  }
}

TEST(Normalizer, SourceMapTracesExpansionsAndRemovals) {
  const Normalizer normalizer;
  const std::u16string text = u"ﻻ بـَ";  // ligature, space, beh + tatweel + fatha
  std::u16string out;
  khabar::SourceMap map;
  normalizer.normalize(text, out, &map);
  ASSERT_EQ(out, u"لا ب");
  EXPECT_EQ(map.begin, (std::vector<std::int32_t>{0, 0, 1, 2}));
  // Tatweel and fatha are dropped but belong to the beh: its source range extends over them.
  EXPECT_EQ(map.end, (std::vector<std::int32_t>{1, 1, 2, 5}));
}

// The single-pass UTF-8 route must agree with NFKC followed by the character map (the UTF-16
// route), including on text that NFKC changes.
std::u16string via_utf16(const Normalizer& normalizer, const std::string& text) {
  const icu::UnicodeString decoded = icu::UnicodeString::fromUTF8(text);
  std::u16string out;
  normalizer.normalize(std::u16string_view(decoded.getBuffer(), decoded.length()), out);
  return out;
}

std::u16string via_utf8(const Normalizer& normalizer, const std::string& text) {
  std::u16string out;
  normalizer.normalize(std::string_view(text), out);
  return out;
}

TEST(Normalizer, SinglePassAgreesWithNfkcRoute) {
  const std::vector<std::string> texts = {
      "بوتين يستقبل الأسد في سوتشي ٢٠١٧",
      "الرَّئِيسُ وَالشَّعْبُ",      // shadda before fatha: NFKC reorders, the map drops both
      "ؤ ئ",                // waw/yeh + hamza above compose to ؤ ئ under NFKC
      "ﻻ ﺍﻟﺮﺋﻴﺲ ﷼ ①",       // compatibility characters
      "Café ǅ ﬁ",           // Latin combining accent, titlecase digraph, ligature
      "𝟙𝟚 ð",  // supplementary digits and an emoji
  };
  for (const NormalizerOptions& options :
       {NormalizerOptions{}, without(&NormalizerOptions::diacritics),
        without(&NormalizerOptions::lowercase)}) {
    const Normalizer normalizer(options);
    for (const auto& text : texts)
      EXPECT_EQ(via_utf8(normalizer, text), via_utf16(normalizer, text)) << text;
  }
  EXPECT_EQ(normalize("ؤ"), "ؤ");
}

// Characters NFKC changes, among others that compose, reorder or are dropped: the single pass
// (which replaces NFKC singletons such as the no-break space itself) must give what the NFKC
// route gives (a source map forces that route).
TEST(Normalizer, SinglePassAgreesWithNfkcRouteForEveryCharacterNfkcChanges) {
  const std::vector<std::u16string> contexts = {
      u"#", u"a#b", u"\u0628#\u064E", u"#\u0301", u"\u0627#\u0654", u"##", u"\u00A0#\u0640"};
  int tested = 0;
  for (const NormalizerOptions& options :
       {NormalizerOptions{}, without(&NormalizerOptions::diacritics),
        without(&NormalizerOptions::lowercase)}) {
    const Normalizer normalizer(options);
    for (UChar32 c = 1; c <= 0x10FFFF; ++c) {
      if (U_IS_SURROGATE(c) || u_getIntPropertyValue(c, UCHAR_NFKC_QUICK_CHECK) == UNORM_YES)
        continue;
      std::u16string units;
      if (U16_LENGTH(c) == 1) {
        units.push_back(static_cast<char16_t>(c));
      } else {
        units.push_back(U16_LEAD(c));
        units.push_back(U16_TRAIL(c));
      }
      for (const std::u16string& context : contexts) {
        std::u16string text;
        for (char16_t unit : context) text += unit == u'#' ? units : std::u16string(1, unit);
        std::u16string single_pass, nfkc_route;
        khabar::SourceMap map;
        normalizer.normalize(text, single_pass);
        normalizer.normalize(text, nfkc_route, &map);
        ASSERT_EQ(single_pass, nfkc_route) << "U+" << std::hex << static_cast<std::uint32_t>(c);
        std::string utf8;
        icu::UnicodeString(text.data(), static_cast<int32_t>(text.size())).toUTF8String(utf8);
        normalizer.normalize(std::string_view(utf8), single_pass);
        ASSERT_EQ(single_pass, nfkc_route)
            << "UTF-8, U+" << std::hex << static_cast<std::uint32_t>(c);
      }
      ++tested;
    }
  }
  EXPECT_GT(tested, 3000);
  // The no-break space of a quarter of the ANT articles takes the single pass.
  EXPECT_EQ(normalize("بوتين\u00A0يستقبل"), "بوتين يستقبل");
}

// The UTF-16 loop reads surrogate units from the table as markers, and works in blocks of
// 65,536 units: every character once (the NFKC-inert ones take the single pass), and a pair
// across the first block's end.
TEST(Normalizer, Utf16AndUtf8AgreeOnEveryCharacterAndAcrossBlocks) {
  const Normalizer normalizer;
  std::string inert;
  for (UChar32 c = 1; c <= 0x10FFFF; ++c) {
    if (U_IS_SURROGATE(c) || u_getIntPropertyValue(c, UCHAR_NFKC_QUICK_CHECK) != UNORM_YES ||
        u_getCombiningClass(c) != 0)
      continue;
    icu::UnicodeString(c).toUTF8String(inert);
  }
  EXPECT_EQ(via_utf8(normalizer, inert), via_utf16(normalizer, inert));
  for (std::size_t before : {65534u, 65535u, 65536u}) {
    const std::string text = std::string(before, 'a') + "\U0001F600\u0628\u064E";
    const std::u16string out = via_utf16(normalizer, text);
    EXPECT_EQ(out, via_utf8(normalizer, text)) << before;
    ASSERT_EQ(out.size(), before + 3) << before;  // the pair, then ب without its fatha
    EXPECT_EQ(out.substr(before), u"\U0001F600\u0628");
  }
}

TEST(Normalizer, SinglePassAgreesOnTheSochiCorpus) {
  const std::filesystem::path corpus = KHABAR_SHARED_CORPUS "/sochi-2017";
  ASSERT_TRUE(std::filesystem::is_directory(corpus)) << corpus;
  const Normalizer normalizer;
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(corpus)) {
    if (entry.path().extension() != ".txt") continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream buffer;
    buffer << in.rdbuf();
    EXPECT_EQ(via_utf8(normalizer, buffer.str()), via_utf16(normalizer, buffer.str()))
        << entry.path();
    ++files;
  }
  EXPECT_EQ(files, 5);
}

TEST(Normalizer, IsIdempotentOnNewsText) {
  const std::string text = "أجرى الرئيسُ الروسيّ ﻻ ١٢ Putin\u200Cو ﷼ مؤتمر";
  EXPECT_EQ(normalize(normalize(text)), normalize(text));
}

// The character map can bring a letter and a mark together that NFKC composes (found by
// fuzz_tokenize's idempotence check); the result is normalized again until it is in NFKC.
TEST(Normalizer, ComposesWhatTheCharacterMapBringsTogether) {
  const NormalizerOptions keep_marks = without(&NormalizerOptions::diacritics);
  // Farsi yeh + hamza above has no composition; the Arabic yeh it becomes does: ئ.
  EXPECT_EQ(normalize("\u06CC\u0654", keep_marks), "\u0626");
  NormalizerOptions hamza = keep_marks;
  hamza.hamza = true;
  EXPECT_EQ(normalize("\u06CC\u0654", hamza), "\u064A");
  EXPECT_EQ(normalize("\u0671\u0654", keep_marks), "\u0627");  // alef wasla → ا, then أ → ا
  // Dropping a tatweel or a bidi mark joins e and the acute accent: é.
  EXPECT_EQ(normalize("e\u0640\u0301"), "\u00E9");
  EXPECT_EQ(normalize("e\u200E\u0301"), "\u00E9");
  for (const std::string text : {"\u06CC\u0654", "e\u0640\u0301", "e\u200E\u0301\u0345"}) {
    const std::string once = normalize(text, keep_marks);
    EXPECT_EQ(normalize(once, keep_marks), once) << text;
  }
}

TEST(Normalizer, SourceMapFollowsTheSecondRound) {
  const Normalizer normalizer;
  std::u16string out;
  khabar::SourceMap map;
  normalizer.normalize(u"ب e\u0640\u0301 ت", out, &map);
  ASSERT_EQ(out, u"ب \u00E9 ت");
  EXPECT_EQ(map.begin, (std::vector<std::int32_t>{0, 1, 2, 5, 6}));
  EXPECT_EQ(map.end, (std::vector<std::int32_t>{1, 2, 5, 6, 7}));
}

}  // namespace
