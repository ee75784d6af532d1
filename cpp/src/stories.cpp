#include "khabar/stories.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>

#include "interruption_state.hpp"
#include "khabar/errors.hpp"
#include "parallel_for.hpp"

namespace khabar {
namespace {

constexpr std::size_t kArticlesPerTask = 16;
constexpr std::size_t kArticlesBetweenPolls = 1024;

// The earlier and the new articles as one sequence in date order: article g < n_earlier is
// row g of `earlier`, the others row g - n_earlier of `articles`.
class ArticleSequence {
 public:
  ArticleSequence(const StoryArticles& earlier, const StoryArticles& articles)
      : earlier_(earlier), articles_(articles), n_earlier_(earlier.terms.rows()) {}

  std::size_t size() const noexcept {
    return static_cast<std::size_t>(n_earlier_ + articles_.terms.rows());
  }
  std::size_t n_earlier() const noexcept { return static_cast<std::size_t>(n_earlier_); }
  double time(std::size_t g) const noexcept {
    return is_earlier(g) ? earlier_.times[g] : articles_.times[g - n_earlier()];
  }
  // The sparse matrix holding article g and its row there.
  std::pair<const SparseRowsView*, Eigen::Index> terms(std::size_t g) const noexcept {
    return is_earlier(g) ? std::pair{&earlier_.terms, static_cast<Eigen::Index>(g)}
                         : std::pair{&articles_.terms, static_cast<Eigen::Index>(g) - n_earlier_};
  }
  std::pair<const SparseRowsView*, Eigen::Index> names(std::size_t g) const noexcept {
    return is_earlier(g) ? std::pair{&earlier_.names, static_cast<Eigen::Index>(g)}
                         : std::pair{&articles_.names, static_cast<Eigen::Index>(g) - n_earlier_};
  }

 private:
  bool is_earlier(std::size_t g) const noexcept { return g < n_earlier(); }
  const StoryArticles& earlier_;
  const StoryArticles& articles_;
  Eigen::Index n_earlier_;
};

void check_shapes(const StoryArticles& a, const char* which) {
  const std::string name(which);
  if (a.names.rows() != a.terms.rows())
    throw InvalidOptionError(name + ": " + std::to_string(a.terms.rows()) + " term rows but " +
                             std::to_string(a.names.rows()) + " name rows");
  if (a.times.size() != static_cast<std::size_t>(a.terms.rows()))
    throw InvalidOptionError(name + ": " + std::to_string(a.terms.rows()) + " articles but " +
                             std::to_string(a.times.size()) + " times");
}

void check_inputs(const StoryArticles& earlier, const std::vector<std::int64_t>& earlier_stories,
                  const StoryArticles& articles, std::int64_t next_story,
                  const StoryOptions& options) {
  if (!(options.threshold >= 0.0) || !std::isfinite(options.threshold))
    throw InvalidOptionError("threshold must be a finite number >= 0");
  if (!(options.window_seconds >= 0.0))
    throw InvalidOptionError("the window must be >= 0 seconds (infinity for no window)");
  if (!(options.name_weight >= 0.0 && options.name_weight <= 1.0))
    throw InvalidOptionError("name_weight must be in [0, 1]");
  if (!(options.size_penalty >= 0.0) || !std::isfinite(options.size_penalty))
    throw InvalidOptionError("size_penalty must be a finite number >= 0");
  if (options.candidates == 0) throw InvalidOptionError("candidates must be at least 1");
  check_shapes(earlier, "earlier articles");
  check_shapes(articles, "articles");
  if (earlier.terms.cols() != articles.terms.cols() ||
      earlier.names.cols() != articles.names.cols())
    throw InvalidOptionError("earlier and new articles have different columns");
  if (earlier_stories.size() != static_cast<std::size_t>(earlier.terms.rows()))
    throw InvalidOptionError("one story per earlier article is needed");
  if (next_story < 0) throw InvalidOptionError("next_story must be >= 0");
  for (std::size_t i = 0; i < earlier_stories.size(); ++i)
    if (earlier_stories[i] < 0 || earlier_stories[i] >= next_story)
      throw InvalidOptionError("earlier article " + std::to_string(i) + ": story " +
                               std::to_string(earlier_stories[i]) + " is not below next_story");
  const ArticleSequence all(earlier, articles);
  if (all.size() > std::numeric_limits<std::uint32_t>::max())
    throw InvalidOptionError("at most 2^32 - 1 articles per call");
  for (std::size_t g = 0; g < all.size(); ++g) {
    const bool is_new = g >= all.n_earlier();
    const std::string which = (is_new ? "article " : "earlier article ") +
                              std::to_string(is_new ? g - all.n_earlier() : g);
    if (std::isnan(all.time(g))) throw InvalidOptionError(which + ": its time is NaN");
    if (g > 0 && all.time(g) < all.time(g - 1))
      throw InvalidOptionError(which +
                               ": its time is before the previous article's (articles "
                               "must come in date order)");
  }
}

std::vector<double> inverse_norms(const ArticleSequence& all) {
  std::vector<double> inverse(all.size());
  for (std::size_t g = 0; g < all.size(); ++g) {
    const auto [matrix, row] = all.terms(g);
    const double norm = matrix->row(row).norm();
    inverse[g] = norm > 0 ? 1.0 / norm : 0.0;
  }
  return inverse;
}

// For every term, the articles containing it (in date order) and the term's weight in each.
struct Postings {
  std::vector<std::size_t> offsets;  // term t: entries [offsets[t], offsets[t + 1])
  std::vector<std::uint32_t> article;
  std::vector<double> weight;
};

Postings postings_of(const ArticleSequence& all, Eigen::Index n_terms) {
  Postings p;
  p.offsets.assign(static_cast<std::size_t>(n_terms) + 1, 0);
  for (std::size_t g = 0; g < all.size(); ++g) {
    const auto [matrix, row] = all.terms(g);
    for (SparseRowsView::InnerIterator term(*matrix, row); term; ++term)
      ++p.offsets[static_cast<std::size_t>(term.col()) + 1];
  }
  for (std::size_t t = 1; t < p.offsets.size(); ++t) p.offsets[t] += p.offsets[t - 1];
  p.article.resize(p.offsets.back());
  p.weight.resize(p.offsets.back());
  std::vector<std::size_t> fill(p.offsets.begin(), p.offsets.end() - 1);
  for (std::size_t g = 0; g < all.size(); ++g) {
    const auto [matrix, row] = all.terms(g);
    for (SparseRowsView::InnerIterator term(*matrix, row); term; ++term) {
      const std::size_t at = fill[static_cast<std::size_t>(term.col())]++;
      p.article[at] = static_cast<std::uint32_t>(g);
      p.weight[at] = term.value();
    }
  }
  return p;
}

// The `k` earlier articles most cosine-similar to each new article, inside its window (score >
// 0, best first, ties by the earlier article), k per new article with -1 where fewer exist.
std::vector<std::int64_t> nearest_earlier(const ArticleSequence& all,
                                          const std::vector<double>& inverse, Eigen::Index n_terms,
                                          const StoryOptions& options) {
  const Postings postings = postings_of(all, n_terms);
  const std::size_t k = options.candidates, n_new = all.size() - all.n_earlier();
  std::vector<std::int64_t> nearest(n_new * k, -1);
  detail::parallel_for(
      n_new, options.n_threads, kArticlesPerTask,
      [&](std::size_t, std::size_t begin, std::size_t end) {
        std::vector<double> scores(all.size(), 0.0);
        std::vector<std::uint8_t> seen(all.size(), 0);
        std::vector<std::uint32_t> touched;
        std::vector<std::pair<double, std::uint32_t>> ranked;
        for (std::size_t i = begin; i < end; ++i) {
          const std::size_t g = all.n_earlier() + i;
          const double window_start = all.time(g) - options.window_seconds;
          const auto [matrix, row] = all.terms(g);
          for (SparseRowsView::InnerIterator term(*matrix, row); term; ++term) {
            const auto t = static_cast<std::size_t>(term.col());
            const std::uint32_t* first = postings.article.data() + postings.offsets[t];
            const std::uint32_t* last = postings.article.data() + postings.offsets[t + 1];
            // Postings are in date order: skip those before the window.
            first = std::partition_point(
                first, last, [&](std::uint32_t a) { return all.time(a) < window_start; });
            for (const std::uint32_t* a = first; a != last && *a < g; ++a) {
              if (!seen[*a]) {
                seen[*a] = 1;
                touched.push_back(*a);
              }
              scores[*a] += term.value() *
                            postings.weight[static_cast<std::size_t>(a - postings.article.data())];
            }
          }
          ranked.clear();
          for (std::uint32_t a : touched) {
            const double score = scores[a] * inverse[a] * inverse[g];
            if (score > 0.0) ranked.emplace_back(score, a);
            scores[a] = 0.0;
            seen[a] = 0;
          }
          touched.clear();
          const std::size_t kept = std::min(k, ranked.size());
          std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(kept),
                            ranked.end(), [](const auto& x, const auto& y) {
                              return x.first != y.first ? x.first > y.first : x.second < y.second;
                            });
          for (std::size_t c = 0; c < kept; ++c) nearest[i * k + c] = ranked[c].second;
        }
      });
  return nearest;
}

// An open story: the sum of its window articles' normalized rows and the names they mention.
struct OpenStory {
  std::unordered_map<std::int32_t, double> centroid;
  double squared_norm = 0.0;
  std::unordered_map<std::int32_t, std::size_t> name_mentions;
  std::size_t articles = 0;
};

class OpenStories {
 public:
  OpenStories(const ArticleSequence& all, const std::vector<double>& inverse)
      : all_(all), inverse_(inverse) {}

  void add(std::size_t g, std::int64_t story) { update(g, story, +1.0); }
  void remove(std::size_t g, std::int64_t story) { update(g, story, -1.0); }

  std::size_t articles(std::int64_t story) const { return stories_.at(story).articles; }

  double score(std::size_t g, std::int64_t story, double name_weight) const {
    const OpenStory& s = stories_.at(story);
    double dot = 0.0;
    const auto [matrix, row] = all_.terms(g);
    for (SparseRowsView::InnerIterator term(*matrix, row); term; ++term) {
      const auto found = s.centroid.find(static_cast<std::int32_t>(term.col()));
      if (found != s.centroid.end()) dot += term.value() * inverse_[g] * found->second;
    }
    const double cosine = s.squared_norm > 0 ? dot / std::sqrt(s.squared_norm) : 0.0;
    double name_weight_total = 0.0, name_weight_shared = 0.0;
    const auto [names, name_row] = all_.names(g);
    for (SparseRowsView::InnerIterator name(*names, name_row); name; ++name) {
      name_weight_total += name.value();
      if (s.name_mentions.count(static_cast<std::int32_t>(name.col())))
        name_weight_shared += name.value();
    }
    if (name_weight_total <= 0) return cosine;
    return (1 - name_weight) * cosine + name_weight * (name_weight_shared / name_weight_total);
  }

 private:
  void update(std::size_t g, std::int64_t story, double sign) {
    OpenStory& s = stories_[story];
    const auto [matrix, row] = all_.terms(g);
    for (SparseRowsView::InnerIterator term(*matrix, row); term; ++term) {
      double& c = s.centroid[static_cast<std::int32_t>(term.col())];
      const double updated = c + sign * term.value() * inverse_[g];
      s.squared_norm += updated * updated - c * c;
      c = updated;
    }
    const auto [names, name_row] = all_.names(g);
    for (SparseRowsView::InnerIterator name(*names, name_row); name; ++name) {
      if (name.value() == 0.0) continue;
      const auto col = static_cast<std::int32_t>(name.col());
      if (sign > 0) {
        ++s.name_mentions[col];
      } else if (--s.name_mentions[col] == 0) {
        s.name_mentions.erase(col);
      }
    }
    if (sign > 0) {
      ++s.articles;
    } else if (--s.articles == 0) {
      stories_.erase(story);  // closed: its window is over
    }
  }

  const ArticleSequence& all_;
  const std::vector<double>& inverse_;
  std::unordered_map<std::int64_t, OpenStory> stories_;
};

}  // namespace

StoryAssignments assign_stories(const StoryArticles& earlier,
                                const std::vector<std::int64_t>& earlier_stories,
                                const StoryArticles& articles, std::int64_t next_story,
                                const StoryOptions& options) {
  check_inputs(earlier, earlier_stories, articles, next_story, options);
  const ArticleSequence all(earlier, articles);
  const std::vector<double> inverse = inverse_norms(all);
  const std::vector<std::int64_t> nearest =
      nearest_earlier(all, inverse, articles.terms.cols(), options);

  StoryAssignments out;
  const std::size_t n_new = all.size() - all.n_earlier();
  out.story.assign(n_new, -1);
  out.score.assign(n_new, std::numeric_limits<double>::quiet_NaN());
  std::vector<std::int64_t> story_of(all.size(), -1);
  std::copy(earlier_stories.begin(), earlier_stories.end(), story_of.begin());
  OpenStories open(all, inverse);
  detail::InterruptionState* const interruption = detail::current_interruption();
  std::vector<std::int64_t> candidate_stories;
  std::size_t oldest = 0;
  for (std::size_t g = 0; g < all.size(); ++g) {
    if (interruption && g % kArticlesBetweenPolls == 0) interruption->poll();
    // The same comparison as in nearest_earlier, so the candidates are exactly the open ones.
    const double window_start = all.time(g) - options.window_seconds;
    for (; oldest < g && all.time(oldest) < window_start; ++oldest)
      open.remove(oldest, story_of[oldest]);
    if (g < all.n_earlier()) {
      open.add(g, story_of[g]);
      continue;
    }
    const std::size_t i = g - all.n_earlier();
    candidate_stories.clear();
    for (std::size_t c = 0; c < options.candidates; ++c) {
      const std::int64_t a = nearest[i * options.candidates + c];
      if (a < 0) break;
      candidate_stories.push_back(story_of[static_cast<std::size_t>(a)]);
    }
    std::sort(candidate_stories.begin(), candidate_stories.end());
    candidate_stories.erase(std::unique(candidate_stories.begin(), candidate_stories.end()),
                            candidate_stories.end());
    std::int64_t best = -1;
    double best_score = -std::numeric_limits<double>::infinity();
    for (std::int64_t story : candidate_stories) {  // ascending: ties go to the older story
      const double score = open.score(g, story, options.name_weight);
      const double needed =
          options.threshold +
          options.size_penalty * std::log(static_cast<double>(open.articles(story)));
      if (score >= needed && score > best_score) {
        best = story;
        best_score = score;
      }
    }
    if (best >= 0) {
      out.score[i] = best_score;
    } else {
      best = next_story++;
    }
    story_of[g] = best;
    out.story[i] = best;
    open.add(g, best);
  }
  out.next_story = next_story;
  return out;
}

}  // namespace khabar
