#include "khabar/sparse.hpp"

#include <algorithm>

namespace khabar {

Eigen::SparseMatrix<double, Eigen::RowMajor> to_eigen(const CsrMatrix& matrix) {
  Eigen::SparseMatrix<double, Eigen::RowMajor> out(static_cast<Eigen::Index>(matrix.rows),
                                                   static_cast<Eigen::Index>(matrix.cols));
  out.resizeNonZeros(static_cast<Eigen::Index>(matrix.nnz()));
  std::copy(matrix.indptr.begin(), matrix.indptr.end(), out.outerIndexPtr());
  std::copy(matrix.indices.begin(), matrix.indices.end(), out.innerIndexPtr());
  std::visit([&](const auto& values) { std::copy(values.begin(), values.end(), out.valuePtr()); },
             matrix.data);
  return out;
}

}  // namespace khabar
