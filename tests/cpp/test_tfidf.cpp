#include <gtest/gtest.h>

#include <khabar/errors.hpp>
#include <khabar/tfidf.hpp>
#include <khabar/token_documents.hpp>

#include <cmath>
#include <string>
#include <string_view>
#include <vector>

namespace {

using khabar::CsrMatrix;
using khabar::Norm;
using khabar::TfidfVectorizer;
using khabar::VectorizerOptions;

// Three documents worked by hand. Columns in code point order: تركيا, روسيا, سوريا.
// df = 1, 2, 2; n = 3.
const std::vector<std::string> kTexts = {"سوريا روسيا سوريا", "روسيا تركيا", "سوريا"};
std::vector<khabar::TextView> docs() { return {kTexts.begin(), kTexts.end()}; }

const std::vector<double>& values(const CsrMatrix& m) {
  return std::get<std::vector<double>>(m.data);
}

double at(const CsrMatrix& m, std::size_t row, std::int32_t column) {
  for (auto k = m.row_begin(row); k < m.row_end(row); ++k)
    if (m.indices[static_cast<std::size_t>(k)] == column)
      return values(m)[static_cast<std::size_t>(k)];
  return 0.0;
}

TEST(Tfidf, VocabularyIsSortedByCodePoint) {
  TfidfVectorizer vectorizer;
  vectorizer.fit(docs());
  ASSERT_EQ(vectorizer.n_features(), 3u);
  EXPECT_EQ(vectorizer.feature(0), "تركيا");
  EXPECT_EQ(vectorizer.feature(1), "روسيا");
  EXPECT_EQ(vectorizer.feature(2), "سوريا");
  EXPECT_EQ(vectorizer.column("سوريا"), 2);
  EXPECT_EQ(vectorizer.column("مصر"), khabar::TermIndex::kAbsent);
}

TEST(Tfidf, TakesStringViewsAndStrings) {
  const std::vector<std::string_view> views(kTexts.begin(), kTexts.end());
  TfidfVectorizer from_views, from_strings;
  const CsrMatrix a = from_views.fit_transform(views);
  from_strings.fit(kTexts);
  const CsrMatrix b = from_strings.transform(kTexts);
  EXPECT_EQ(a.row_pointers(), b.row_pointers());
  EXPECT_EQ(a.indices, b.indices);
  EXPECT_EQ(values(a), values(b));
  EXPECT_EQ(from_views.transform(views).indices, a.indices);
}

TEST(Tfidf, SmoothIdfByHand) {
  TfidfVectorizer vectorizer;
  vectorizer.fit(docs());
  // ln((3 + 1) / (df + 1)) + 1
  EXPECT_DOUBLE_EQ(vectorizer.idf()[0], 1.0 + std::log(2.0));
  EXPECT_DOUBLE_EQ(vectorizer.idf()[1], 1.0 + std::log(4.0 / 3.0));
  EXPECT_DOUBLE_EQ(vectorizer.idf()[2], 1.0 + std::log(4.0 / 3.0));
}

TEST(Tfidf, PlainIdfByHand) {
  VectorizerOptions options;
  options.smooth_idf = false;
  TfidfVectorizer vectorizer(options);
  vectorizer.fit(docs());
  EXPECT_DOUBLE_EQ(vectorizer.idf()[0], 1.0 + std::log(3.0));
  EXPECT_DOUBLE_EQ(vectorizer.idf()[1], 1.0 + std::log(1.5));
}

TEST(Tfidf, L2RowsByHand) {
  TfidfVectorizer vectorizer;
  const CsrMatrix m = vectorizer.fit_transform(docs());
  EXPECT_EQ(m.row_pointers(), (std::vector<std::int64_t>{0, 2, 4, 5}));
  EXPECT_EQ(m.indices, (std::vector<std::int32_t>{1, 2, 0, 1, 2}));
  // Row 0: روسيا once, سوريا twice, same idf: (1, 2) / sqrt(5).
  EXPECT_NEAR(at(m, 0, 1), 1 / std::sqrt(5.0), 1e-15);
  EXPECT_NEAR(at(m, 0, 2), 2 / std::sqrt(5.0), 1e-15);
  const double a = 1 + std::log(2.0), b = 1 + std::log(4.0 / 3.0);
  EXPECT_NEAR(at(m, 1, 0), a / std::hypot(a, b), 1e-15);
  EXPECT_NEAR(at(m, 1, 1), b / std::hypot(a, b), 1e-15);
  EXPECT_DOUBLE_EQ(at(m, 2, 2), 1.0);
}

TEST(Tfidf, SublinearL1ByHand) {
  VectorizerOptions options;
  options.sublinear_tf = true;
  options.norm = Norm::l1;
  TfidfVectorizer vectorizer(options);
  const CsrMatrix m = vectorizer.fit_transform(docs());
  const double idf = 1 + std::log(4.0 / 3.0);
  const double first = 1.0 * idf, second = (1 + std::log(2.0)) * idf;
  EXPECT_NEAR(at(m, 0, 1), first / (first + second), 1e-15);
  EXPECT_NEAR(at(m, 0, 2), second / (first + second), 1e-15);
}

TEST(Tfidf, CountsAsIntegers) {
  VectorizerOptions options;
  options.use_idf = false;
  options.norm = Norm::none;
  options.value_type = khabar::ValueType::int64;
  TfidfVectorizer vectorizer(options);
  const CsrMatrix m = vectorizer.fit_transform(docs());
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(m.data),
            (std::vector<std::int64_t>{1, 2, 1, 1, 1}));
  options.use_idf = true;
  EXPECT_THROW(TfidfVectorizer{options}, khabar::InvalidOptionError);
}

TEST(Tfidf, PruningAndTheErrorsOfScikitLearn) {
  VectorizerOptions options;
  options.min_df = {2, false};
  TfidfVectorizer vectorizer(options);
  vectorizer.fit(docs());
  EXPECT_EQ(vectorizer.n_features(), 2u);  // تركيا (df 1) is pruned
  options.min_df = {0.9, true};
  TfidfVectorizer none_left(options);
  try {
    none_left.fit(docs());
    ADD_FAILURE();
  } catch (const khabar::InvalidOptionError& e) {
    EXPECT_STREQ(e.what(),
                 "After pruning, no terms remain. Try a lower min_df or a higher max_df.");
  }
  options.min_df = {2, false};
  options.max_df = {1, false};
  EXPECT_THROW(TfidfVectorizer(options).fit(docs()), khabar::InvalidOptionError);
  TfidfVectorizer empty;
  const std::vector<khabar::TextView> nothing = {"", "، ؟"};
  EXPECT_THROW(empty.fit(nothing), khabar::InvalidOptionError);
}

TEST(Tfidf, MaxFeaturesBreaksTiesByTermOrder) {
  VectorizerOptions options;
  options.max_features = 2;
  TfidfVectorizer vectorizer(options);
  vectorizer.fit(docs());
  // Total counts: سوريا 3, روسيا 2, تركيا 1.
  ASSERT_EQ(vectorizer.n_features(), 2u);
  EXPECT_EQ(vectorizer.feature(0), "روسيا");
  EXPECT_EQ(vectorizer.feature(1), "سوريا");
  // Binary: document frequencies 1, 2, 2 -> the tie of روسيا and سوريا; max_features 1 keeps
  // the first in term order.
  options.binary = true;
  options.max_features = 1;
  TfidfVectorizer binary(options);
  binary.fit(docs());
  ASSERT_EQ(binary.n_features(), 1u);
  EXPECT_EQ(binary.feature(0), "روسيا");
}

TEST(Tfidf, TransformIgnoresUnknownTermsAndNeedsFit) {
  TfidfVectorizer vectorizer;
  const std::vector<khabar::TextView> query = {"مصر سوريا", ""};
  EXPECT_THROW(vectorizer.transform(query), khabar::NotFittedError);
  vectorizer.fit(docs());
  const CsrMatrix m = vectorizer.transform(query);
  EXPECT_EQ(m.row_pointers(), (std::vector<std::int64_t>{0, 1, 1}));
  EXPECT_DOUBLE_EQ(values(m)[0], 1.0);
}

TEST(Tfidf, IdenticalForAnyThreadCountAndChunking) {
  std::vector<std::string> texts;
  for (int i = 0; i < 1000; ++i)
    texts.push_back("وثيقة " + std::to_string(i % 37) + " سوريا روسيا " + std::to_string(i % 11) +
                    " " + std::string(static_cast<std::size_t>(i % 5), 'x'));
  const std::vector<khabar::TextView> all(texts.begin(), texts.end());
  TfidfVectorizer reference;
  const CsrMatrix expected = reference.fit_transform(all, 1);
  for (std::size_t threads : {2u, 8u}) {
    TfidfVectorizer vectorizer;
    const CsrMatrix m = vectorizer.fit_transform(all, threads);
    EXPECT_EQ(m.row_pointers(), expected.row_pointers());
    EXPECT_EQ(m.indices, expected.indices);
    EXPECT_EQ(values(m), values(expected));  // bit-identical
    EXPECT_EQ(values(vectorizer.transform(all, threads)), values(expected));
  }
  TfidfVectorizer chunked;
  TfidfVectorizer::Builder builder(chunked, 2);
  for (std::size_t begin = 0; begin < all.size(); begin += 300)
    builder.add({all.begin() + static_cast<std::ptrdiff_t>(begin),
                 all.begin() + static_cast<std::ptrdiff_t>(std::min(all.size(), begin + 300))});
  const CsrMatrix m = builder.finish();
  EXPECT_EQ(m.row_pointers(), expected.row_pointers());
  EXPECT_EQ(values(m), values(expected));
}

TEST(Tfidf, MoreThreadsThanDocuments) {
  // n_threads far above the number of documents (and above kMaxThreads) gives the same result,
  // learned or fixed vocabulary, for 3, 1 and 0 documents.
  const auto all = docs();
  const std::vector<khabar::TextView> one = {all[0]}, none;
  for (bool fixed : {false, true}) {
    TfidfVectorizer reference;
    if (fixed) reference.set_fixed_vocabulary({"سوريا", "مصر", "روسيا"});
    const CsrMatrix expected = reference.fit_transform(all, 1);
    for (std::size_t threads : {std::size_t{64}, std::size_t{100000}}) {
      TfidfVectorizer vectorizer;
      if (fixed) vectorizer.set_fixed_vocabulary({"سوريا", "مصر", "روسيا"});
      const CsrMatrix m = vectorizer.fit_transform(all, threads);
      EXPECT_EQ(m.row_pointers(), expected.row_pointers());
      EXPECT_EQ(m.indices, expected.indices);
      EXPECT_EQ(values(m), values(expected));
      EXPECT_EQ(vectorizer.idf(), reference.idf());
      EXPECT_EQ(values(vectorizer.transform(one, threads)), values(reference.transform(one, 1)));
      const CsrMatrix empty = vectorizer.transform(none, threads);
      EXPECT_EQ(empty.rows, 0u);
      EXPECT_EQ(empty.row_pointers(), (std::vector<std::int64_t>{0}));
      EXPECT_TRUE(vectorizer.count(all, threads) == reference.count(all, 1));
    }
  }
}

TEST(Tfidf, MergedFrequenciesFitLikeTheWhole) {
  TfidfVectorizer vectorizer;
  const auto all = docs();
  khabar::DocumentFrequencies first = vectorizer.count({all[0]});
  const khabar::DocumentFrequencies rest = vectorizer.count({all[1], all[2]});
  EXPECT_EQ(first.n_documents(), 1u);
  first.merge(rest);
  EXPECT_TRUE(first == vectorizer.count(all));
  vectorizer.fit_frequencies(first);
  TfidfVectorizer whole;
  whole.fit(all);
  EXPECT_EQ(vectorizer.idf(), whole.idf());
}

TEST(Tfidf, FixedVocabularyKeepsItsColumnOrder) {
  TfidfVectorizer vectorizer;
  vectorizer.set_fixed_vocabulary({"سوريا", "مصر"});
  const CsrMatrix m = vectorizer.fit_transform(docs());
  EXPECT_EQ(vectorizer.feature(0), "سوريا");
  EXPECT_EQ(m.indices, (std::vector<std::int32_t>{0, 0}));
  EXPECT_EQ(m.row_pointers(), (std::vector<std::int64_t>{0, 1, 1, 2}));
  EXPECT_THROW(vectorizer.set_fixed_vocabulary({"a", "a"}), khabar::InvalidOptionError);
}

TEST(Tfidf, ToEigen) {
  TfidfVectorizer vectorizer;
  const auto eigen = khabar::to_eigen(vectorizer.fit_transform(docs()));
  EXPECT_EQ(eigen.rows(), 3);
  EXPECT_EQ(eigen.cols(), 3);
  EXPECT_EQ(eigen.nonZeros(), 5);
  EXPECT_NEAR(eigen.coeff(0, 2), 2 / std::sqrt(5.0), 1e-15);
  EXPECT_NEAR(eigen.row(1).norm(), 1.0, 1e-15);
}

}  // namespace

namespace {

// The hand-worked documents as the token lists a Python analyzer gives.
khabar::TokenDocuments token_documents(const std::vector<std::vector<std::string>>& docs) {
  khabar::TokenDocuments out;
  for (const auto& doc : docs) {
    for (const auto& token : doc) out.add_token(token);
    out.end_document();
  }
  return out;
}

const std::vector<std::vector<std::string>> kTokens = {
    {"سوريا", "روسيا", "سوريا"}, {"روسيا", "تركيا"}, {"سوريا"}};

}  // namespace

TEST(Tfidf, GivenTokensAreCountedAsTheTokenizersAre) {
  VectorizerOptions options;
  TfidfVectorizer from_text(options), from_tokens(options);
  const CsrMatrix expected = from_text.fit_transform(docs());
  TfidfVectorizer::Builder builder(from_tokens, 2);
  builder.add(token_documents(kTokens));
  const CsrMatrix rows = builder.finish();
  ASSERT_EQ(from_tokens.n_features(), 3u);
  EXPECT_EQ(from_tokens.feature(0), "تركيا");
  EXPECT_EQ(rows.indptr, expected.indptr);
  EXPECT_EQ(rows.indices, expected.indices);
  EXPECT_EQ(values(rows), values(expected));
  EXPECT_EQ(from_tokens.idf(), from_text.idf());
  // Tokens are taken as they are: no normalization, whatever the options say.
  const CsrMatrix unseen = from_tokens.transform(token_documents({{"سوريا", "سوريّا"}, {}}));
  EXPECT_EQ(unseen.row_end(0) - unseen.row_begin(0), 1);
  EXPECT_EQ(unseen.row_end(1) - unseen.row_begin(1), 0);
}

TEST(Tfidf, GivenTokensWithAFixedVocabularyAndCounts) {
  VectorizerOptions options = VectorizerOptions::counts();
  TfidfVectorizer counts(options);
  counts.set_fixed_vocabulary({"سوريا", "x y"});
  const khabar::DocumentFrequencies frequencies =
      counts.count(token_documents({{"سوريا", "x y", "سوريا"}, {"روسيا"}}), 1);
  EXPECT_EQ(frequencies.n_documents(), 2u);
  counts.fit_frequencies(frequencies);
  const CsrMatrix rows = counts.transform(token_documents({{"x y", "سوريا", "سوريا"}}), 3);
  EXPECT_EQ(rows.indices, (std::vector<std::int32_t>{0, 1}));
  EXPECT_EQ(std::get<std::vector<std::int64_t>>(rows.data), (std::vector<std::int64_t>{2, 1}));
}

TEST(Tfidf, AnUnsupportedTokenPatternRefusesText) {
  VectorizerOptions options;
  options.tokenizer.token_pattern = R"(\S+)";
  EXPECT_FALSE(khabar::tokenizes_text(options.tokenizer));
  TfidfVectorizer vectorizer(options);
  EXPECT_THROW(vectorizer.fit(docs()), khabar::InvalidOptionError);
  options.tokenizer.token_pattern.clear();
  EXPECT_TRUE(khabar::tokenizes_text(options.tokenizer));
}
