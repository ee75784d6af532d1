#include <gtest/gtest.h>

#include <khabar/errors.hpp>
#include <khabar/interruption.hpp>
#include <khabar/stories.hpp>

#include <chrono>
#include <cmath>
#include <limits>
#include <vector>

namespace {

using khabar::SparseRows;
using Entries = std::vector<std::vector<std::pair<int, double>>>;

constexpr double kDay = 86400.0;

SparseRows rows_of(const Entries& entries, Eigen::Index cols) {
  SparseRows m(static_cast<Eigen::Index>(entries.size()), cols);
  for (std::size_t r = 0; r < entries.size(); ++r)
    for (auto [c, v] : entries[r]) m.insert(static_cast<Eigen::Index>(r), c) = v;
  m.makeCompressed();
  return m;
}

khabar::SparseRowsView view(const SparseRows& m) {
  return {m.rows(), m.cols(), m.nonZeros(), m.outerIndexPtr(), m.innerIndexPtr(), m.valuePtr()};
}

// Terms and names of some articles, kept alive with the views onto them.
struct Batch {
  Batch(const Entries& term_rows, Eigen::Index n_terms, const Entries& name_rows,
        Eigen::Index n_names, std::vector<double> times)
      : terms(rows_of(term_rows, n_terms)),
        names(rows_of(name_rows, n_names)),
        articles{view(terms), view(names), std::move(times)} {}
  SparseRows terms, names;
  khabar::StoryArticles articles;
};

Batch without_names(const Entries& term_rows, Eigen::Index n_terms, std::vector<double> times) {
  return Batch(term_rows, n_terms, Entries(term_rows.size()), 0, std::move(times));
}

Batch nothing_before(Eigen::Index n_terms, Eigen::Index n_names = 0) {
  return Batch({}, n_terms, {}, n_names, {});
}

// Five articles over three terms (worked out in the comments of the test below).
Batch five_articles() {
  return without_names({{{0, 1}}, {{0, 1}, {1, 1}}, {{2, 1}}, {{0, 1}, {2, 1}}, {{0, 1}}}, 3,
                       {0, 0.5 * kDay, 1 * kDay, 1.2 * kDay, 4.5 * kDay});
}

TEST(Stories, WorkedExampleWithCentroidsAndWindow) {
  const Batch before = nothing_before(3), batch = five_articles();
  khabar::StoryOptions options;
  options.threshold = 0.5;
  const auto result = khabar::assign_stories(before.articles, {}, batch.articles, 0, options);
  // a0 opens story 0. a1 = (1,1): cosine with the centroid (1,0) is 1/sqrt(2) >= 0.5: joins.
  // a2 = (0,0,1) shares no term with anything earlier: opens story 1.
  // a3 = (1,0,1)/sqrt(2). Story 0's centroid is (1,0,0) + (1,1,0)/sqrt(2), squared norm
  // 2 + sqrt(2); cosine (1 + 1/sqrt(2)) / sqrt(2) / sqrt(2 + sqrt(2)) = 0.6533. Story 1's
  // centroid is (0,0,1): cosine 1/sqrt(2) = 0.7071, the better one.
  // a4 at day 4.5: every earlier article is more than 3 days older, so no story is open.
  EXPECT_EQ(result.story, (std::vector<std::int64_t>{0, 0, 1, 1, 2}));
  EXPECT_TRUE(std::isnan(result.score[0]));
  EXPECT_NEAR(result.score[1], 1 / std::sqrt(2.0), 1e-12);
  EXPECT_TRUE(std::isnan(result.score[2]));
  EXPECT_NEAR(result.score[3], 1 / std::sqrt(2.0), 1e-12);
  EXPECT_TRUE(std::isnan(result.score[4]));
  EXPECT_EQ(result.next_story, 3);

  // Without a window, a4 = (1,0,0) joins story 0 (a0 and a1; a3 went to story 1): cosine
  // (1 + 1/sqrt(2)) / sqrt(2 + sqrt(2)) = 0.9239.
  options.window_seconds = std::numeric_limits<double>::infinity();
  const auto open = khabar::assign_stories(before.articles, {}, batch.articles, 0, options);
  EXPECT_EQ(open.story, (std::vector<std::int64_t>{0, 0, 1, 1, 0}));
  EXPECT_NEAR(open.score[4], (1 + 1 / std::sqrt(2.0)) / std::sqrt(2 + std::sqrt(2.0)), 1e-12);
}

TEST(Stories, ArticlesAreScoredAgainstTheStoriesOfTheirNearestArticles) {
  // Threshold 0.7. a0 = (1,0,0) opens story 0; a1 = (1,1,0) joins it (cosine 1/sqrt(2)).
  // a2 = (0,1,0): its only earlier neighbour is a1, in story 0, whose centroid
  // (1,0,0) + (1,1,0)/sqrt(2) has squared norm 2 + sqrt(2): cosine
  // (1/sqrt(2)) / sqrt(2 + sqrt(2)) = 0.3827, so a2 opens story 1.
  // a3 = (1,1,0)/sqrt(2): story 0 gives (1 + 2/sqrt(2)) / sqrt(2) / sqrt(2 + sqrt(2)) = 0.9239,
  // story 1 gives 1/sqrt(2).
  const Batch before = nothing_before(3);
  const Batch batch =
      without_names({{{0, 1}}, {{0, 1}, {1, 1}}, {{1, 1}}, {{0, 1}, {1, 1}}}, 3, {0, 1, 2, 3});
  khabar::StoryOptions options;
  options.threshold = 0.7;
  const auto result = khabar::assign_stories(before.articles, {}, batch.articles, 0, options);
  EXPECT_EQ(result.story, (std::vector<std::int64_t>{0, 0, 1, 0}));
  EXPECT_NEAR(result.score[3],
              (1 + std::sqrt(2.0)) / std::sqrt(2.0) / std::sqrt(2 + std::sqrt(2.0)), 1e-12);
  options.threshold = 0.3;  // now a2 joins story 0 with 0.3827
  const auto loose = khabar::assign_stories(before.articles, {}, batch.articles, 0, options);
  EXPECT_EQ(loose.story, (std::vector<std::int64_t>{0, 0, 0, 0}));
  EXPECT_NEAR(loose.score[2], 1 / std::sqrt(2.0) / std::sqrt(2 + std::sqrt(2.0)), 1e-12);
}

TEST(Stories, SharedNamesBreakATieOfCosines) {
  // b2 = (1,1) is as close to story 0 (centroid (1,0)) as to story 1 (centroid (0,1)): cosine
  // 1/sqrt(2) each. Its names n0 (weight 1) and n1 (weight 3): story 0 mentions n0, story 1
  // mentions n1. With name_weight 0.5: story 0 scores 0.5/sqrt(2) + 0.5 * 1/4 = 0.4786, story 1
  // 0.5/sqrt(2) + 0.5 * 3/4 = 0.7286.
  const Batch before = nothing_before(2, 2);
  const Batch batch({{{0, 1}}, {{1, 1}}, {{0, 1}, {1, 1}}}, 2,
                    {{{0, 1}}, {{1, 1}}, {{0, 1}, {1, 3}}}, 2, {0, 0, 0});
  khabar::StoryOptions options;
  options.threshold = 0.6;
  options.name_weight = 0.5;
  const auto result = khabar::assign_stories(before.articles, {}, batch.articles, 0, options);
  EXPECT_EQ(result.story, (std::vector<std::int64_t>{0, 1, 1}));
  EXPECT_NEAR(result.score[2], 0.5 / std::sqrt(2.0) + 0.5 * 0.75, 1e-12);

  // Without names, the tie goes to the older story, and 1/sqrt(2) clears the threshold.
  options.name_weight = 0.0;
  const auto plain = khabar::assign_stories(before.articles, {}, batch.articles, 0, options);
  EXPECT_EQ(plain.story, (std::vector<std::int64_t>{0, 1, 0}));
  EXPECT_NEAR(plain.score[2], 1 / std::sqrt(2.0), 1e-12);

  // A threshold above every score: b2 opens a story of its own.
  options.name_weight = 0.5;
  options.threshold = 0.9;
  const auto strict = khabar::assign_stories(before.articles, {}, batch.articles, 0, options);
  EXPECT_EQ(strict.story, (std::vector<std::int64_t>{0, 1, 2}));
}

TEST(Stories, ALargerStoryNeedsAHigherScore) {
  // a0 = a1 = (1,0) make story 0 (two articles), a2 = (0,1) opens story 1. a3 = (1,1) has cosine
  // 1/sqrt(2) = 0.7071 with both centroids ((2,0) and (0,1)). Threshold 0.65: with no penalty
  // the tie goes to the older story 0; with size_penalty 0.1 story 0 needs
  // 0.65 + 0.1 * ln 2 = 0.7193 > 0.7071 while story 1 (one article, ln 1 = 0) needs 0.65, so a3
  // joins story 1.
  const Batch before = nothing_before(2);
  const Batch batch =
      without_names({{{0, 1}}, {{0, 1}}, {{1, 1}}, {{0, 1}, {1, 1}}}, 2, {0, 0, 0, 0});
  khabar::StoryOptions options;
  options.threshold = 0.65;
  options.name_weight = 0.0;
  const auto flat = khabar::assign_stories(before.articles, {}, batch.articles, 0, options);
  EXPECT_EQ(flat.story, (std::vector<std::int64_t>{0, 0, 1, 0}));
  options.size_penalty = 0.1;
  const auto penalized = khabar::assign_stories(before.articles, {}, batch.articles, 0, options);
  EXPECT_EQ(penalized.story, (std::vector<std::int64_t>{0, 0, 1, 1}));
  EXPECT_NEAR(penalized.score[3], 1 / std::sqrt(2.0), 1e-12);
  // Threshold 0.72: story 1 needs 0.72 and story 0 0.7893, both above 0.7071: a3 opens story 2.
  options.threshold = 0.72;
  const auto strict = khabar::assign_stories(before.articles, {}, batch.articles, 0, options);
  EXPECT_EQ(strict.story, (std::vector<std::int64_t>{0, 0, 1, 2}));
  options.size_penalty = -0.1;
  EXPECT_THROW(khabar::assign_stories(before.articles, {}, batch.articles, 0, options),
               khabar::InvalidOptionError);
}

TEST(Stories, AnArticleWithoutNamesIsScoredByCosineAlone) {
  const Batch before = nothing_before(2, 1);
  const Batch batch({{{0, 1}}, {{0, 1}, {1, 1}}}, 2, {{{0, 2}}, {}}, 1, {0, 0});
  khabar::StoryOptions options;
  options.name_weight = 0.9;
  const auto result = khabar::assign_stories(before.articles, {}, batch.articles, 0, options);
  EXPECT_EQ(result.story, (std::vector<std::int64_t>{0, 0}));
  EXPECT_NEAR(result.score[1], 1 / std::sqrt(2.0), 1e-12);
}

TEST(Stories, BatchesWithTheirWindowEqualOnePass) {
  const Batch before = nothing_before(3), all = five_articles();
  khabar::StoryOptions options;
  options.threshold = 0.5;
  const auto whole = khabar::assign_stories(before.articles, {}, all.articles, 0, options);
  const Batch first =
      without_names({{{0, 1}}, {{0, 1}, {1, 1}}, {{2, 1}}}, 3, {0, 0.5 * kDay, 1 * kDay});
  const auto head = khabar::assign_stories(before.articles, {}, first.articles, 0, options);
  const Batch second = without_names({{{0, 1}, {2, 1}}, {{0, 1}}}, 3, {1.2 * kDay, 4.5 * kDay});
  const auto tail =
      khabar::assign_stories(first.articles, head.story, second.articles, head.next_story, options);
  EXPECT_EQ(head.story, (std::vector<std::int64_t>{0, 0, 1}));
  EXPECT_EQ(tail.story, (std::vector<std::int64_t>{1, 2}));
  EXPECT_NEAR(tail.score[0], whole.score[3], 1e-15);
  EXPECT_EQ(tail.next_story, whole.next_story);
}

TEST(Stories, ThreadCountDoesNotChangeTheResult) {
  // 400 articles over 50 terms, each mixing three terms, one article an hour.
  Entries entries;
  std::vector<double> times;
  for (int i = 0; i < 400; ++i) {
    entries.push_back({{i % 50, 1.0 + i % 3}, {(i * 7 + 1) % 50, 1.0}, {(i * 13 + 5) % 50, 0.5}});
    std::sort(entries.back().begin(), entries.back().end());
    entries.back().erase(std::unique(entries.back().begin(), entries.back().end(),
                                     [](auto& a, auto& b) { return a.first == b.first; }),
                         entries.back().end());
    times.push_back(i * 3600.0);
  }
  const Batch before = nothing_before(50), batch = without_names(entries, 50, times);
  khabar::StoryOptions options;
  options.threshold = 0.4;
  options.n_threads = 1;
  const auto one = khabar::assign_stories(before.articles, {}, batch.articles, 0, options);
  options.n_threads = 4;
  const auto four = khabar::assign_stories(before.articles, {}, batch.articles, 0, options);
  EXPECT_EQ(one.story, four.story);
  EXPECT_GT(one.next_story, 1);
  EXPECT_LT(one.next_story, 400);
}

TEST(Stories, BadInputIsRejected) {
  const Batch before = nothing_before(3);
  khabar::StoryOptions options;
  const Batch backwards = without_names({{{0, 1}}, {{0, 1}}}, 3, {2 * kDay, 1 * kDay});
  EXPECT_THROW(khabar::assign_stories(before.articles, {}, backwards.articles, 0, options),
               khabar::InvalidOptionError);
  const Batch undated = without_names({{{0, 1}}}, 3, {std::nan("")});
  EXPECT_THROW(khabar::assign_stories(before.articles, {}, undated.articles, 0, options),
               khabar::InvalidOptionError);
  const Batch one = without_names({{{0, 1}}}, 3, {0});
  EXPECT_THROW(khabar::assign_stories(one.articles, {5}, one.articles, 1, options),
               khabar::InvalidOptionError);  // story 5 is not below next_story 1
  EXPECT_THROW(khabar::assign_stories(one.articles, {}, one.articles, 1, options),
               khabar::InvalidOptionError);  // no story for the earlier article
  const Batch wider = without_names({{{0, 1}}}, 4, {0});
  EXPECT_THROW(khabar::assign_stories(before.articles, {}, wider.articles, 0, options),
               khabar::InvalidOptionError);
  options.candidates = 0;
  EXPECT_THROW(khabar::assign_stories(before.articles, {}, one.articles, 0, options),
               khabar::InvalidOptionError);
}

TEST(Stories, AnInterruptionStopsTheClustering) {
  Entries entries(20000, {{0, 1.0}});
  const Batch before = nothing_before(1);
  const Batch batch = without_names(entries, 1, std::vector<double>(entries.size(), 0.0));
  khabar::InterruptionCheck check([] { return true; }, std::chrono::milliseconds(0));
  EXPECT_THROW(khabar::assign_stories(before.articles, {}, batch.articles, 0, {}),
               khabar::Interrupted);
}

}  // namespace
