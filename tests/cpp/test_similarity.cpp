#include <gtest/gtest.h>

#include <khabar/bm25.hpp>
#include <khabar/errors.hpp>
#include <khabar/similarity.hpp>

#include <cmath>

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
