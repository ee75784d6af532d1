#include "khabar/hashing.hpp"

#include <cstring>

#include "counting.hpp"
#include "csr_assembly.hpp"
#include "khabar/errors.hpp"
#include "parallel_for.hpp"
#include "radix_sort.hpp"

namespace khabar {
namespace {

constexpr std::uint32_t rotl32(std::uint32_t x, int r) noexcept {
  return (x << r) | (x >> (32 - r));
}

}  // namespace

std::int32_t murmurhash3_32(std::string_view bytes, std::uint32_t seed) noexcept {
  constexpr std::uint32_t c1 = 0xcc9e2d51, c2 = 0x1b873593;
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n_blocks = bytes.size() / 4;
  std::uint32_t h = seed;
  for (std::size_t i = 0; i < n_blocks; ++i) {
    // Blocks are read little-endian, whatever the machine.
    std::uint32_t k = static_cast<std::uint32_t>(data[4 * i]) |
                      static_cast<std::uint32_t>(data[4 * i + 1]) << 8 |
                      static_cast<std::uint32_t>(data[4 * i + 2]) << 16 |
                      static_cast<std::uint32_t>(data[4 * i + 3]) << 24;
    k *= c1;
    k = rotl32(k, 15);
    k *= c2;
    h ^= k;
    h = rotl32(h, 13);
    h = h * 5 + 0xe6546b64;
  }
  const unsigned char* tail = data + 4 * n_blocks;
  std::uint32_t k = 0;
  switch (bytes.size() & 3) {
    case 3:
      k ^= static_cast<std::uint32_t>(tail[2]) << 16;
      [[fallthrough]];
    case 2:
      k ^= static_cast<std::uint32_t>(tail[1]) << 8;
      [[fallthrough]];
    case 1:
      k ^= tail[0];
      k *= c1;
      k = rotl32(k, 15);
      k *= c2;
      h ^= k;
  }
  h ^= static_cast<std::uint32_t>(bytes.size());
  h ^= h >> 16;
  h *= 0x85ebca6b;
  h ^= h >> 13;
  h *= 0xc2b2ae35;
  h ^= h >> 16;
  std::int32_t signed_hash;
  std::memcpy(&signed_hash, &h, sizeof signed_hash);
  return signed_hash;
}

void HashingOptions::validate() const {
  tokenizer.validate();
  if (n_features < 1 || n_features > static_cast<std::size_t>(INT32_MAX))
    throw InvalidParameterError("n_features", "must be an int in the range [1, 2147483647]");
  if (value_type == ValueType::int64 && norm != Norm::none)
    throw InvalidOptionError("integer features cannot be normalized");
}

HashingVectorizer::HashingVectorizer(HashingOptions options)
    : options_(std::move(options)), tokenizer_(options_.tokenizer) {
  options_.validate();
}

CsrMatrix HashingVectorizer::transform(const std::vector<TextView>& docs,
                                       std::size_t n_threads) const {
  return transform_documents(docs, n_threads);
}

CsrMatrix HashingVectorizer::transform(const TokenDocuments& docs, std::size_t n_threads) const {
  return transform_documents(docs, n_threads);
}

// Documents as text (tokenized by the counting pass) or as their tokens (counted as given).
template <class Docs>
CsrMatrix HashingVectorizer::transform_documents(const Docs& docs, std::size_t n_threads) const {
  detail::CountingPass pass(tokenizer_, nullptr, n_threads, /*keep_rows=*/true);
  pass.add(docs);
  const auto n_features = static_cast<std::int64_t>(options_.n_features);
  const bool alternate_sign = options_.alternate_sign;
  // Each distinct term is hashed once: its column, times 2, plus 1 when its sign is negative.
  const std::vector<std::vector<std::int64_t>> signed_column_of_id =
      pass.map_terms([n_features, alternate_sign](std::string_view term) {
        const std::int64_t h = murmurhash3_32(term);
        // scikit-learn: abs(h) % n_features, with |-2^31| taken as 2^31.
        const std::int64_t column = (h < 0 ? -h : h) % n_features;
        return 2 * column + (alternate_sign && h < 0 ? 1 : 0);
      });
  std::vector<detail::Block>& blocks = pass.blocks();
  std::vector<detail::RowChunk> chunks(blocks.size());
  const unsigned column_bits = detail::bits_for(options_.n_features);
  detail::parallel_for(
      blocks.size(), n_threads, 1, [&](std::size_t, std::size_t begin, std::size_t end) {
        // A row entry as its column above its place in the block, sorted by column.
        std::vector<std::uint64_t> entries, scratch;
        for (std::size_t b = begin; b < end; ++b) {
          detail::Block& block = blocks[b];
          const std::vector<std::int64_t>& signed_columns = signed_column_of_id[block.worker];
          detail::RowChunk& rows = chunks[b];
          rows.lengths.reserve(block.row_ends.size());
          std::uint32_t row_begin = 0;
          for (const std::uint32_t row_end : block.row_ends) {
            entries.clear();
            for (std::uint32_t k = row_begin; k < row_end; ++k)
              entries.push_back(static_cast<std::uint64_t>(signed_columns[block.ids[k]] / 2) << 32 |
                                k);
            row_begin = row_end;
            detail::radix_sort(entries, scratch, 32, column_bits);
            // Terms whose hashes share a column are summed, their signs applied (explicit
            // zeros kept, as SciPy's sum_duplicates does); sums of integers are exact, so the
            // order of the terms does not matter.
            const std::size_t first = rows.values.size();
            for (std::size_t i = 0; i < entries.size();) {
              const auto column = static_cast<std::int32_t>(entries[i] >> 32);
              double sum = 0.0;
              for (; i < entries.size() && static_cast<std::int32_t>(entries[i] >> 32) == column;
                   ++i) {
                const auto k = static_cast<std::uint32_t>(entries[i]);
                const double count = block.count(k);
                sum += signed_columns[block.ids[k]] % 2 ? -count : count;
              }
              rows.columns.push_back(column);
              rows.values.push_back(options_.binary ? 1.0 : sum);
            }
            const std::size_t length = rows.values.size() - first;
            detail::normalize_row(options_.norm, rows.values.data() + first, length);
            rows.lengths.push_back(static_cast<std::int64_t>(length));
          }
          rows.columns.shrink_to_fit();
          rows.values.shrink_to_fit();
          block = detail::Block{};  // its memory is reused by the rows of the blocks that follow
        }
      });
  return detail::assemble_rows(chunks, docs.size(), options_.n_features, options_.value_type);
}

}  // namespace khabar
