#include <gtest/gtest.h>

#include <khabar/errors.hpp>
#include <khabar/stopwords.hpp>
#include <khabar/tokenizer.hpp>

#include <string>
#include <vector>

namespace {

using khabar::Analyzer;
using khabar::Tokenizer;
using khabar::TokenizerOptions;
using Tokens = std::vector<std::string>;

TEST(Tokenizer, IssueExamplesWithDefaults) {
  const Tokenizer tokenizer;
  EXPECT_EQ(tokenizer.tokenize("الرَّئِيسُ بوتين، سوريا؟"), (Tokens{"الرئيس", "بوتين", "سوريا"}));
  EXPECT_EQ(tokenizer.tokenize("كوفيد-19 عام ٢٠١٧م"), (Tokens{"كوفيد", "19", "عام", "2017م"}));
  EXPECT_EQ(tokenizer.tokenize("الرئيـــس"), (Tokens{"الرئيس"}));
}

TEST(Tokenizer, DropsArabicAndLatinPunctuation) {
  const Tokenizer tokenizer;
  EXPECT_EQ(tokenizer.tokenize("«قمة» - سوتشي؛ لماذا؟ نعم. (موسكو)"),
            (Tokens{"قمه", "سوتشي", "لماذا", "نعم", "موسكو"}));
}

TEST(Tokenizer, ZwnjSeparatesWords) {
  EXPECT_EQ(Tokenizer().tokenize("الأمم\u200Cالمتحدة"), (Tokens{"الامم", "المتحده"}));
}

TEST(Tokenizer, MixedLatinAndArabic) {
  EXPECT_EQ(Tokenizer().tokenize("قمة G20 في Sochi مع RT."),
            (Tokens{"قمه", "g20", "في", "sochi", "مع", "rt"}));
}

TEST(Tokenizer, NormalizationCanBeSwitchedOff) {
  TokenizerOptions options;
  options.normalize = false;
  EXPECT_EQ(Tokenizer(options).tokenize("الرئيـس Putin ٢٠١٧"),
            (Tokens{"الرئيـس", "Putin", "٢٠١٧"}));
}

TEST(Tokenizer, ArabicStopwordsAreMatchedAfterNormalization) {
  TokenizerOptions options;
  options.stopwords = khabar::arabic_stopwords();
  ASSERT_GE(options.stopwords.size(), 150u);
  // إلى / على are listed with hamza and alef maksura; the text's normalized forms still match.
  EXPECT_EQ(Tokenizer(options).tokenize("وصل الرئيس إلى سوتشي وفي يده رسالة على الطاولة"),
            (Tokens{"وصل", "الرئيس", "سوتشي", "يده", "رساله", "الطاوله"}));
}

TEST(Tokenizer, CustomStopwordsStemmingAndMinLength) {
  TokenizerOptions options;
  options.stopwords = {"مع"};
  options.stemmer = khabar::Stemmer::light10;
  options.min_length = 3;
  // مع is a stopword; "في" survives stopwords but is too short; والمحادثات → محادث.
  EXPECT_EQ(Tokenizer(options).tokenize("والمحادثات مع الرئيس في اجتماعاتها"),
            (Tokens{"محادث", "رئيس", "اجتماع"}));
}

TEST(Tokenizer, WordBigramsFollowScikitLearnOrder) {
  TokenizerOptions options;
  options.ngram_min = 1;
  options.ngram_max = 2;
  EXPECT_EQ(Tokenizer(options).tokenize("بوتين يستقبل الأسد"),
            (Tokens{"بوتين", "يستقبل", "الاسد", "بوتين يستقبل", "يستقبل الاسد"}));
  options.ngram_min = 2;
  options.ngram_max = 3;
  EXPECT_EQ(Tokenizer(options).tokenize("a b c"), (Tokens{"a b", "b c", "a b c"}));
  EXPECT_EQ(Tokenizer(options).tokenize("a"), Tokens{});
}

TEST(Tokenizer, CharNgrams) {
  TokenizerOptions options;
  options.analyzer = Analyzer::character;
  options.ngram_min = 2;
  options.ngram_max = 3;
  // Runs of two or more spaces collapse into one, as scikit-learn's _white_spaces does.
  EXPECT_EQ(Tokenizer(options).tokenize("اب  ت"), (Tokens{"اب", "ب ", " ت", "اب ", "ب ت"}));
}

TEST(Tokenizer, CharWordBoundaryNgrams) {
  TokenizerOptions options;
  options.analyzer = Analyzer::character_wb;
  options.ngram_min = 2;
  options.ngram_max = 3;
  EXPECT_EQ(Tokenizer(options).tokenize("اب ت"),
            (Tokens{" ا", "اب", "ب ", " اب", "اب ", " ت", "ت ", " ت "}));
  // A padded word shorter than n is emitted once and stops the larger n, as in scikit-learn.
  options.ngram_min = 3;
  options.ngram_max = 5;
  EXPECT_EQ(Tokenizer(options).tokenize("ت"), (Tokens{" ت "}));
}

TEST(Tokenizer, StopwordsRejectedForCharAnalyzers) {
  TokenizerOptions options;
  options.analyzer = Analyzer::character;
  options.stopwords = {"في"};
  EXPECT_THROW(Tokenizer{options}, khabar::InvalidOptionError);
  TokenizerOptions bad_range;
  bad_range.ngram_min = 3;
  bad_range.ngram_max = 2;
  EXPECT_THROW(Tokenizer{bad_range}, khabar::InvalidOptionError);
}

TEST(Tokenizer, SpansPointIntoTheOriginalText) {
  const std::string text = "الرَّئِيسُ بوتين";  // 10 code points (20 bytes), a space, 5 more
  const auto tokens = Tokenizer().tokenize_with_spans(text);
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[0].text, "الرئيس");
  EXPECT_EQ(tokens[0].span.begin_char, 0u);
  EXPECT_EQ(tokens[0].span.end_char, 10u);
  EXPECT_EQ(
      text.substr(tokens[0].span.begin_byte, tokens[0].span.end_byte - tokens[0].span.begin_byte),
      "الرَّئِيسُ");
  EXPECT_EQ(tokens[1].span.begin_char, 11u);
  EXPECT_EQ(tokens[1].span.end_char, 16u);
  EXPECT_EQ(tokens[1].span.begin_byte, 21u);
  EXPECT_EQ(tokens[1].span.end_byte, 31u);
}

TEST(Tokenizer, SpansOfExpandedLigatureAndSupplementaryCharacters) {
  const std::string text = "\xF0\x9F\x98\x80 ﻻ";  // U+1F600 (2 UTF-16 units), space, ligature
  const auto tokens = Tokenizer().tokenize_with_spans(text);
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].text, "لا");
  EXPECT_EQ(tokens[0].span.begin_char, 2u);
  EXPECT_EQ(tokens[0].span.end_char, 3u);
  EXPECT_EQ(tokens[0].span.begin_byte, 5u);
  EXPECT_EQ(tokens[0].span.end_byte, 8u);
}

TEST(Tokenizer, EmptyInput) {
  EXPECT_TRUE(Tokenizer().tokenize("").empty());
  EXPECT_TRUE(Tokenizer().tokenize(" ،؟ ").empty());
}

TEST(Tokenizer, InvalidUtf8NamesDocumentAndOffset) {
  const std::vector<std::string> texts = {"سلام", "ok", "bad \xC3", "also \xFF bad"};
  const std::vector<khabar::TextView> docs(texts.begin(), texts.end());
  for (std::size_t threads : {1u, 2u, 8u}) {
    try {
      Tokenizer().tokenize_many(docs, threads);
      ADD_FAILURE() << "no exception";
    } catch (const khabar::InvalidTextError& error) {
      EXPECT_EQ(error.document(), 2u);
      EXPECT_EQ(error.byte_offset(), 4u);
      EXPECT_STREQ(error.what(), "document 2: invalid UTF-8 (byte 0xc3) at byte offset 4");
    }
  }
}

TEST(Tokenizer, ManyEqualsOneByOneForAnyThreadCount) {
  std::vector<std::string> texts;
  for (int i = 0; i < 200; ++i)
    texts.push_back("الرئيس بوتين " + std::to_string(i) + " التقى الأسد في سوتشي " +
                    std::string(i % 7, 'x'));
  const std::vector<khabar::TextView> docs(texts.begin(), texts.end());
  const Tokenizer tokenizer;
  std::vector<Tokens> expected;
  for (const auto& doc : docs) expected.push_back(tokenizer.tokenize(doc));
  for (std::size_t threads : {1u, 2u, 8u, 500u})
    EXPECT_EQ(tokenizer.tokenize_many(docs, threads), expected);
}

TEST(Tokenizer, CopiesKeepTheirStopwords) {
  TokenizerOptions options;
  options.stopwords = {"في"};
  Tokenizer copy = Tokenizer(options);
  const Tokenizer second(copy);
  EXPECT_EQ(second.tokenize("في سوتشي"), Tokens{"سوتشي"});
}

}  // namespace

namespace {

TEST(Tokenizer, Utf16InputGivesTheSameTokens) {
  TokenizerOptions options;
  options.stemmer = khabar::Stemmer::light10;
  const Tokenizer tokenizer(options);
  const std::u16string text = u"الرَّئِيسُ ﻻ يستقبل والمحادثات ٢٠١٧ \U0001F600 Sochi";
  const std::string utf8 = "الرَّئِيسُ ﻻ يستقبل والمحادثات ٢٠١٧ \U0001F600 Sochi";
  EXPECT_EQ(tokenizer.tokenize(std::u16string_view(text)), tokenizer.tokenize(utf8));
  const std::vector<khabar::TextView> mixed = {std::u16string_view(text), utf8};
  const auto many = tokenizer.tokenize_many(mixed, 2);
  EXPECT_EQ(many[0], many[1]);
}

TEST(Tokenizer, LoneSurrogateInUtf16IsReported) {
  const std::u16string bad = {u'a', u'b', char16_t(0xD800), u'c'};
  try {
    Tokenizer().tokenize(std::u16string_view(bad));
    ADD_FAILURE();
  } catch (const khabar::InvalidTextError& error) {
    EXPECT_EQ(error.byte_offset(), 2u);
    EXPECT_EQ(error.unit(), khabar::InvalidTextError::Unit::utf16);
    EXPECT_STREQ(error.what(), "lone surrogate at UTF-16 offset 2");
  }
  const std::u16string trailing = {u'a', char16_t(0xDBFF)};
  EXPECT_THROW(Tokenizer().tokenize(std::u16string_view(trailing)), khabar::InvalidTextError);
}

}  // namespace

namespace {

TokenizerOptions sklearn_word_options() {
  TokenizerOptions options;
  options.normalize = false;
  options.token_pattern = R"((?u)\b\w\w+\b)";
  return options;
}

}  // namespace

// scikit-learn's default analyzer, worked by hand: str.lower(), then re.findall of \w\w+
// (a haraka is not \w and ends a word; "_" and digits are), then n-grams.
TEST(Tokenizer, ScikitLearnsDefaultPattern) {
  TokenizerOptions options = sklearn_word_options();
  EXPECT_TRUE(khabar::tokenizes_text(options));
  EXPECT_EQ(Tokenizer(options).tokenize("J'ai vu L'ÉTÉ 2018_x a b"),
            (Tokens{"ai", "vu", "été", "2018_x"}));
  EXPECT_EQ(Tokenizer(options).tokenize("قالَ الرئيس"), (Tokens{"قال", "الرئيس"}));
  options.ngram_max = 2;
  options.stopwords = {"vu"};
  EXPECT_EQ(Tokenizer(options).tokenize("J'ai vu l'été"), (Tokens{"ai", "été", "ai été"}));
  options.lowercase = false;
  options.ngram_max = 1;
  options.stopwords.clear();
  EXPECT_EQ(Tokenizer(options).tokenize("ÉTÉ Été"), (Tokens{"ÉTÉ", "Été"}));
  // UTF-16 text gives the same tokens as UTF-8.
  EXPECT_EQ(Tokenizer(options).tokenize(std::u16string_view(u"ÉTÉ Été")), (Tokens{"ÉTÉ", "Été"}));
}

TEST(Tokenizer, PatternsOtherThanTheNativeOnesAreLeftToPython) {
  TokenizerOptions options = sklearn_word_options();
  options.token_pattern = R"(\S+)";
  EXPECT_FALSE(khabar::is_native_token_pattern(options.token_pattern));
  EXPECT_FALSE(khabar::tokenizes_text(options));
  EXPECT_THROW(Tokenizer(options).tokenize("a b"), khabar::InvalidOptionError);
  options = sklearn_word_options();
  options.stemmer = khabar::Stemmer::light10;  // stemming a pattern's words is Python's
  EXPECT_FALSE(khabar::tokenizes_text(options));
}
