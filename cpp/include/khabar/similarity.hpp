#pragma once

#include <Eigen/Dense>
#include <Eigen/SparseCore>

#include <cstdint>
#include <limits>

#include "khabar/sparse.hpp"

namespace khabar {

// SparseRows and SparseRowsView are in sparse.hpp: rows_view() turns a vectorizer's CsrMatrix
// into the rows taken here without copying.

using DenseRows = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using IndexRows = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Cosine similarity of every row of `x` with every row of `y` (x.rows() × y.rows(), dense):
/// the dot product of the L2-normalized rows; rows of norm 0 give 0, as in scikit-learn.
DenseRows cosine_similarity(const SparseRowsView& x, const SparseRowsView& y,
                            std::size_t n_threads = 0);

/// For every row of `x`, the `k` rows of `y` most cosine-similar to it with a score of at
/// least `threshold`, best first, ties broken by the lower index. Exact, computed row by row
/// against an inverted index of `y`, so memory is O(rows × k + y.rows()) per thread — never
/// the full similarity matrix. Missing entries (fewer than k pass) are index -1, score NaN.
/// With `exclude_self` (for x and y the same matrix) a row is never its own neighbour.
struct Neighbours {
  IndexRows indices;
  DenseRows scores;
};
Neighbours top_k_similar(const SparseRowsView& x, const SparseRowsView& y, std::size_t k,
                         double threshold = 0.0, bool exclude_self = false,
                         std::size_t n_threads = 0);

}  // namespace khabar
