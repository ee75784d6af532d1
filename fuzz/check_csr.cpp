#include <khabar/errors.hpp>
#include <khabar/similarity.hpp>

#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <vector>

#include "fuzz_checks.hpp"
#include "fuzz_support.hpp"

namespace khabar::fuzz {
namespace {

// Integers of the matrix's index buffers from the text bytes: a byte is a small signed value
// (int8), except 0x7F which takes the next 8 bytes as a raw little-endian int64, so that huge,
// negative and wrapping values are one mutation away.
class IndexReader {
 public:
  explicit IndexReader(std::string_view bytes) : bytes_(bytes) {}
  std::int64_t next() {
    if (position_ >= bytes_.size()) return 0;
    const auto byte = static_cast<std::int8_t>(bytes_[position_++]);
    if (byte != 0x7F) return byte;
    std::uint64_t raw = 0;
    for (int i = 0; i < 8; ++i) {
      const std::uint64_t b =
          position_ < bytes_.size() ? static_cast<std::uint8_t>(bytes_[position_++]) : 0u;
      raw |= b << (8 * i);
    }
    std::int64_t value;
    std::memcpy(&value, &raw, sizeof value);
    return value;
  }

 private:
  std::string_view bytes_;
  std::size_t position_ = 0;
};

// SciPy's check_format(full_check=True), written out independently of khabar's check.
bool well_formed(std::int64_t rows, std::int64_t cols, const std::vector<std::int64_t>& indptr,
                 const std::vector<std::int64_t>& indices) {
  const auto nnz = static_cast<std::int64_t>(indices.size());
  if (indptr.front() != 0 || indptr.back() != nnz) return false;
  for (std::int64_t r = 0; r < rows; ++r)
    if (indptr[r + 1] < indptr[r]) return false;
  for (std::int64_t c : indices)
    if (c < 0 || c >= cols) return false;
  return true;
}

bool fits_int32(std::int64_t value) {
  return value >= std::numeric_limits<std::int32_t>::min() &&
         value <= std::numeric_limits<std::int32_t>::max();
}

// Cosine of rows i and j as scikit-learn computes it: norms from the stored values (as its
// in-place row normalization), the dot product of the rows with duplicate entries summed.
double brute_force_cosine(const std::vector<std::int64_t>& indptr,
                          const std::vector<std::int64_t>& indices,
                          const std::vector<double>& values, std::int64_t cols, std::int64_t i,
                          std::int64_t j) {
  std::vector<double> a(static_cast<std::size_t>(cols)), b(static_cast<std::size_t>(cols));
  double norm_a = 0, norm_b = 0;
  for (auto k = indptr[i]; k < indptr[i + 1]; ++k) {
    a[static_cast<std::size_t>(indices[k])] += values[k];
    norm_a += values[k] * values[k];
  }
  for (auto k = indptr[j]; k < indptr[j + 1]; ++k) {
    b[static_cast<std::size_t>(indices[k])] += values[k];
    norm_b += values[k] * values[k];
  }
  if (norm_a == 0 || norm_b == 0) return 0;
  double dot = 0;
  for (std::size_t c = 0; c < a.size(); ++c) dot += a[c] * b[c];
  return dot / (std::sqrt(norm_a) * std::sqrt(norm_b));
}

}  // namespace

void check_csr(const std::uint8_t* data, std::size_t size) {
  FuzzInput input(data, size);
  const std::uint8_t mode = input.byte();
  const auto rows = static_cast<std::int64_t>(input.in_range(0, 24));
  std::int64_t cols = static_cast<std::int64_t>(input.in_range(0, 24));
  const std::size_t k = input.in_range(1, 40);
  const double threshold = 0.25 * static_cast<double>(input.in_range(0, 4)) - 0.25;
  const bool wide = mode & 1;                // int64 buffers, narrowed by narrow_csr_indices
  const bool nnz_from_indptr = !(mode & 2);  // the declared nnz is indptr's last value
  if (wide && (mode & 4)) cols += std::int64_t{1} << 31;  // too many columns for int32 indices

  IndexReader reader(input.rest());
  std::vector<std::int64_t> indptr(static_cast<std::size_t>(rows) + 1);
  indptr[0] = reader.next();
  for (std::int64_t r = 1; r <= rows; ++r) {
    const std::int64_t delta = reader.next();
    // Mostly small, non-negative steps; a negative or huge one makes it malformed.
    indptr[r] = delta >= 0 && delta < 8 ? indptr[r - 1] + delta : delta;
  }
  std::int64_t nnz = nnz_from_indptr ? indptr.back() : reader.next();
  if (nnz < 0 || nnz > 256) return;  // declared sizes are buffer lengths: the binding checks them
  std::vector<std::int64_t> indices(static_cast<std::size_t>(nnz));
  std::vector<double> values(static_cast<std::size_t>(nnz));
  for (std::int64_t i = 0; i < nnz; ++i) {
    indices[i] = reader.next();
    values[i] = static_cast<double>(i % 5) - 1;  // small integers, zeros included: exact sums
  }

  std::vector<std::int32_t> indptr32, indices32;
  if (wide) {
    bool fits = cols <= std::numeric_limits<std::int32_t>::max();
    for (auto v : indptr) fits = fits && fits_int32(v);
    for (auto v : indices) fits = fits && fits_int32(v);
    try {
      auto narrowed = narrow_csr_indices(cols, indptr.data(), indptr.size(), indices.data(),
                                         indices.size(), "X");
      KHABAR_FUZZ_CHECK(fits && "narrow_csr_indices accepted a value outside int32");
      indptr32 = std::move(narrowed.indptr);
      indices32 = std::move(narrowed.indices);
    } catch (const InvalidMatrixError&) {
      KHABAR_FUZZ_CHECK(!fits && "narrow_csr_indices refused values that fit int32");
      return;
    }
    for (std::size_t i = 0; i < indptr.size(); ++i) KHABAR_FUZZ_CHECK(indptr32[i] == indptr[i]);
    for (std::size_t i = 0; i < indices.size(); ++i) KHABAR_FUZZ_CHECK(indices32[i] == indices[i]);
  } else {
    // As SciPy's int32 arrays: values beyond int32 cannot be given, so this input is not one.
    for (auto v : indptr)
      if (!fits_int32(v)) return;
    for (auto v : indices)
      if (!fits_int32(v)) return;
    indptr32.assign(indptr.begin(), indptr.end());
    indices32.assign(indices.begin(), indices.end());
  }

  const SparseRowsView x(rows, cols, nnz, indptr32.data(), indices32.data(), values.data());
  const bool valid = well_formed(rows, cols, indptr, indices);
  try {
    check_sparse_rows(x, "X");
    KHABAR_FUZZ_CHECK(valid && "a malformed matrix passed check_sparse_rows");
  } catch (const InvalidMatrixError&) {
    KHABAR_FUZZ_CHECK(!valid && "a well-formed matrix was refused");
    // The readers refuse it too, rather than reading outside the buffers.
    try {
      cosine_similarity(x, x, 1);
      KHABAR_FUZZ_CHECK(false && "cosine_similarity read a malformed matrix");
    } catch (const InvalidMatrixError&) {
    }
    try {
      top_k_similar(x, x, k, threshold, false, 1);
      KHABAR_FUZZ_CHECK(false && "top_k_similar read a malformed matrix");
    } catch (const InvalidMatrixError&) {
    }
    return;
  }
  if (cols > 4096) return;  // well-formed with 2^31 columns: the oracle's dense rows would not fit

  const DenseRows cosine = cosine_similarity(x, x, 1 + (mode >> 7));
  KHABAR_FUZZ_CHECK(cosine.rows() == rows && cosine.cols() == rows);
  for (std::int64_t i = 0; i < rows; ++i)
    for (std::int64_t j = 0; j < rows; ++j)
      KHABAR_FUZZ_CHECK(
          std::abs(cosine(i, j) - brute_force_cosine(indptr, indices, values, cols, i, j)) < 1e-12);

  const bool exclude_self = mode & 8;
  const Neighbours top = top_k_similar(x, x, k, threshold, exclude_self, 1 + (mode >> 7));
  const auto width = static_cast<std::int64_t>(std::min<std::size_t>(k, rows));
  KHABAR_FUZZ_CHECK(top.indices.rows() == rows && top.indices.cols() == width);
  for (std::int64_t i = 0; i < rows; ++i) {
    std::int64_t expected = 0;  // how many rows reach the threshold
    for (std::int64_t j = 0; j < rows; ++j)
      if (!(exclude_self && i == j) && cosine(i, j) >= threshold) ++expected;
    expected = std::min(expected, width);
    for (std::int64_t c = 0; c < width; ++c) {
      const std::int64_t j = top.indices(i, c);
      if (c >= expected) {
        KHABAR_FUZZ_CHECK(j == -1 && std::isnan(top.scores(i, c)));
        continue;
      }
      KHABAR_FUZZ_CHECK(j >= 0 && j < rows && !(exclude_self && i == j));
      KHABAR_FUZZ_CHECK(std::abs(top.scores(i, c) - cosine(i, j)) < 1e-12);
      if (c > 0) {  // best first, ties by the lower index
        const double previous = top.scores(i, c - 1);
        KHABAR_FUZZ_CHECK(previous > top.scores(i, c) ||
                          (previous == top.scores(i, c) && top.indices(i, c - 1) < j));
      }
    }
  }
}

}  // namespace khabar::fuzz
