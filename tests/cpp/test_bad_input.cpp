// The C++ side of the README's "Bad input" table (rows about Python objects — None, numbers,
// nested lists, Corpus loaders — are covered by tests/python/test_bad_input.py only).
#include <gtest/gtest.h>

#include <khabar/bm25.hpp>
#include <khabar/errors.hpp>
#include <khabar/hashing.hpp>
#include <khabar/near_duplicates.hpp>
#include <khabar/passages.hpp>
#include <khabar/similarity.hpp>
#include <khabar/tfidf.hpp>
#include <khabar/tokenizer.hpp>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string>
#include <vector>

namespace {

using khabar::TextErrors;
using khabar::TextView;
using khabar::Tokenizer;
using khabar::TokenizerOptions;

// Every code point of the text as read, one token each (no normalization, no merging).
TokenizerOptions code_points(TextErrors errors) {
  TokenizerOptions o;
  o.normalize = false;
  o.analyzer = khabar::Analyzer::character;
  o.errors = errors;
  return o;
}

TokenizerOptions replacing() {
  TokenizerOptions o;
  o.errors = TextErrors::replace;
  return o;
}

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

TEST(BadInput, InvalidUtf8IsReportedWithItsByteOffset) {
  const std::vector<std::pair<std::string, std::size_t>> cases = {
      {"\xD8\xB3\xD9", 2},             // truncated: a 2-byte letter cut after its lead byte
      {"ab\xC0\xAF", 2},               // overlong '/'
      {"\xD8\xB3 \xED\xA0\x80", 3},    // a surrogate code point encoded in UTF-8
      {"\xD8\xB3\xD9\x88 \xFF", 5},    // a byte that never occurs in UTF-8
      {std::string("x\0\x80", 3), 2},  // a continuation byte after a NUL
  };
  for (const auto& [text, offset] : cases) {
    const std::vector<TextView> docs = {"سوريا", text};
    try {
      Tokenizer().tokenize_many(docs, 2);
      ADD_FAILURE() << "accepted ill-formed text at " << offset;
    } catch (const khabar::InvalidTextError& error) {
      EXPECT_EQ(error.document(), 1u);
      EXPECT_EQ(error.byte_offset(), offset);
      EXPECT_EQ(error.unit(), khabar::InvalidTextError::Unit::byte);
    }
  }
}

// Unicode 15, chapter 3, Table 3-8 ("U+FFFD for maximal subparts"): the bytes
// 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64 read as a FFFD FFFD FFFD b FFFD c FFFD FFFD d.
TEST(BadInput, ReplacementFollowsTheMaximalSubpartPractice) {
  const std::string bytes = "\x61\xF1\x80\x80\xE1\x80\xC2\x62\x80\x63\x80\xBF\x64";
  const auto r = kReplacement;
  const std::vector<std::string> expected = {"a", r, r, r, "b", r, "c", r, r, "d"};
  EXPECT_EQ(Tokenizer(code_points(TextErrors::replace)).tokenize(bytes), expected);
  EXPECT_THROW(Tokenizer(code_points(TextErrors::strict)).tokenize(bytes),
               khabar::InvalidTextError);
}

TEST(BadInput, ReplacedBytesKeepSpansIntoTheOriginal) {
  const std::string text = "سوريا \xFF\xFE روسيا";
  const auto tokens = Tokenizer(replacing()).tokenize_with_spans(text);
  ASSERT_EQ(tokens.size(), 2u);
  EXPECT_EQ(tokens[1].text, "روسيا");
  EXPECT_EQ(tokens[1].span.begin_byte, 14u);
  EXPECT_EQ(tokens[1].span.end_byte, 24u);
  EXPECT_EQ(tokens[1].span.begin_char, 9u);  // سوريا, space, two U+FFFD, space
}

TEST(BadInput, LoneSurrogatesInUtf16) {
  const std::u16string lone = u"\u0633\xD800\u0631";  // س, a lone lead surrogate, ر
  try {
    Tokenizer().tokenize(lone);
    ADD_FAILURE() << "accepted a lone surrogate";
  } catch (const khabar::InvalidTextError& error) {
    EXPECT_EQ(error.byte_offset(), 1u);
    EXPECT_EQ(error.unit(), khabar::InvalidTextError::Unit::utf16);
  }
  const std::vector<std::string> expected = {"س", kReplacement, "ر"};
  EXPECT_EQ(Tokenizer(code_points(TextErrors::replace)).tokenize(lone), expected);
  // A trail before a lead is two lone surrogates, and a real pair stays one character.
  const std::u16string reversed = u"\xDE00\xD83D";
  EXPECT_EQ(Tokenizer(code_points(TextErrors::replace)).tokenize(reversed),
            (std::vector<std::string>{kReplacement, kReplacement}));
  EXPECT_EQ(Tokenizer(code_points(TextErrors::replace)).tokenize(std::u16string(u"\xD83D\xDE00")),
            (std::vector<std::string>{"\xF0\x9F\x98\x80"}));
}

TEST(BadInput, NulSeparatesWordsAndKeepsTheRest) {
  const std::string text("سوريا\0روسيا\0تركيا", 32);
  ASSERT_EQ(text.size(), 32u);
  EXPECT_EQ(Tokenizer().tokenize(text), (std::vector<std::string>{"سوريا", "روسيا", "تركيا"}));
  const auto spans = Tokenizer().tokenize_with_spans(text);
  EXPECT_EQ(spans[2].span.begin_byte, 22u);
}

TEST(BadInput, EmptyDocumentListsAndDocumentsWithoutTokens) {
  const std::vector<TextView> none;
  EXPECT_TRUE(Tokenizer().tokenize_many(none, 4).empty());
  khabar::VectorizerOptions stopwords;
  stopwords.tokenizer.stopwords = {"في", "من"};
  for (const std::vector<TextView>& docs :
       {none, std::vector<TextView>{"", "  ", "،!"}, std::vector<TextView>{"في", "من في"}}) {
    try {
      khabar::TfidfVectorizer(stopwords).fit(docs);
      ADD_FAILURE() << "fitted an empty vocabulary";
    } catch (const khabar::InvalidOptionError& error) {
      EXPECT_STREQ(error.what(), "empty vocabulary; perhaps the documents only contain stop words");
    }
    khabar::HashingOptions hashing;
    hashing.tokenizer = stopwords.tokenizer;
    const auto hashed = khabar::HashingVectorizer(hashing).transform(docs);
    EXPECT_EQ(hashed.rows, docs.size());
    EXPECT_EQ(hashed.nnz(), 0u);
    khabar::NearDuplicateOptions near_options;
    near_options.tokenizer = stopwords.tokenizer;
    khabar::NearDuplicates near(near_options);
    near.add(docs);
    near.add(docs);
    EXPECT_TRUE(near.pairs().empty());  // no shingles: never anybody's duplicate
  }
  EXPECT_THROW(khabar::Bm25().fit(none), khabar::InvalidOptionError);
}

TEST(BadInput, FiftyMegabyteDocument) {
  const std::string sentence = "استقبل الرئيس الروسي نظيره السوري في سوتشي. ";
  const std::size_t copies = 50 * (std::size_t{1} << 20) / sentence.size() + 1;
  std::string huge;
  huge.reserve(copies * sentence.size());
  for (std::size_t i = 0; i < copies; ++i) huge += sentence;
  const std::vector<TextView> docs = {huge};
  EXPECT_EQ(Tokenizer().count_tokens(docs, 1), std::vector<std::size_t>{7 * copies});
  khabar::VectorizerOptions counts;
  counts.use_idf = false;
  counts.norm = khabar::Norm::none;
  counts.value_type = khabar::ValueType::int64;
  const auto row = khabar::TfidfVectorizer(counts).fit_transform(docs);
  ASSERT_EQ(row.nnz(), 7u);
  for (auto count : std::get<std::vector<std::int64_t>>(row.data))
    EXPECT_EQ(count, static_cast<std::int64_t>(copies));
}

TEST(BadInput, AMillionOneWordDocuments) {
  const std::vector<std::string> words = {"سوريا", "روسيا", "تركيا", "ايران"};
  std::vector<TextView> docs;
  docs.reserve(1'000'000);
  for (std::size_t i = 0; i < 1'000'000; ++i) docs.emplace_back(words[i % 4]);
  const auto matrix = khabar::TfidfVectorizer().fit_transform(docs, 2);
  EXPECT_EQ(matrix.rows, 1'000'000u);
  EXPECT_EQ(matrix.cols, 4u);
  EXPECT_EQ(matrix.nnz(), 1'000'000u);
  for (double value : std::get<std::vector<double>>(matrix.data)) EXPECT_EQ(value, 1.0);
}

TEST(BadInput, AWordOfAMillionLetters) {
  std::string word;
  for (int i = 0; i < 1'000'000; ++i) word += "ب";
  const std::string text = "سوريا " + word + " روسيا";
  const auto tokens = Tokenizer().tokenize_with_spans(text);
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[1].text, word);
  EXPECT_EQ(tokens[1].span.end_char - tokens[1].span.begin_char, 1'000'000u);
  khabar::TfidfVectorizer vectorizer;
  vectorizer.fit({text, "سوريا"});
  EXPECT_EQ(vectorizer.n_features(), 3u);
  EXPECT_EQ(vectorizer.feature(0), word);
  const auto passages = khabar::shared_passages(text, "نص " + text, 3, Tokenizer());
  ASSERT_EQ(passages.size(), 1u);
  EXPECT_EQ(passages[0].b_begin, 1u);
}

TEST(BadInput, QueriesWithNoKnownTermsAndKBeyondTheCorpus) {
  khabar::Bm25 index;
  index.fit({"سوريا", "روسيا سوريا", "تركيا"});
  const auto hits = index.search({"كلمة مجهولة", "", "سوريا"}, 10);
  for (int q = 0; q < 2; ++q) {
    EXPECT_EQ(hits.indices(q, 0), -1);
    EXPECT_TRUE(std::isnan(hits.scores(q, 0)));
  }
  EXPECT_EQ(hits.indices(2, 0), 0);  // the shorter document first
  EXPECT_EQ(hits.indices(2, 1), 1);
  EXPECT_EQ(hits.indices(2, 2), -1);
  khabar::TfidfVectorizer vectorizer;
  vectorizer.fit({"سوريا", "روسيا"});
  EXPECT_EQ(vectorizer.transform({"كلمة مجهولة"}).nnz(), 0u);
}

TEST(BadInput, ErrorsPolicyReachesEveryReader) {
  const std::vector<TextView> docs = {"سوريا \xFF روسيا", "سوريا روسيا"};
  khabar::VectorizerOptions options;
  options.tokenizer.errors = TextErrors::replace;
  khabar::TfidfVectorizer replacing_vectorizer(options);
  const auto matrix = replacing_vectorizer.fit_transform(docs);
  EXPECT_EQ(matrix.row_pointers(), (std::vector<std::int64_t>{0, 2, 4}));
  EXPECT_THROW(khabar::TfidfVectorizer().fit(docs), khabar::InvalidTextError);
  khabar::Bm25Options bm25;
  bm25.tokenizer.errors = TextErrors::replace;
  khabar::Bm25 index(bm25);
  EXPECT_NO_THROW(index.fit(docs));
  EXPECT_THROW(khabar::Bm25().fit(docs), khabar::InvalidTextError);
  khabar::NearDuplicateOptions near_options;
  near_options.tokenizer.errors = TextErrors::replace;
  khabar::NearDuplicates near(near_options);
  EXPECT_NO_THROW(near.add(docs));
  EXPECT_THROW(khabar::NearDuplicates().add(docs), khabar::InvalidTextError);
  EXPECT_THROW(khabar::shared_passages(docs[0].utf8(), "x", 2, Tokenizer()),
               khabar::InvalidTextError);
  EXPECT_NO_THROW(khabar::shared_passages(docs[0].utf8(), "x", 2, Tokenizer(replacing())));
}

TEST(BadInput, AbsurdNgramRangesAreRefusedBeforeAllocating) {
  // (1, 10000) on 20,000 words would be 2·10⁸ n-grams of up to 10,000 words; the tokenizer
  // refuses with what it would need instead of making them.
  std::string words;
  for (int k = 0; k < 20000; ++k) words += "كلمة" + std::to_string(k) + " ";
  for (const auto analyzer :
       {khabar::Analyzer::word, khabar::Analyzer::character, khabar::Analyzer::character_wb}) {
    TokenizerOptions options;
    options.analyzer = analyzer;
    options.ngram_max = 10000;
    const Tokenizer tokenizer(options);
    // char_wb n-grams stay inside a word: 20,000 short words make a few MB of them, one word
    // of 160,000 letters is the absurd load.
    std::string text = words;
    if (analyzer == khabar::Analyzer::character_wb)
      text.erase(std::remove(text.begin(), text.end(), ' '), text.end());
    try {
      tokenizer.tokenize(text);
      ADD_FAILURE() << "no error for analyzer " << static_cast<int>(analyzer);
    } catch (const khabar::MemoryLimitError& error) {
      EXPECT_NE(std::string(error.what()).find("ngram_range (1, 10000) would make about"),
                std::string::npos)
          << error.what();
    }
    // A short document gets every n-gram, as scikit-learn makes them: 3 + 2 + 1 of words;
    // 17 − n + 1 of n = 1 .. 17 characters; in each word padded to 7 characters, 7 − n + 1 of
    // n = 1 .. 7.
    const std::size_t expected = analyzer == khabar::Analyzer::word        ? 6
                                 : analyzer == khabar::Analyzer::character ? 153
                                                                           : 3 * 28;
    EXPECT_EQ(tokenizer.tokenize("سوريا روسيا تركيا").size(), expected);
  }
  TokenizerOptions options;
  options.ngram_max = 10000;
  khabar::VectorizerOptions counts = khabar::VectorizerOptions::counts();
  counts.tokenizer = options;
  khabar::TfidfVectorizer vectorizer(counts);
  try {
    vectorizer.fit({"قصير", words});
    ADD_FAILURE() << "no error";
  } catch (const khabar::MemoryLimitError& error) {
    EXPECT_EQ(std::string(error.what()).rfind("document 1: ngram_range (1, 10000)", 0), 0u)
        << error.what();
  }
}

TEST(BadInput, CopiesOfOneTextGiveTheFirstMaxPairs) {
  // 2,000 copies: 1,999,000 pairs; asked for 5,000, the first 5,000 in (first, second) order.
  khabar::NearDuplicates index;
  const std::vector<TextView> docs(2000, TextView("بوتين يستقبل الاسد في سوتشي"));
  index.add(docs, 2);
  for (const std::size_t n_threads : {1, 2, 3}) {
    bool truncated = false;
    const auto pairs = index.pairs(n_threads, 5000, &truncated);
    EXPECT_TRUE(truncated);
    ASSERT_EQ(pairs.size(), 5000u);
    // Document 0 has 1,999 partners, document 1 has 1,998: the 5,000th pair is (2, 1005).
    std::size_t k = 0;
    for (std::size_t i = 0; i < 3; ++i)
      for (std::size_t j = i + 1; j < 2000 && k < 5000; ++j, ++k) {
        ASSERT_EQ(pairs[k].first, i) << k;
        ASSERT_EQ(pairs[k].second, j) << k;
      }
    EXPECT_EQ(pairs.back().second, 1005u);
  }
  bool truncated = true;
  EXPECT_EQ(index.pairs(2, 1999000, &truncated).size(), 1999000u);
  EXPECT_FALSE(truncated);
}

}  // namespace
