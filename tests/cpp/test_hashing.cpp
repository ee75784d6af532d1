#include <gtest/gtest.h>

#include <khabar/hashing.hpp>

#include <cmath>
#include <map>
#include <string>
#include <variant>

namespace {

TEST(MurmurHash3, MatchesTheReferenceImplementation) {
  // Values of MurmurHash3_x86_32 as computed by the reference (SMHasher) implementation,
  // which sklearn.utils.murmurhash3_32 wraps.
  EXPECT_EQ(khabar::murmurhash3_32(""), 0);
  EXPECT_EQ(khabar::murmurhash3_32("", 42), 142593372);
  EXPECT_EQ(khabar::murmurhash3_32("a"), 1009084850);
  EXPECT_EQ(khabar::murmurhash3_32("ab"), -1681926305);
  EXPECT_EQ(khabar::murmurhash3_32("abc"), -1277324294);
  EXPECT_EQ(khabar::murmurhash3_32("abcd"), 1139631978);
  EXPECT_EQ(khabar::murmurhash3_32("hello"), 613153351);
  EXPECT_EQ(khabar::murmurhash3_32("hello", 42), -488910111);
  EXPECT_EQ(khabar::murmurhash3_32("سوريا"), 2025463293);
  EXPECT_EQ(khabar::murmurhash3_32("الرئيس بوتين"), -1672854047);
}

TEST(HashingVectorizer, ColumnsSignsAndNorm) {
  khabar::HashingOptions options;
  options.n_features = 16;
  options.norm = khabar::Norm::none;
  const khabar::HashingVectorizer hashing(options);
  const std::vector<khabar::TextView> docs = {"ab ab abc", "", "hello"};
  const auto m = hashing.transform(docs);
  // ab: h = -1681926305 -> column 1681926305 % 16 = 1, sign -; abc: -1277324294 -> 6, sign -.
  EXPECT_EQ(m.row_pointers(), (std::vector<std::int64_t>{0, 2, 2, 3}));
  EXPECT_EQ(m.indices, (std::vector<std::int32_t>{1, 6, 613153351 % 16}));
  EXPECT_EQ(std::get<std::vector<double>>(m.data), (std::vector<double>{-2.0, -1.0, 1.0}));
  options.norm = khabar::Norm::l2;
  const auto normalized = khabar::HashingVectorizer(options).transform(docs);
  EXPECT_NEAR(std::get<std::vector<double>>(normalized.data)[0], -2.0 / std::sqrt(5.0), 1e-15);
}

// Every row against the definition, token by token: column |h| mod n_features and sign of h
// for each token of the tokenizer, summed, for words and character n-grams, across the blocks
// of rows the counting pass makes (64 documents each) and for any number of threads.
TEST(HashingVectorizer, RowsAreTheSumsOfTheTokensHashes) {
  std::vector<std::string> texts;
  const char* words[] = {"سوريا", "روسيا", "بوتين", "الرئيس", "سوتشي", "المحادثات", "2017", "قال"};
  for (std::size_t d = 0; d < 150; ++d) {
    std::string text;
    for (std::size_t w = 0; w < d % 23; ++w) text += std::string(words[(d * 7 + w * w) % 8]) + " ";
    texts.push_back(text);
  }
  const std::vector<khabar::TextView> docs(texts.begin(), texts.end());
  for (const auto analyzer : {khabar::Analyzer::word, khabar::Analyzer::character}) {
    khabar::HashingOptions options;
    options.tokenizer.analyzer = analyzer;
    if (analyzer != khabar::Analyzer::word) options.tokenizer.ngram_max = 2;
    options.n_features = 7;  // few columns: tokens collide and their signs cancel
    options.norm = khabar::Norm::none;
    const khabar::Tokenizer tokenizer(options.tokenizer);
    std::vector<std::map<std::int32_t, double>> expected;
    for (const khabar::TextView doc : docs) {
      expected.emplace_back();
      for (const std::string& token : tokenizer.tokenize(doc)) {
        const std::int64_t h = khabar::murmurhash3_32(token);
        expected.back()[static_cast<std::int32_t>((h < 0 ? -h : h) % 7)] += h < 0 ? -1.0 : 1.0;
      }
    }
    for (const std::size_t n_threads : {1, 2, 5}) {
      const auto m = khabar::HashingVectorizer(options).transform(docs, n_threads);
      const auto& values = std::get<std::vector<double>>(m.data);
      const auto row_pointers = m.row_pointers();
      ASSERT_EQ(row_pointers.size(), docs.size() + 1);
      for (std::size_t d = 0; d < docs.size(); ++d) {
        std::map<std::int32_t, double> row;
        for (auto k = row_pointers[d]; k < row_pointers[d + 1]; ++k) {
          if (k > row_pointers[d]) {
            ASSERT_LT(m.indices[k - 1], m.indices[k]);
          }
          row[m.indices[k]] = values[k];
        }
        EXPECT_EQ(row, expected[d]) << "document " << d << " n_threads=" << n_threads;
      }
    }
  }
}

}  // namespace
