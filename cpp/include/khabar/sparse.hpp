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
      {{ValueType::float64, "float64"}, {ValueType::float32, "float32"}, {ValueType::int64, "int64"}}};
};

/// The norm each row of a matrix is divided by (scikit-learn's `norm`: "l1", "l2" or None).
enum class Norm { none, l1, l2 };

template <>
struct EnumNames<Norm> {
  static constexpr std::array<std::pair<Norm, const char*>, 3> values{
      {{Norm::l1, "l1"}, {Norm::l2, "l2"}, {Norm::none, nullptr}}};
};

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
