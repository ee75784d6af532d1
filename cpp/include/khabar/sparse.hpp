#pragma once

#include <Eigen/SparseCore>

#include <cstddef>
#include <cstdint>
#include <variant>
#include <vector>

namespace khabar {

/// Element type of a matrix's stored values.
enum class ValueType { float64, float32, int64 };

/// A compressed sparse row matrix in the layout SciPy's csr_matrix uses, with column indices
/// sorted within each row. Row pointers are 64-bit so that nnz may exceed 2^31 - 1.
struct CsrMatrix {
  std::size_t rows = 0;
  std::size_t cols = 0;
  std::vector<std::int64_t> indptr{0};
  std::vector<std::int32_t> indices;
  std::variant<std::vector<double>, std::vector<float>, std::vector<std::int64_t>> data;

  std::size_t nnz() const noexcept { return indices.size(); }
  ValueType value_type() const noexcept { return static_cast<ValueType>(data.index()); }
};

/// The same matrix as an Eigen row-major sparse matrix of doubles (a copy).
Eigen::SparseMatrix<double, Eigen::RowMajor> to_eigen(const CsrMatrix& matrix);

}  // namespace khabar
