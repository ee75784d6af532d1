#include "csr_assembly.hpp"

#include <cmath>
#include <cstdint>
#include <type_traits>

#include "memory.hpp"

namespace khabar::detail {

CsrMatrix assemble_rows(std::vector<RowChunk>& chunks, std::size_t n_rows, std::size_t n_columns,
                        ValueType value_type) {
  CsrMatrix matrix;
  matrix.rows = n_rows;
  matrix.cols = n_columns;
  std::size_t nnz = 0;
  for (const RowChunk& chunk : chunks)
    for (std::int64_t length : chunk.lengths) nnz += static_cast<std::size_t>(length);
  auto fill_row_pointers = [&](auto& row_pointers) {
    using Index = typename std::decay_t<decltype(row_pointers)>::value_type;
    row_pointers.reserve(n_rows + 1);
    row_pointers.push_back(0);
    std::size_t end = 0;
    for (const RowChunk& chunk : chunks)
      for (std::int64_t length : chunk.lengths)
        row_pointers.push_back(static_cast<Index>(end += static_cast<std::size_t>(length)));
  };
  if (nnz <= static_cast<std::size_t>(INT32_MAX))
    fill_row_pointers(matrix.indptr.emplace<std::vector<std::int32_t>>());
  else
    fill_row_pointers(matrix.indptr.emplace<std::vector<std::int64_t>>());
  matrix.indices.reserve(nnz);
  advise_huge_pages(matrix.indices.data(), nnz * sizeof(std::int32_t));
  auto fill = [&](auto& values) {
    using Value = typename std::decay_t<decltype(values)>::value_type;
    values.reserve(nnz);
    advise_huge_pages(values.data(), nnz * sizeof(Value));
    for (std::size_t c = 0; c < chunks.size(); ++c) {
      RowChunk& chunk = chunks[c];
      matrix.indices.insert(matrix.indices.end(), chunk.columns.begin(), chunk.columns.end());
      for (double v : chunk.values) values.push_back(static_cast<Value>(v));
      chunk = RowChunk{};
      if (c % 16 == 15) release_free_memory();
    }
  };
  switch (value_type) {
    case ValueType::float64:
      fill(matrix.data.emplace<std::vector<double>>());
      break;
    case ValueType::float32:
      fill(matrix.data.emplace<std::vector<float>>());
      break;
    case ValueType::int64:
      fill(matrix.data.emplace<std::vector<std::int64_t>>());
      break;
  }
  return matrix;
}

void normalize_row(Norm norm, double* values, std::size_t n) {
  if (norm == Norm::none) return;
  double total = 0.0;
  for (std::size_t k = 0; k < n; ++k)
    total += norm == Norm::l2 ? values[k] * values[k] : std::fabs(values[k]);
  if (total == 0.0) return;
  if (norm == Norm::l2) total = std::sqrt(total);
  for (std::size_t k = 0; k < n; ++k) values[k] /= total;
}

}  // namespace khabar::detail
