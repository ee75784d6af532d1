#pragma once

#include <Eigen/SparseCore>

#include <cstddef>
#include <cstdint>
#include <variant>
#include <vector>

#include "khabar/options.hpp"

namespace khabar {

/// Element type of a matrix's stored values.
enum class ValueType { float64, float32, int64 };

template <>
struct EnumNames<ValueType> {
  static constexpr std::array<std::pair<ValueType, const char*>, 3> values{
      {{ValueType::float64, "float64"},
       {ValueType::float32, "float32"},
       {ValueType::int64, "int64"}}};
};

/// The norm each row of a matrix is divided by (scikit-learn's `norm`: "l1", "l2" or None).
enum class Norm { none, l1, l2 };

template <>
struct EnumNames<Norm> {
  static constexpr std::array<std::pair<Norm, const char*>, 3> values{
      {{Norm::l1, "l1"}, {Norm::l2, "l2"}, {Norm::none, nullptr}}};
};

/// Rows of a sparse matrix (documents × terms), CSR with 32-bit indices: the layout of SciPy's
/// csr_matrix, so Python's buffers can be mapped without copying.
using SparseRows = Eigen::SparseMatrix<double, Eigen::RowMajor, std::int32_t>;
using SparseRowsView = Eigen::Map<const SparseRows>;

/// A compressed sparse row matrix in the layout SciPy's csr_matrix uses, with column indices
/// sorted within each row. Row pointers are 32-bit while nnz fits, as SciPy and SparseRowsView
/// index them, so that the matrix is handed over without copying; 64-bit beyond 2^31 - 1.
struct CsrMatrix {
  using RowPointers = std::variant<std::vector<std::int32_t>, std::vector<std::int64_t>>;

  std::size_t rows = 0;
  std::size_t cols = 0;
  RowPointers indptr{std::vector<std::int32_t>{0}};
  std::vector<std::int32_t> indices;
  std::variant<std::vector<double>, std::vector<float>, std::vector<std::int64_t>> data;

  std::size_t nnz() const noexcept { return indices.size(); }
  ValueType value_type() const noexcept { return static_cast<ValueType>(data.index()); }
  /// Where row `row`'s entries begin and end in `indices` and `data`.
  std::int64_t row_begin(std::size_t row) const noexcept {
    return std::visit([&](const auto& p) { return static_cast<std::int64_t>(p[row]); }, indptr);
  }
  std::int64_t row_end(std::size_t row) const noexcept { return row_begin(row + 1); }
  /// The row pointers as 64-bit integers (a copy).
  std::vector<std::int64_t> row_pointers() const {
    return std::visit([](const auto& p) { return std::vector<std::int64_t>(p.begin(), p.end()); },
                      indptr);
  }
};

/// `matrix` as the rows cosine_similarity and top_k_similar take, without copying: the
/// matrix must hold float64 values (a TfidfVectorizer's default) and fewer than 2^31 entries;
/// InvalidOptionError otherwise. Valid while `matrix` lives and is not modified.
SparseRowsView rows_view(const CsrMatrix& matrix);

/// The same matrix as an Eigen row-major sparse matrix of doubles (a copy).
Eigen::SparseMatrix<double, Eigen::RowMajor> to_eigen(const CsrMatrix& matrix);

}  // namespace khabar
