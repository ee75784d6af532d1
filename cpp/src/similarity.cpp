#include "khabar/similarity.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "khabar/errors.hpp"
#include "parallel_for.hpp"

namespace khabar {
namespace {

constexpr std::size_t kRowsPerTask = 32;

// Columns of y: for each term, the rows containing it (an inverted index), built by Eigen's
// row-major to column-major conversion.
using TermPostings = Eigen::SparseMatrix<double, Eigen::ColMajor, std::int32_t>;

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
    std::size_t postings = 0;
    for (SparseRowsView::InnerIterator term(x_, row); term; ++term)
      postings += static_cast<std::size_t>(y_by_term_.col(term.col()).nonZeros());
    // A row with common terms reaches most of y: then a plain dense accumulation without
    // book-keeping is faster, and every row of y counts as touched.
    dense_ = 4 * postings > scores_.size();
    if (dense_) {
      for (SparseRowsView::InnerIterator term(x_, row); term; ++term) {
        const double weight = term.value();
        const auto begin = y_by_term_.outerIndexPtr()[term.col()],
                   end = y_by_term_.outerIndexPtr()[term.col() + 1];
        const std::int32_t* rows = y_by_term_.innerIndexPtr();
        const double* values = y_by_term_.valuePtr();
        for (auto k = begin; k < end; ++k)
          scores_[static_cast<std::size_t>(rows[k])] += weight * values[k];
      }
      touched_.resize(scores_.size());
      for (std::size_t j = 0; j < scores_.size(); ++j) {
        touched_[j] = static_cast<std::int32_t>(j);
        seen_[j] = 1;
      }
    } else {
      for (SparseRowsView::InnerIterator term(x_, row); term; ++term) {
        for (TermPostings::InnerIterator posting(y_by_term_, term.col()); posting; ++posting) {
          const auto j = static_cast<std::size_t>(posting.row());
          if (!seen_[j]) {
            seen_[j] = 1;
            touched_.push_back(static_cast<std::int32_t>(j));
          }
          scores_[j] += term.value() * posting.value();
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

 public:
 private:
  const SparseRowsView& x_;
  const TermPostings& y_by_term_;
  const Eigen::VectorXd& x_inverse_;
  const Eigen::VectorXd& y_inverse_;
  std::vector<double> scores_;
  std::vector<std::uint8_t> seen_;
  std::vector<std::int32_t> touched_;
  bool dense_ = false;
};

void check_columns(const SparseRowsView& x, const SparseRowsView& y) {
  if (x.cols() != y.cols())
    throw InvalidOptionError("incompatible dimensions: X has " + std::to_string(x.cols()) +
                             " columns, Y has " + std::to_string(y.cols()));
}

}  // namespace

DenseRows cosine_similarity(const SparseRowsView& x, const SparseRowsView& y,
                            std::size_t n_threads) {
  check_columns(x, y);
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
  check_columns(x, y);
  if (k == 0) throw InvalidOptionError("k must be at least 1");
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
