#pragma once

// Building CsrMatrix results from rows computed in parallel, shared by the vectorizers.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "khabar/sparse.hpp"

namespace khabar::detail {

/// Consecutive rows computed by one unit of parallel work.
struct RowChunk {
  std::vector<std::int64_t> lengths;
  std::vector<std::int32_t> columns;
  std::vector<double> values;
};

/// Concatenates the chunks, in order, into one matrix of `value_type`, freeing each chunk once
/// copied and handing freed memory back to the system as it goes.
CsrMatrix assemble_rows(std::vector<RowChunk>& chunks, std::size_t n_rows, std::size_t n_columns,
                        ValueType value_type);

/// Divides a row by its L1 or L2 norm, summed over the row in storage order as scikit-learn's
/// normalize() does; rows of norm 0 are left alone.
void normalize_row(Norm norm, double* values, std::size_t n);

}  // namespace khabar::detail
