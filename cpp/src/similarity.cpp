#include "khabar/similarity.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "khabar/errors.hpp"
#include "memory.hpp"
#include "parallel_for.hpp"

namespace khabar {
namespace {

constexpr std::size_t kRowsPerTask = 32;

using ColumnMajor = Eigen::SparseMatrix<double, Eigen::ColMajor, std::int32_t>;

// Columns of y: for each term, the rows containing it (an inverted index), built by Eigen's
// row-major to column-major conversion. A column-major matrix holds a pointer per column, so
// when y has far more columns than stored values (hashed features, n_features up to 2^31 - 1)
// the columns it uses are numbered compactly first and x's columns looked up among them:
// memory stays proportional to the stored values, not to the columns.
class TermPostings {
 public:
  explicit TermPostings(const SparseRowsView& y) {
    const auto nnz = static_cast<std::size_t>(y.nonZeros());
    if (static_cast<std::size_t>(y.cols()) <= 4 * nnz + 4096) {
      by_term_ = y;
      return;
    }
    used_columns_.assign(y.innerIndexPtr(), y.innerIndexPtr() + nnz);
    std::sort(used_columns_.begin(), used_columns_.end());
    used_columns_.erase(std::unique(used_columns_.begin(), used_columns_.end()),
                        used_columns_.end());
    std::vector<std::int32_t> compact(nnz);
    for (std::size_t k = 0; k < nnz; ++k)
      compact[k] = static_cast<std::int32_t>(
          std::lower_bound(used_columns_.begin(), used_columns_.end(), y.innerIndexPtr()[k]) -
          used_columns_.begin());
    const SparseRowsView renumbered(y.rows(), static_cast<Eigen::Index>(used_columns_.size()),
                                    y.nonZeros(), y.outerIndexPtr(), compact.data(), y.valuePtr());
    by_term_ = renumbered;
    compact_ = true;
  }

  // The postings column of x's column `column`, or -1 when y never uses it.
  Eigen::Index find(Eigen::Index column) const {
    if (!compact_) return column;
    const auto found = std::lower_bound(used_columns_.begin(), used_columns_.end(), column);
    return found != used_columns_.end() && *found == column ? found - used_columns_.begin() : -1;
  }
  const ColumnMajor& matrix() const noexcept { return by_term_; }
  Eigen::Index rows() const noexcept { return by_term_.rows(); }

 private:
  ColumnMajor by_term_;
  std::vector<std::int32_t> used_columns_;
  bool compact_ = false;
};

Eigen::VectorXd inverse_row_norms(const SparseRowsView& m) {
  Eigen::VectorXd inverse(m.rows());
  for (Eigen::Index r = 0; r < m.rows(); ++r) {
    const double norm = m.row(r).norm();
    inverse[r] = norm > 0 ? 1.0 / norm : 0.0;
  }
  return inverse;
}

// Scores of one row of x against all rows of y, accumulated term by term through y's columns
// (its inverted index); `touched` lists the rows of y with a nonzero product.
class RowScorer {
 public:
  RowScorer(const SparseRowsView& x, const TermPostings& y_by_term,
            const Eigen::VectorXd& x_inverse, const Eigen::VectorXd& y_inverse)
      : x_(x),
        y_by_term_(y_by_term),
        x_inverse_(x_inverse),
        y_inverse_(y_inverse),
        scores_(static_cast<std::size_t>(y_by_term.rows()), 0.0),
        seen_(static_cast<std::size_t>(y_by_term.rows()), 0) {}

  void score(Eigen::Index row) {
    clear();
    const ColumnMajor& postings_by_term = y_by_term_.matrix();
    const std::int32_t* starts = postings_by_term.outerIndexPtr();
    const std::int32_t* rows = postings_by_term.innerIndexPtr();
    const double* values = postings_by_term.valuePtr();
    terms_.clear();
    std::size_t postings = 0;
    for (SparseRowsView::InnerIterator term(x_, row); term; ++term) {
      const Eigen::Index column = y_by_term_.find(term.col());
      if (column < 0) continue;
      terms_.emplace_back(column, term.value());
      postings += static_cast<std::size_t>(starts[column + 1] - starts[column]);
    }
    // A row with common terms reaches most of y: then a plain dense accumulation without
    // book-keeping is faster, and every row of y counts as touched.
    dense_ = 4 * postings > scores_.size();
    if (dense_) {
      for (const auto& [column, weight] : terms_)
        for (auto k = starts[column]; k < starts[column + 1]; ++k)
          scores_[static_cast<std::size_t>(rows[k])] += weight * values[k];
      touched_.resize(scores_.size());
      for (std::size_t j = 0; j < scores_.size(); ++j) {
        touched_[j] = static_cast<std::int32_t>(j);
        seen_[j] = 1;
      }
    } else {
      for (const auto& [column, weight] : terms_) {
        for (auto k = starts[column]; k < starts[column + 1]; ++k) {
          const auto j = static_cast<std::size_t>(rows[k]);
          if (!seen_[j]) {
            seen_[j] = 1;
            touched_.push_back(static_cast<std::int32_t>(j));
          }
          scores_[j] += weight * values[k];
        }
      }
    }
    for (std::int32_t j : touched_)
      scores_[static_cast<std::size_t>(j)] *= x_inverse_[row] * y_inverse_[j];
  }

  const std::vector<double>& scores() const noexcept { return scores_; }
  const std::vector<std::int32_t>& touched() const noexcept { return touched_; }
  bool seen(std::int32_t j) const noexcept { return seen_[static_cast<std::size_t>(j)] != 0; }

 private:
  void clear() {
    if (dense_) {
      std::fill(scores_.begin(), scores_.end(), 0.0);
      std::fill(seen_.begin(), seen_.end(), 0);
    } else {
      for (std::int32_t j : touched_) {
        scores_[static_cast<std::size_t>(j)] = 0.0;
        seen_[static_cast<std::size_t>(j)] = 0;
      }
    }
    touched_.clear();
  }

 private:
  const SparseRowsView& x_;
  const TermPostings& y_by_term_;
  const Eigen::VectorXd& x_inverse_;
  const Eigen::VectorXd& y_inverse_;
  std::vector<double> scores_;
  std::vector<std::uint8_t> seen_;
  std::vector<std::int32_t> touched_;
  std::vector<std::pair<Eigen::Index, double>> terms_;  // x's row: (postings column, weight)
  bool dense_ = false;
};

[[noreturn]] void malformed(std::string_view name, const std::string& what) {
  throw InvalidMatrixError(std::string(name) + ": malformed CSR matrix: " + what);
}

// "20.0 GB": decimal units, as free(1) -h and the figures users compare with.
std::string gigabytes(double bytes) {
  char text[32];
  std::snprintf(text, sizeof text, "%.1f GB", bytes / 1e9);
  return text;
}

void check_columns(const SparseRowsView& x, const SparseRowsView& y) {
  if (x.cols() != y.cols())
    throw InvalidOptionError("incompatible dimensions: X has " + std::to_string(x.cols()) +
                             " columns, Y has " + std::to_string(y.cols()));
}

}  // namespace

void check_sparse_rows(const SparseRowsView& m, std::string_view name) {
  if (m.rows() < 0 || m.cols() < 0 || m.nonZeros() < 0)
    malformed(name, "negative shape or number of stored values");
  if (!m.isCompressed()) malformed(name, "per-row non-zero counts are not supported");
  const std::int32_t* indptr = m.outerIndexPtr();
  const std::int32_t* indices = m.innerIndexPtr();
  if (indptr[0] != 0)
    malformed(name, "index pointer should start with 0, got " + std::to_string(indptr[0]));
  for (Eigen::Index r = 0; r < m.rows(); ++r)
    if (indptr[r + 1] < indptr[r])
      malformed(name, "index pointer decreases at row " + std::to_string(r) + " (" +
                          std::to_string(indptr[r]) + " then " + std::to_string(indptr[r + 1]) +
                          ")");
  if (indptr[m.rows()] != m.nonZeros())
    malformed(name, "last index pointer is " + std::to_string(indptr[m.rows()]) + ", but " +
                        std::to_string(m.nonZeros()) + " values are stored");
  for (Eigen::Index r = 0; r < m.rows(); ++r)
    for (std::int32_t k = indptr[r]; k < indptr[r + 1]; ++k)
      if (indices[k] < 0 || indices[k] >= m.cols())
        malformed(name, "column index " + std::to_string(indices[k]) + " at position " +
                            std::to_string(k) + " (row " + std::to_string(r) + ") is outside [0, " +
                            std::to_string(m.cols()) + ")");
}

NarrowedIndices narrow_csr_indices(std::int64_t cols, const std::int64_t* indptr,
                                   std::size_t indptr_size, const std::int64_t* indices,
                                   std::size_t nnz, std::string_view name) {
  constexpr auto kMax = std::numeric_limits<std::int32_t>::max();
  if (cols > kMax)
    malformed(name, std::to_string(cols) + " columns do not fit 32-bit column indices");
  if (nnz > static_cast<std::size_t>(kMax))
    malformed(name, std::to_string(nnz) + " stored values do not fit 32-bit row pointers");
  NarrowedIndices out;
  auto narrow = [&](const std::int64_t* values, std::size_t size, const char* what,
                    std::vector<std::int32_t>& into) {
    into.resize(size);
    for (std::size_t i = 0; i < size; ++i) {
      if (values[i] < std::numeric_limits<std::int32_t>::min() || values[i] > kMax)
        malformed(name, std::string(what) + " " + std::to_string(values[i]) + " at position " +
                            std::to_string(i) + " is outside the int32 range");
      into[i] = static_cast<std::int32_t>(values[i]);
    }
  };
  narrow(indptr, indptr_size, "index pointer", out.indptr);
  narrow(indices, nnz, "column index", out.indices);
  return out;
}

DenseRows cosine_similarity(const SparseRowsView& x, const SparseRowsView& y,
                            std::size_t n_threads) {
  check_sparse_rows(x, "X");
  check_sparse_rows(y, "Y");
  check_columns(x, y);
  const double bytes = static_cast<double>(x.rows()) * static_cast<double>(y.rows()) *
                       static_cast<double>(sizeof(double));
  const double limit = kDenseLimitFraction * static_cast<double>(detail::physical_memory_bytes());
  if (limit > 0 && bytes > limit)
    throw MemoryLimitError("cosine_similarity of " + std::to_string(x.rows()) + " x " +
                           std::to_string(y.rows()) + " rows needs " + gigabytes(bytes) +
                           " for the dense result, more than half of this machine's " +
                           gigabytes(limit / kDenseLimitFraction) +
                           "; use top_k_similar for the k best rows of each");
  const TermPostings y_by_term(y);
  const Eigen::VectorXd x_inverse = inverse_row_norms(x), y_inverse = inverse_row_norms(y);
  DenseRows out = DenseRows::Zero(x.rows(), y.rows());
  detail::parallel_for(static_cast<std::size_t>(x.rows()), n_threads, kRowsPerTask,
                       [&](std::size_t, std::size_t begin, std::size_t end) {
                         RowScorer scorer(x, y_by_term, x_inverse, y_inverse);
                         for (std::size_t r = begin; r < end; ++r) {
                           const auto row = static_cast<Eigen::Index>(r);
                           scorer.score(row);
                           for (std::int32_t j : scorer.touched())
                             out(row, j) = scorer.scores()[static_cast<std::size_t>(j)];
                         }
                       });
  return out;
}

Neighbours top_k_similar(const SparseRowsView& x, const SparseRowsView& y, std::size_t k,
                         double threshold, bool exclude_self, std::size_t n_threads) {
  check_sparse_rows(x, "X");
  check_sparse_rows(y, "Y");
  check_columns(x, y);
  if (k == 0) throw InvalidOptionError("k must be at least 1");
  k = std::min(k, static_cast<std::size_t>(y.rows()));
  const TermPostings y_by_term(y);
  const Eigen::VectorXd x_inverse = inverse_row_norms(x), y_inverse = inverse_row_norms(y);
  const auto width = static_cast<Eigen::Index>(k);
  Neighbours out{IndexRows::Constant(x.rows(), width, -1),
                 DenseRows::Constant(x.rows(), width, std::numeric_limits<double>::quiet_NaN())};
  detail::parallel_for(
      static_cast<std::size_t>(x.rows()), n_threads, kRowsPerTask,
      [&](std::size_t, std::size_t begin, std::size_t end) {
        RowScorer scorer(x, y_by_term, x_inverse, y_inverse);
        std::vector<std::pair<double, std::int32_t>> candidates;
        for (std::size_t r = begin; r < end; ++r) {
          const auto row = static_cast<Eigen::Index>(r);
          scorer.score(row);
          candidates.clear();
          for (std::int32_t j : scorer.touched()) {
            const double score = scorer.scores()[static_cast<std::size_t>(j)];
            if ((exclude_self && j == row) || score == 0.0) continue;
            if (score >= threshold) candidates.emplace_back(score, j);
          }
          // Rows sharing no term score 0: they pass a threshold <= 0, and up to
          // k of them (lowest indices) can matter.
          if (threshold <= 0) {
            std::size_t zeros = 0;
            for (std::int32_t j = 0; j < y.rows() && zeros < k; ++j) {
              if (exclude_self && j == row) continue;
              if (scorer.seen(j) && scorer.scores()[static_cast<std::size_t>(j)] != 0.0) continue;
              candidates.emplace_back(0.0, j);
              ++zeros;
            }
          }
          auto better = [](const auto& a, const auto& b) {
            return a.first != b.first ? a.first > b.first : a.second < b.second;
          };
          const std::size_t kept = std::min(k, candidates.size());
          std::partial_sort(candidates.begin(),
                            candidates.begin() + static_cast<std::ptrdiff_t>(kept),
                            candidates.end(), better);
          for (std::size_t c = 0; c < kept; ++c) {
            out.indices(row, static_cast<Eigen::Index>(c)) = candidates[c].second;
            out.scores(row, static_cast<Eigen::Index>(c)) = candidates[c].first;
          }
        }
      });
  return out;
}

}  // namespace khabar
