// Python's re word patterns, \w and str.lower() in C++. The expected values are worked out by
// hand from CPython's definitions (sre's SRE_UNI_IS_WORD, unicodeobject.c's lower_ucs4 and
// handle_capital_sigma) and agree with re.finditer / str.lower() of Python 3.11; the exhaustive
// comparison with the running Python is tests/python/test_python_regex.py.
#include <gtest/gtest.h>

#include <khabar/python_regex.hpp>

#include <string>
#include <utility>
#include <vector>

namespace {

using khabar::python_is_word;
using khabar::python_lower;
using khabar::PythonWordPattern;
using Spans = std::vector<std::pair<std::size_t, std::size_t>>;

constexpr const char* kSklearnPattern = R"((?u)\b\w\w+\b)";

Spans spans_of(const char* pattern, const std::string& text) {
  const auto parsed = PythonWordPattern::parse(pattern);
  EXPECT_TRUE(parsed.has_value()) << pattern;
  Spans spans;
  if (parsed) parsed->find_all(text, spans);
  return spans;
}

std::vector<std::string> tokens_of(const char* pattern, const std::string& text) {
  std::vector<std::string> tokens;
  for (const auto& [begin, end] : spans_of(pattern, text))
    tokens.push_back(text.substr(begin, end - begin));
  return tokens;
}

std::string lower(const std::string& text) {
  std::string out;
  python_lower(text, out);
  return out;
}

using Tokens = std::vector<std::string>;

TEST(PythonWordPattern, ParsesTheWordPatternsAndNothingElse) {
  for (const char* accepted : {R"((?u)\b\w\w+\b)", R"(\b\w\w+\b)", R"((?u)\b\w+\b)", R"(\b\w+\b)",
                               R"(\w+)", R"(\w\w+)", R"((?u)\w+)", R"((?u)\w\w+)"})
    EXPECT_TRUE(PythonWordPattern::parse(accepted).has_value()) << accepted;
  // Same matches in Python for some of these, but not spelled as above: Python's re runs them.
  for (const char* refused :
       {"", R"((?u))", R"(\b\w\w+)", R"((?a)\b\w\w+\b)", R"((?i)\b\w\w+\b)", R"(\b\w\w+\b )",
        R"([\w]+)", R"(\b\w{2,}\b)", R"((?u)(?u)\w+)", R"(\w*)", R"(\W+)", R"(\b\w\w\w+\b)",
        R"((\w+))", R"(\b\w+\b|\S)", R"( \w+)", R"(\w+(?u))"})
    EXPECT_FALSE(PythonWordPattern::parse(refused).has_value()) << refused;
}

TEST(PythonWordPattern, EnglishWithScikitLearnsDefault) {
  const std::string text = "The quick brown fox, isn't it? A 2nd_try.";
  // "t" and "A" are single word characters; the apostrophe is not \w.
  EXPECT_EQ(spans_of(kSklearnPattern, text),
            (Spans{{0, 3}, {4, 9}, {10, 15}, {16, 19}, {21, 24}, {27, 29}, {33, 40}}));
  EXPECT_EQ(tokens_of(R"(\b\w+\b)", text),
            (Tokens{"The", "quick", "brown", "fox", "isn", "t", "it", "A", "2nd_try"}));
  EXPECT_EQ(tokens_of(R"(\w+)", text), tokens_of(R"(\b\w+\b)", text));
  EXPECT_EQ(tokens_of(R"(\w\w+)", text), tokens_of(kSklearnPattern, text));
}

TEST(PythonWordPattern, FrenchElisionsSplitAtTheApostrophe) {
  const std::string text = "J'ai vu l'été à Paris.";
  EXPECT_EQ(tokens_of(kSklearnPattern, text), (Tokens{"ai", "vu", "été", "Paris"}));
  EXPECT_EQ(tokens_of(R"(\b\w+\b)", text), (Tokens{"J", "ai", "vu", "l", "été", "à", "Paris"}));
  // "J'ai vu l'" is 10 bytes; "été" is 3 code points in 5 bytes, " à " 4 more.
  EXPECT_EQ(spans_of(kSklearnPattern, text), (Spans{{2, 4}, {5, 7}, {10, 15}, {19, 24}}));
}

TEST(PythonWordPattern, ArabicHarakatAreNotWordCharacters) {
  // كَتَبَ الوَلَدُ: every fatha/damma (Mn) ends a run, so only "الو" has two word characters.
  const std::string text = "كَتَبَ الوَلَدُ";
  EXPECT_EQ(tokens_of(kSklearnPattern, text), (Tokens{"الو"}));
  EXPECT_EQ(spans_of(kSklearnPattern, text), (Spans{{13, 19}}));
  EXPECT_EQ(tokens_of(R"(\b\w+\b)", text), (Tokens{"ك", "ت", "ب", "الو", "ل", "د"}));
}

TEST(PythonWordPattern, ArabicDigitsTatweelAndUnderscore) {
  // Arabic-Indic digits are Nd and the tatweel is Lm: both \w, as is "_".
  const std::string text = "قال الوزير: ٢٠١٨_ كـتب";
  EXPECT_EQ(tokens_of(kSklearnPattern, text), (Tokens{"قال", "الوزير", "٢٠١٨_", "كـتب"}));
  EXPECT_EQ(tokens_of(kSklearnPattern, "a_b 12 3 __ x"), (Tokens{"a_b", "12", "__"}));
  EXPECT_EQ(tokens_of(R"(\b\w+\b)", "a_b 12 3 __ x"), (Tokens{"a_b", "12", "3", "__", "x"}));
}

TEST(PythonWordPattern, SupplementaryPlanesAndEnds) {
  // U+1D400 U+1D401 (mathematical bold A, B) are Lu, 4 bytes each; U+1F600 is not \w.
  EXPECT_EQ(spans_of(kSklearnPattern, "𝐀𝐁😀𐐀"), (Spans{{0, 8}}));
  EXPECT_EQ(spans_of(R"(\w+)", "𝐀𝐁😀𐐀"), (Spans{{0, 8}, {12, 16}}));
  EXPECT_EQ(spans_of(kSklearnPattern, ""), Spans{});
  EXPECT_EQ(spans_of(kSklearnPattern, "... -- !"), Spans{});
  EXPECT_EQ(spans_of(kSklearnPattern, "ab"), (Spans{{0, 2}}));
  EXPECT_EQ(spans_of(kSklearnPattern, "a"), Spans{});
  EXPECT_EQ(spans_of(R"(\w+)", "a"), (Spans{{0, 1}}));
}

TEST(PythonWordPattern, FindAllReplacesTheSpans) {
  const auto pattern = PythonWordPattern::parse(kSklearnPattern);
  ASSERT_TRUE(pattern);
  Spans spans{{7, 9}, {1, 2}};
  pattern->find_all("no", spans);
  EXPECT_EQ(spans, (Spans{{0, 2}}));
  pattern->find_all("", spans);
  EXPECT_TRUE(spans.empty());
}

TEST(PythonWordPattern, TruncatedUtf8StaysInsideTheText) {
  // Outside the contract, but nothing past the view is read: a lead byte cut short at the end
  // is no word character.
  const std::string text = "ab\xD8";
  EXPECT_EQ(spans_of(kSklearnPattern, text), (Spans{{0, 2}}));
  std::string out;
  python_lower(std::string_view(text), out);
  EXPECT_EQ(out, text);
}

TEST(PythonIsWord, IsAlnumOrUnderscore) {
  for (char32_t c :
       {U'a', U'Z', U'0', U'_', U'ا', U'٣', U'ـ', U'é', U'½', U'²', U'①', U'Ⅷ', U'\U0001D400'})
    EXPECT_TRUE(python_is_word(c)) << static_cast<unsigned>(c);
  for (char32_t c : {U' ', U'-', U'\'', U'.', U'\u064E', U'\u0651', U'\u0301', U'\u200C',
                     U'\U0001F600', char32_t{0xD800}, char32_t{0x110000}, char32_t{0xFFFFFFFF}})
    EXPECT_FALSE(python_is_word(c)) << static_cast<unsigned>(c);
}

TEST(PythonLower, AsciiLatinAndOtherScripts) {
  EXPECT_EQ(lower("HELLO World 42_X"), "hello world 42_x");
  EXPECT_EQ(lower("ÀÉÎ Ça"), "àéî ça");
  // U+2126 OHM SIGN lowercases to Greek omega, U+212A KELVIN SIGN to ASCII "k".
  EXPECT_EQ(lower("\u2126\u212A"), "\u03C9k");
  // Deseret, 4 bytes to 4 bytes: U+10400 -> U+10428.
  EXPECT_EQ(lower("𐐀"), "𐐨");
  EXPECT_EQ(lower("قال الوزير"), "قال الوزير");
  EXPECT_EQ(lower(""), "");
  std::string out = "kept ";
  python_lower("ABC", out);
  EXPECT_EQ(out, "kept abc");
}

TEST(PythonLower, ChangesAtEveryOffsetOfTheEightByteWindows) {
  // python_lower skips unchanged text eight bytes at a time; a window may end inside a two- or
  // three-byte sequence, and the first change may sit anywhere in the next one.
  for (std::size_t k = 0; k < 20; ++k) {
    const std::string pad(k, 'x');
    EXPECT_EQ(lower(pad + "قال قال中文ÀB"), pad + "قال قال中文àb") << k;
    EXPECT_EQ(lower(pad + "中文中文\u2126ب"), pad + "中文中文\u03C9ب") << k;
    EXPECT_EQ(lower(pad + "ΑΣ"), pad + "α\u03C2") << k;
    // Digits are neither cased nor case-ignorable: the first sigma is final unless "Α" follows.
    const std::string digits(k, '1');
    EXPECT_EQ(lower("ΑΣ" + digits + "ΑΣ"),
              "α" + std::string(k == 0 ? "\u03C3" : "\u03C2") + digits + "α\u03C2")
        << k;
  }
}

TEST(PythonLower, DottedCapitalIExpandsToTwoCodePoints) {
  // SpecialCasing: U+0130 -> U+0069 U+0307, unconditionally (not the Turkish tailoring).
  EXPECT_EQ(lower("İstanbul"), "i\u0307stanbul");
  // ...so after lowercasing, the combining dot (Mn) splits the word, as in scikit-learn.
  EXPECT_EQ(tokens_of(kSklearnPattern, lower("İstanbul")), (Tokens{"stanbul"}));
  EXPECT_EQ(lower("I"), "i");
}

TEST(PythonLower, FinalSigma) {
  const std::string final_sigma = "\u03C2", sigma = "\u03C3";
  // A cased letter before and none after: final.
  EXPECT_EQ(lower("ΟΔΟΣ ΟΔΟΣ."), "οδο" + final_sigma + " οδο" + final_sigma + ".");
  EXPECT_EQ(lower("ΑΣ1"), "α" + final_sigma + "1");
  // Nothing cased before: not final.
  EXPECT_EQ(lower("Σ"), sigma);
  EXPECT_EQ(lower("ΣΑ"), sigma + "α");
  EXPECT_EQ(lower("1Σ"), "1" + sigma);
  // A cased letter after: not final.
  EXPECT_EQ(lower("ΑΣΑ"), "α" + sigma + "α");
  EXPECT_EQ(lower("ΑΣΣ"), "α" + sigma + final_sigma);
  // The apostrophe (Word_Break=MidNumLet) is case-ignorable: skipped on both sides.
  EXPECT_EQ(lower("Α'Σ"), "α'" + final_sigma);
  EXPECT_EQ(lower("ΑΣ'Α"), "α" + sigma + "'α");
  EXPECT_EQ(lower("ΑΣ'"), "α" + final_sigma + "'");
  // U+0345 is both case-ignorable and cased; being ignorable it is skipped, never read as cased.
  EXPECT_EQ(lower("Α\u0345Σ"), "α\u0345" + final_sigma);
  EXPECT_EQ(lower("\u0345Σ"), "\u0345" + sigma);
  EXPECT_EQ(lower("ΑΣ\u0345"), "α" + final_sigma + "\u0345");
  EXPECT_EQ(lower("ΑΣ\u0345Α"), "α" + sigma + "\u0345α");
  // A Latin letter is cased too.
  EXPECT_EQ(lower("AΣ"), "a" + final_sigma);
}

}  // namespace
