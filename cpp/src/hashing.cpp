#include "khabar/hashing.hpp"

#include <algorithm>
#include <cstring>
#include <type_traits>

#include "csr_assembly.hpp"
#include "khabar/errors.hpp"
#include "parallel_for.hpp"

namespace khabar {
namespace {

constexpr std::uint32_t rotl32(std::uint32_t x, int r) noexcept {
  return (x << r) | (x >> (32 - r));
}

constexpr std::size_t kBlockDocuments = 64;

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

template <class Docs>
CsrMatrix HashingVectorizer::transform_documents(const Docs& docs, std::size_t n_threads) const {
  const std::size_t n_blocks = (docs.size() + kBlockDocuments - 1) / kBlockDocuments;
  std::vector<detail::RowChunk> rows(n_blocks);
  const auto n_features = static_cast<std::int64_t>(options_.n_features);
  detail::parallel_for(
      docs.size(), n_threads, kBlockDocuments,
      [&](std::size_t, std::size_t begin, std::size_t end) {
        TokenList tokens;
        std::vector<std::pair<std::int32_t, double>> entries;
        const auto hash_tokens = [&](const auto& document_tokens, auto& out) {
          out.clear();
          for (std::size_t t = 0; t < document_tokens.size(); ++t) {
            const std::int64_t h = murmurhash3_32(document_tokens[t]);
            // scikit-learn: abs(h) % n_features, with |-2^31| taken as 2^31.
            const auto column = static_cast<std::int32_t>((h < 0 ? -h : h) % n_features);
            out.emplace_back(column, options_.alternate_sign && h < 0 ? -1.0 : 1.0);
          }
        };
        for (std::size_t d = begin; d < end; ++d) {
          detail::RowChunk& out = rows[d / kBlockDocuments];
          if constexpr (std::is_same_v<Docs, TokenDocuments>) {
            hash_tokens(docs[d], entries);
          } else {
            try {
              tokenizer_.analyze(docs[d], tokens);
            } catch (const InvalidTextError& error) {
              throw error.in_document(d);
            }
            hash_tokens(tokens, entries);
          }
          std::stable_sort(entries.begin(), entries.end(),
                           [](const auto& a, const auto& b) { return a.first < b.first; });
          const std::size_t offset = out.columns.size();
          for (std::size_t i = 0; i < entries.size();) {
            double sum = 0.0;
            std::size_t j = i;
            for (; j < entries.size() && entries[j].first == entries[i].first; ++j)
              sum += entries[j].second;
            out.columns.push_back(entries[i].first);
            out.values.push_back(options_.binary ? 1.0 : sum);
            i = j;
          }
          const std::size_t length = out.columns.size() - offset;
          detail::normalize_row(options_.norm, out.values.data() + offset, length);
          out.lengths.push_back(static_cast<std::int64_t>(length));
        }
      });
  return detail::assemble_rows(rows, docs.size(), options_.n_features, options_.value_type);
}

}  // namespace khabar
