#include <gtest/gtest.h>

#include <khabar/bm25.hpp>
#include <khabar/errors.hpp>
#include <khabar/passages.hpp>
#include <khabar/similarity.hpp>
#include <khabar/tfidf.hpp>

#include <cmath>
#include <cstdlib>
#include <limits>
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

// Malformed CSR buffers, each read in a child process (a death-test fork), so that a crash
// fails the test instead of ending the test program: every one must be refused with
// InvalidMatrixError by both readers before they index anything.
struct MalformedCsr {
  const char* what;
  Eigen::Index rows, cols, nnz;
  std::vector<std::int32_t> indptr, indices;
};

class MalformedCsrTest : public ::testing::TestWithParam<MalformedCsr> {};

TEST_P(MalformedCsrTest, IsRefusedWithoutReadingOutside) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  const MalformedCsr& m = GetParam();
  const std::vector<double> values(static_cast<std::size_t>(m.nnz), 1.0);
  EXPECT_EXIT(
      {
        const khabar::SparseRowsView x(m.rows, m.cols, m.nnz, m.indptr.data(), m.indices.data(),
                                       values.data());
        int refused = 0;
        try {
          khabar::cosine_similarity(x, x, 1);
        } catch (const khabar::InvalidMatrixError& error) {
          refused += std::string(error.what()).rfind("X: malformed CSR matrix: ", 0) == 0;
        }
        try {
          khabar::top_k_similar(x, x, 3, 0.0, false, 2);
        } catch (const khabar::InvalidMatrixError&) {
          ++refused;
        }
        std::exit(refused == 2 ? 0 : 1);
      },
      ::testing::ExitedWithCode(0), "")
      << m.what;
}

INSTANTIATE_TEST_SUITE_P(
    Similarity, MalformedCsrTest,
    ::testing::Values(MalformedCsr{"column index = cols", 2, 3, 2, {0, 1, 2}, {0, 3}},
                      MalformedCsr{
                          "column index far beyond cols", 2, 3, 2, {0, 1, 2}, {0, 1 << 30}},
                      MalformedCsr{"negative column index", 2, 3, 2, {0, 1, 2}, {-7, 1}},
                      MalformedCsr{"decreasing indptr", 3, 3, 4, {0, 3, 1, 4}, {0, 1, 2, 0}},
                      MalformedCsr{"indptr beyond nnz", 2, 3, 2, {0, 1, 1 << 30}, {0, 1}},
                      MalformedCsr{"indptr not starting at 0", 2, 3, 2, {1, 1, 2}, {0, 1}},
                      MalformedCsr{"indptr ending before nnz", 2, 3, 3, {0, 1, 2}, {0, 1, 2}}));

TEST(Similarity, WellFormedCsrWithUnsortedColumnsIsAccepted) {
  // SciPy's full check does not require sorted indices; scores are those of the sorted matrix.
  const std::vector<std::int32_t> indptr{0, 2, 3}, indices{2, 0, 2};
  const std::vector<double> values{4, 3, 1};
  const khabar::SparseRowsView x(2, 3, 3, indptr.data(), indices.data(), values.data());
  EXPECT_NO_THROW(khabar::check_sparse_rows(x, "X"));
  EXPECT_NEAR(khabar::cosine_similarity(x, x)(0, 1), 4.0 / 5.0, 1e-15);
}

TEST(Similarity, Int64IndicesThatWouldWrapAreRefused) {
  // 2^32 + 1 narrowed to int32 is 1: a valid-looking column, silently wrong scores.
  const std::vector<std::int64_t> indptr{0, 1, 2}, wrapping{0, (std::int64_t{1} << 32) + 1};
  EXPECT_THROW(khabar::narrow_csr_indices(3, indptr.data(), 3, wrapping.data(), 2, "X"),
               khabar::InvalidMatrixError);
  const std::vector<std::int64_t> wrapping_indptr{0, 1, (std::int64_t{1} << 32) + 2};
  const std::vector<std::int64_t> fine{0, 1};
  EXPECT_THROW(khabar::narrow_csr_indices(3, wrapping_indptr.data(), 3, fine.data(), 2, "X"),
               khabar::InvalidMatrixError);
  EXPECT_THROW(
      khabar::narrow_csr_indices(std::int64_t{1} << 31, indptr.data(), 3, fine.data(), 2, "X"),
      khabar::InvalidMatrixError);
  const auto narrowed = khabar::narrow_csr_indices(3, indptr.data(), 3, fine.data(), 2, "X");
  EXPECT_EQ(narrowed.indptr, (std::vector<std::int32_t>{0, 1, 2}));
  EXPECT_EQ(narrowed.indices, (std::vector<std::int32_t>{0, 1}));
}

TEST(Similarity, TopKIsCappedAtTheRowsOfY) {
  const SparseRows m = example();
  const auto top = khabar::top_k_similar(view(m), view(m), 100000, 0.0, true);
  ASSERT_EQ(top.indices.cols(), 4);  // 4 rows in y, not 100,000 columns of padding
  EXPECT_EQ(top.indices(0, 0), 1);   // 1/sqrt(2) beats 3/(5 sqrt(2))
  EXPECT_EQ(top.indices(0, 1), 3);
  EXPECT_EQ(top.indices(0, 2), 2);   // a zero score passes threshold 0
  EXPECT_EQ(top.indices(0, 3), -1);  // itself excluded: padding
}

TEST(Similarity, HugeDenseRequestIsRefusedUpFront) {
  // 10^6 x 10^6 doubles (8 TB): refused before allocating, pointing to top_k_similar.
  SparseRows big(1000000, 3);
  big.makeCompressed();
  try {
    khabar::cosine_similarity(view(big), view(big));
    FAIL() << "a dense 10^6 x 10^6 result was not refused";
  } catch (const khabar::MemoryLimitError& error) {
    EXPECT_NE(std::string(error.what()).find("8000.0 GB"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("top_k_similar"), std::string::npos);
  }
}

TEST(Similarity, HashedColumnsCostNoMemoryPerColumn) {
  // Two rows in 2^31 - 1 columns: a pointer per column would be 8.6 GB; scores as by hand.
  const std::vector<std::int32_t> indptr{0, 2, 3}, indices{5, 2000000000, 2000000000};
  const std::vector<double> values{3, 4, 1};
  const khabar::SparseRowsView m(2, std::numeric_limits<std::int32_t>::max(), 3, indptr.data(),
                                 indices.data(), values.data());
  const auto s = khabar::cosine_similarity(m, m);
  EXPECT_NEAR(s(0, 1), 4.0 / 5.0, 1e-15);
  EXPECT_NEAR(s(1, 1), 1.0, 1e-15);
  const auto top = khabar::top_k_similar(m, m, 5, 0.5, true);
  EXPECT_EQ(top.indices(0, 0), 1);
  EXPECT_NEAR(top.scores(1, 0), 4.0 / 5.0, 1e-15);
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

TEST(SharedPassages, RepetitiveTextsGiveTheFirstMaxPassagesRuns) {
  // One word 40 times against it 30 times: a maximal run starts at (0, j) for j ≤ 27 and at
  // (i, 0) for 1 ≤ i ≤ 37 (min_words 3), 65 runs, the one at (0, j) min(40, 30 − j) words long.
  std::string a, b;
  for (int i = 0; i < 40; ++i) a += "سوريا ";
  for (int i = 0; i < 30; ++i) b += "سوريا ";
  const khabar::Tokenizer tokenizer;
  bool truncated = true;
  const auto all = khabar::shared_passages(a, b, 3, tokenizer, 1000, &truncated);
  EXPECT_FALSE(truncated);
  ASSERT_EQ(all.size(), 65u);
  EXPECT_EQ(all[0].n_words(), 30u);
  EXPECT_EQ(all[27].b_begin, 27u);
  EXPECT_EQ(all[27].n_words(), 3u);
  EXPECT_EQ(all[28].a_begin, 1u);
  EXPECT_EQ(all[28].n_words(), 30u);
  const auto first = khabar::shared_passages(a, b, 3, tokenizer, 5, &truncated);
  EXPECT_TRUE(truncated);
  ASSERT_EQ(first.size(), 5u);
  for (std::size_t k = 0; k < 5; ++k) {
    EXPECT_EQ(first[k].a_begin, 0u);
    EXPECT_EQ(first[k].b_begin, k);
    EXPECT_EQ(first[k].n_words(), 30 - k);
  }
  EXPECT_THROW(khabar::shared_passages(a, b, 3, tokenizer, 0), khabar::InvalidOptionError);
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

TEST(NearDuplicates, TooManyPermutationsAreRefusedUpFront) {
  khabar::NearDuplicateOptions options;
  options.num_perm = 1000000;  // choosing its bands alone took hours
  EXPECT_THROW(khabar::NearDuplicates{options}, khabar::InvalidOptionError);
  options.num_perm = khabar::kMaxNumPerm;
  EXPECT_NO_THROW(khabar::NearDuplicates{options});
}

TEST(NearDuplicates, IdenticalDocumentsGiveEveryPairOnceInOrder) {
  // Every identical pair shares every band's bucket: each must be listed once, sorted.
  std::vector<khabar::TextView> docs;
  const std::string copy = "بوتين يستقبل الاسد في سوتشي اليوم";
  for (int i = 0; i < 300; ++i)
    docs.emplace_back(i == 7 ? std::string_view("نص اخر مختلف تماما عن غيره")
                             : std::string_view(copy));
  khabar::NearDuplicates index;
  index.add(docs, 2);
  const auto pairs = index.pairs(2);
  ASSERT_EQ(pairs.size(), 299u * 298u / 2);
  std::size_t k = 0;
  for (std::size_t i = 0; i < 300; ++i)
    for (std::size_t j = i + 1; j < 300; ++j) {
      if (i == 7 || j == 7) continue;
      ASSERT_EQ(pairs[k].first, i);
      ASSERT_EQ(pairs[k].second, j);
      ASSERT_EQ(pairs[k].jaccard, 1.0);
      ++k;
    }
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
