#include "khabar/sparse.hpp"

#include <algorithm>
#include <string>

#include "khabar/errors.hpp"

namespace khabar {

Eigen::SparseMatrix<double, Eigen::RowMajor> to_eigen(const CsrMatrix& matrix) {
  Eigen::SparseMatrix<double, Eigen::RowMajor> out(static_cast<Eigen::Index>(matrix.rows),
                                                   static_cast<Eigen::Index>(matrix.cols));
  out.resizeNonZeros(static_cast<Eigen::Index>(matrix.nnz()));
  std::visit([&](const auto& rows) { std::copy(rows.begin(), rows.end(), out.outerIndexPtr()); },
             matrix.indptr);
  std::copy(matrix.indices.begin(), matrix.indices.end(), out.innerIndexPtr());
  std::visit([&](const auto& values) { std::copy(values.begin(), values.end(), out.valuePtr()); },
             matrix.data);
  return out;
}

SparseRowsView rows_view(const CsrMatrix& matrix) {
  const auto* row_pointers = std::get_if<std::vector<std::int32_t>>(&matrix.indptr);
  const auto* values = std::get_if<std::vector<double>>(&matrix.data);
  if (!values)
    throw InvalidOptionError("rows_view needs float64 values; this matrix holds another type");
  if (!row_pointers)
    throw InvalidOptionError("rows_view needs fewer than 2^31 entries; this matrix has " +
                             std::to_string(matrix.nnz()));
  return SparseRowsView(static_cast<Eigen::Index>(matrix.rows),
                        static_cast<Eigen::Index>(matrix.cols),
                        static_cast<Eigen::Index>(matrix.nnz()), row_pointers->data(),
                        matrix.indices.data(), values->data());
}

}  // namespace khabar
