#pragma once

#include <Eigen/Dense>
#include <Eigen/SparseCore>

#include <cstdint>
#include <limits>
#include <string_view>
#include <vector>

#include "khabar/sparse.hpp"

namespace khabar {

// SparseRows and SparseRowsView are in sparse.hpp: rows_view() turns a vectorizer's CsrMatrix
// into the rows taken here without copying.

using DenseRows = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;
using IndexRows = Eigen::Matrix<std::int64_t, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

/// Throws InvalidMatrixError unless `m` is well-formed CSR, as SciPy's
/// check_format(full_check=True) requires: compressed, row pointers starting at 0, never
/// decreasing and ending at nonZeros(), every column index in [0, cols). Column indices need
/// not be sorted. `name` ("X", "Y") starts the message. cosine_similarity and top_k_similar
/// check their inputs so: a malformed view would make them read and write outside its buffers.
void check_sparse_rows(const SparseRowsView& m, std::string_view name);

/// CSR index buffers given as 64-bit integers (SciPy's int64 index arrays), narrowed to the
/// 32-bit ones a SparseRowsView maps. Throws InvalidMatrixError for a matrix with more than
/// 2^31 - 1 columns or stored values, or for an entry outside the int32 range, rather than
/// letting it wrap into another, valid-looking column.
struct NarrowedIndices {
  std::vector<std::int32_t> indptr;
  std::vector<std::int32_t> indices;
};
NarrowedIndices narrow_csr_indices(std::int64_t cols, const std::int64_t* indptr,
                                   std::size_t indptr_size, const std::int64_t* indices,
                                   std::size_t nnz, std::string_view name);

/// Cosine similarity of every row of `x` with every row of `y` (x.rows() × y.rows(), dense):
/// the dot product of the L2-normalized rows; rows of norm 0 give 0, as in scikit-learn.
/// Throws MemoryLimitError, before allocating, when the dense result would take more than
/// half of the machine's physical memory (kDenseLimitFraction): top_k_similar answers such
/// requests in O(rows × k).
constexpr double kDenseLimitFraction = 0.5;
DenseRows cosine_similarity(const SparseRowsView& x, const SparseRowsView& y,
                            std::size_t n_threads = 0);

/// For every row of `x`, the `k` rows of `y` most cosine-similar to it with a score of at
/// least `threshold`, best first, ties broken by the lower index. Exact, computed row by row
/// against an inverted index of `y`, so memory is O(rows × k + y.rows()) per thread — never
/// the full similarity matrix. Missing entries (fewer than k pass) are index -1, score NaN.
/// With `exclude_self` (for x and y the same matrix) a row is never its own neighbour.
/// No row has more than y.rows() neighbours: a larger `k` gives y.rows() columns.
struct Neighbours {
  IndexRows indices;
  DenseRows scores;
};
Neighbours top_k_similar(const SparseRowsView& x, const SparseRowsView& y, std::size_t k,
                         double threshold = 0.0, bool exclude_self = false,
                         std::size_t n_threads = 0);

}  // namespace khabar
