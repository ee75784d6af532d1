#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "khabar/similarity.hpp"

namespace khabar {

/// How articles are grouped into stories by assign_stories.
struct StoryOptions {
  /// Lowest score with which an article joins a story; below it the article opens a new one.
  double threshold = 0.3;
  /// A story is open to an article while one of its articles is at most this many seconds
  /// older than the article; infinity keeps every story open.
  double window_seconds = 3 * 86400.0;
  /// Weight of the shared names in the score; the centroid cosine gets 1 - name_weight.
  double name_weight = 0.3;
  /// How much harder a story is to join as it grows: an article joins a story only when its
  /// score reaches threshold + size_penalty * ln(n), n the story's articles inside the window.
  /// Without it a story that runs for weeks (a war, a tournament) gathers everything near its
  /// broad centroid; 0 gives every story the same threshold.
  double size_penalty = 0.0;
  /// The stories scored for an article are those of its `candidates` most cosine-similar
  /// earlier articles inside the window.
  std::size_t candidates = 10;
  std::size_t n_threads = 0;
};

/// Articles in date order: their TF-IDF rows, the weights of the names each one mentions (an
/// articles × names matrix, e.g. idf weights) and their times in seconds, non-decreasing.
struct StoryArticles {
  SparseRowsView terms;
  SparseRowsView names;
  std::vector<double> times;
};

/// The stories of the new articles: `story[i]` is the story article i joined (or opened) and
/// `score[i]` the score with which it joined (NaN when it opened the story). Stories opened here
/// are numbered from the `next_story` given, in date order; `next_story` is the number after
/// the last one.
struct StoryAssignments {
  std::vector<std::int64_t> story;
  std::vector<double> score;
  std::int64_t next_story = 0;
};

/// Incremental clustering in time (single pass, as in the topic detection and tracking
/// literature; Allan et al. 1998, "On-line new event detection and tracking"): the articles
/// are visited in date order; each joins the open story with the best score, if that score
/// reaches the threshold, else it opens a story. A story is open while it has an article inside
/// the window, and it is represented by those articles only: the sum of their L2-normalized
/// term rows (its centroid) and the names they mention.
///
/// score(article, story) = (1 - name_weight) * cosine(article, centroid)
///                         + name_weight * shared_names(article, story),
/// where shared_names is the weight of the article's names that the story's articles mention,
/// divided by the weight of all the article's names. For an article without names the score
/// is the cosine alone. An article joins the best-scoring story among those whose score reaches
/// threshold + size_penalty * ln(articles of the story inside the window).
///
/// Only the stories of the article's `candidates` nearest earlier articles in the window are
/// scored: those nearest articles are found for all new articles at once, in parallel, through
/// an inverted index whose postings are in date order (so each article reads only the
/// postings inside its window). The pass that places articles is sequential and cheap.
///
/// `earlier` are articles already placed (numbered before the new ones, with `earlier_stories`
/// their stories): a stream is clustered batch by batch by passing, with each batch, the
/// articles of the previous ones still inside the window. Results do not depend on n_threads.
/// Throws InvalidOptionError for mismatched shapes, out-of-order or NaN times and bad options.
StoryAssignments assign_stories(const StoryArticles& earlier,
                                const std::vector<std::int64_t>& earlier_stories,
                                const StoryArticles& articles, std::int64_t next_story,
                                const StoryOptions& options = {});

}  // namespace khabar
