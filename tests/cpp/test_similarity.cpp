#include <gtest/gtest.h>

#include <khabar/bm25.hpp>
#include <khabar/errors.hpp>
#include <khabar/passages.hpp>
#include <khabar/similarity.hpp>
#include <khabar/tfidf.hpp>

#include <cmath>
#include <string>
#include <variant>
#include <vector>

namespace {

using khabar::SparseRows;

// Rows {1, 1, 0}, {0, 2, 0}, {0, 0, 0} and {3, 0, 4}.
SparseRows example() {
  SparseRows m(4, 3);
  m.insert(0, 0) = 1;
  m.insert(0, 1) = 1;
  m.insert(1, 1) = 2;
  m.insert(3, 0) = 3;
  m.insert(3, 2) = 4;
  m.makeCompressed();
  return m;
}

khabar::SparseRowsView view(const SparseRows& m) {
  return {m.rows(), m.cols(), m.nonZeros(), m.outerIndexPtr(), m.innerIndexPtr(), m.valuePtr()};
}

TEST(Similarity, CosineByHand) {
  const SparseRows m = example();
  const auto s = khabar::cosine_similarity(view(m), view(m));
  EXPECT_NEAR(s(0, 0), 1.0, 1e-15);
  EXPECT_NEAR(s(0, 1), 1 / std::sqrt(2.0), 1e-15);
  EXPECT_NEAR(s(0, 3), 3 / (std::sqrt(2.0) * 5), 1e-15);
  EXPECT_EQ(s(2, 2), 0.0);  // a zero row is similar to nothing, itself included
  EXPECT_EQ(s(1, 3), 0.0);
}

TEST(Similarity, TopKOrdersByScoreThenIndex) {
  const SparseRows m = example();
  const auto n = khabar::top_k_similar(view(m), view(m), 2, 0.0, true);
  // Row 0: row 1 (0.707), then row 3 (0.424).
  EXPECT_EQ(n.indices(0, 0), 1);
  EXPECT_EQ(n.indices(0, 1), 3);
  EXPECT_NEAR(n.scores(0, 1), 3 / (std::sqrt(2.0) * 5), 1e-15);
  // Row 2 shares nothing: with threshold 0 the lowest-index rows with score 0 fill in.
  EXPECT_EQ(n.indices(2, 0), 0);
  EXPECT_EQ(n.scores(2, 0), 0.0);
  const auto strict = khabar::top_k_similar(view(m), view(m), 3, 0.5, true);
  EXPECT_EQ(strict.indices(0, 0), 1);
  EXPECT_EQ(strict.indices(0, 1), -1);
  EXPECT_TRUE(std::isnan(strict.scores(0, 1)));
  const auto with_self = khabar::top_k_similar(view(m), view(m), 1, 0.0, false);
  EXPECT_EQ(with_self.indices(3, 0), 3);
}

TEST(Similarity, MismatchedShapesAreRejected) {
  const SparseRows m = example();
  SparseRows other(1, 5);
  EXPECT_THROW(khabar::cosine_similarity(view(m), view(other)), khabar::InvalidOptionError);
  EXPECT_THROW(khabar::top_k_similar(view(m), view(m), 0), khabar::InvalidOptionError);
}

TEST(Bm25, HandWorkedScores) {
  // Lengths 3, 2, 1: avgdl 2. "سوريا" is in 2 of 3 documents: idf = ln(1 + 1.5 / 2.5) = ln 1.6.
  khabar::Bm25 index;
  const std::vector<khabar::TextView> docs = {"سوريا روسيا سوريا", "روسيا تركيا", "سوريا"};
  index.fit(docs);
  const auto hits = index.search({"سوريا"}, 3);
  const double idf = std::log(1.6);
  // d2: tf 1, |d| 1: 2.2 / (1 + 1.2 (0.25 + 0.75 / 2)); d0: tf 2, |d| 3: 4.4 / (2 + 1.2 · 1.375).
  EXPECT_EQ(hits.indices(0, 0), 2);
  EXPECT_NEAR(hits.scores(0, 0), idf * 2.2 / 1.75, 1e-12);
  EXPECT_EQ(hits.indices(0, 1), 0);
  EXPECT_NEAR(hits.scores(0, 1), idf * 4.4 / 3.65, 1e-12);
  EXPECT_EQ(hits.indices(0, 2), -1);  // روسيا تركيا does not match
  const auto none = index.search({"مصر"}, 2);
  EXPECT_EQ(none.indices(0, 0), -1);
  khabar::Bm25 unfitted;
  EXPECT_THROW(unfitted.search({"x"}, 1), khabar::NotFittedError);
}

}  // namespace

namespace {

TEST(SharedPassages, MaximalRunsWithOriginalSpans) {
  const khabar::Tokenizer tokenizer;
  // The shared run is "بحث الرئيس بوتين الأزمة في سوريا" (6 words), diacritized in `b`.
  const std::string a = "قال الكرملين إن بحث الرئيس بوتين الأزمة في سوريا مع ترامب";
  const std::string b = "وأضاف: بَحَثَ الرئيسُ بوتين الأزمة في سوريا اليوم";
  const auto passages = khabar::shared_passages(a, b, 4, tokenizer);
  ASSERT_EQ(passages.size(), 1u);
  const auto& p = passages[0];
  EXPECT_EQ(p.n_words(), 6u);
  EXPECT_EQ(p.a_begin, 3u);
  EXPECT_EQ(p.b_begin, 1u);
  EXPECT_EQ(a.substr(p.a_span.begin_byte, p.a_span.end_byte - p.a_span.begin_byte),
            "بحث الرئيس بوتين الأزمة في سوريا");
  EXPECT_EQ(b.substr(p.b_span.begin_byte, p.b_span.end_byte - p.b_span.begin_byte),
            "بَحَثَ الرئيسُ بوتين الأزمة في سوريا");
  EXPECT_TRUE(khabar::shared_passages(a, b, 7, tokenizer).empty());
}

TEST(SharedPassages, RepeatedRunsAreEachReported) {
  const khabar::Tokenizer tokenizer;
  const auto passages = khabar::shared_passages("x a b c y a b c", "a b c", 3, tokenizer);
  ASSERT_EQ(passages.size(), 2u);
  EXPECT_EQ(passages[0].a_begin, 1u);
  EXPECT_EQ(passages[1].a_begin, 5u);
  EXPECT_EQ(passages[1].b_begin, 0u);
}

}  // namespace

#include <khabar/near_duplicates.hpp>

namespace {

TEST(NearDuplicates, FindsEditedCopiesAndVerifiesExactly) {
  std::string base;
  for (int i = 0; i < 60; ++i) base += "كلمة" + std::to_string(i) + " ";
  const std::string edited = base + "زيادة";  // 56 of 57 shingles shared
  const std::string other = "نص مختلف تماما عن غيره في كل شيء اخر";
  khabar::NearDuplicateOptions options;
  options.threshold = 0.8;
  khabar::NearDuplicates index(options);
  index.add({base, other});
  index.add({edited});  // a later chunk
  const auto pairs = index.pairs(2);
  ASSERT_EQ(pairs.size(), 1u);
  EXPECT_EQ(pairs[0].first, 0u);
  EXPECT_EQ(pairs[0].second, 2u);
  EXPECT_DOUBLE_EQ(pairs[0].jaccard, 56.0 / 57.0);
  EXPECT_DOUBLE_EQ(index.jaccard(0, 1), 0.0);
  const auto hits = index.query(edited);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_EQ(hits[0].first, 2u);  // itself, Jaccard 1
  EXPECT_EQ(hits[1].first, 0u);
}

TEST(NearDuplicates, SignaturesDependOnlyOnTheSeedAndText) {
  khabar::NearDuplicates a, b;
  a.add({"بوتين يستقبل الاسد في سوتشي اليوم", "نص"});
  b.add({"نص"});
  b.add({"بوتين يستقبل الاسد في سوتشي اليوم"});
  EXPECT_TRUE(std::equal(a.signature(0), a.signature(0) + 128, b.signature(1)));
}

// What a distributed run rebuilds from exported parts: band keys that put the same documents in
// the same buckets, and exact Jaccard from shingle sets shipped elsewhere.
TEST(NearDuplicates, BandKeysAndShippedShingleSetsReproducePairs) {
  std::string base;
  for (int i = 0; i < 60; ++i) base += "كلمة" + std::to_string(i) + " ";
  khabar::NearDuplicates index;
  index.add({base, "نص مختلف تماما عن غيره في كل شيء اخر", base + "زيادة", ""});
  const std::vector<std::uint64_t> keys = index.band_keys();
  const std::size_t bands = index.bands();
  ASSERT_EQ(keys.size(), 4 * bands);
  for (std::size_t band = 0; band < bands; ++band) {
    EXPECT_EQ(keys[band], khabar::lsh_band_key(index.signature(0), band, index.rows_per_band()));
    EXPECT_NE(keys[band], keys[bands + band]);
  }
  // Documents 0 and 2 (Jaccard 56/57) share a bucket in some band.
  bool shared = false;
  for (std::size_t band = 0; band < bands; ++band) shared |= keys[band] == keys[2 * bands + band];
  EXPECT_TRUE(shared);

  std::vector<std::uint64_t> hashes;
  std::vector<std::int64_t> offsets = {0};
  for (std::size_t d = 0; d < index.size(); ++d) {
    hashes.insert(hashes.end(), index.shingles(d).begin(), index.shingles(d).end());
    offsets.push_back(static_cast<std::int64_t>(hashes.size()));
  }
  EXPECT_TRUE(index.shingles(3).empty());
  const khabar::ShingleSetsView sets{hashes.data(), hashes.size(), offsets.data(), 4};
  const std::vector<std::int64_t> first = {0, 0, 1, 3}, second = {2, 1, 1, 3};
  const auto similarity = khabar::shingle_jaccard(sets, first.data(), sets, second.data(), 4, 2);
  EXPECT_EQ(similarity, (std::vector<double>{index.jaccard(0, 2), 0.0, 1.0, 0.0}));
  EXPECT_DOUBLE_EQ(similarity[0], 56.0 / 57.0);
  const std::vector<std::int64_t> outside = {4};
  EXPECT_THROW(khabar::shingle_jaccard(sets, outside.data(), sets, outside.data(), 1),
               khabar::InvalidOptionError);
  std::vector<std::int64_t> decreasing = offsets;
  decreasing[2] = 0;
  const khabar::ShingleSetsView broken{hashes.data(), hashes.size(), decreasing.data(), 4};
  EXPECT_THROW(khabar::shingle_jaccard(broken, first.data(), sets, second.data(), 4),
               khabar::InvalidOptionError);
}

}  // namespace

TEST(Similarity, AVectorizersMatrixIsViewedWithoutCopying) {
  khabar::TfidfVectorizer vectorizer;
  const std::vector<std::string> docs = {"سوريا روسيا", "سوريا تركيا", "تركيا روسيا روسيا"};
  const khabar::CsrMatrix rows = vectorizer.fit_transform(docs);
  const khabar::SparseRowsView view = khabar::rows_view(rows);
  EXPECT_EQ(view.valuePtr(), std::get<std::vector<double>>(rows.data).data());
  EXPECT_EQ(view.innerIndexPtr(), rows.indices.data());
  EXPECT_EQ(view.outerIndexPtr(), std::get<std::vector<std::int32_t>>(rows.indptr).data());
  // The same cosines as through a copy into an Eigen matrix.
  const khabar::SparseRows copy = khabar::to_eigen(rows).cast<double>();
  const khabar::SparseRowsView copied(copy.rows(), copy.cols(), copy.nonZeros(),
                                      copy.outerIndexPtr(), copy.innerIndexPtr(), copy.valuePtr());
  EXPECT_EQ(khabar::cosine_similarity(view, view), khabar::cosine_similarity(copied, copied));
  khabar::VectorizerOptions single;
  single.value_type = khabar::ValueType::float32;
  khabar::TfidfVectorizer float32(single);
  EXPECT_THROW(khabar::rows_view(float32.fit_transform(docs)), khabar::InvalidOptionError);
}
