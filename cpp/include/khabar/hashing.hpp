#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "khabar/sparse.hpp"
#include "khabar/token_documents.hpp"
#include "khabar/tokenizer.hpp"

namespace khabar {

/// MurmurHash3_x86_32 (Austin Appleby) of `bytes`, as a signed 32-bit value: the hash
/// scikit-learn's FeatureHasher and HashingVectorizer use (sklearn.utils.murmurhash3_32).
std::int32_t murmurhash3_32(std::string_view bytes, std::uint32_t seed = 0) noexcept;

struct HashingOptions {
  TokenizerOptions tokenizer{};
  std::size_t n_features = std::size_t{1} << 20;
  bool alternate_sign = true;
  bool binary = false;
  Norm norm = Norm::l2;
  ValueType value_type = ValueType::float64;

  template <class Visit>
  static void describe(Visit&& visit) {
    visit("tokenizer", &HashingOptions::tokenizer);
    visit("n_features", &HashingOptions::n_features);
    visit("alternate_sign", &HashingOptions::alternate_sign);
    visit("binary", &HashingOptions::binary);
    visit("norm", &HashingOptions::norm);
    visit("dtype", &HashingOptions::value_type);
  }
  void validate() const;
};

/// Stateless feature hashing with scikit-learn's HashingVectorizer semantics: the column of a
/// token is |h| mod n_features with h the signed MurmurHash3 of its UTF-8 bytes (seed 0), its
/// sign that of h when alternate_sign. Duplicate columns are summed (explicit zeros kept, as
/// SciPy's sum_duplicates does), then binary and the norm apply.
class HashingVectorizer {
 public:
  explicit HashingVectorizer(HashingOptions options = {});
  const HashingOptions& options() const noexcept { return options_; }
  CsrMatrix transform(const std::vector<TextView>& docs, std::size_t n_threads = 0) const;
  /// Rows of documents given as their tokens (see TokenDocuments), hashed as they are.
  CsrMatrix transform(const TokenDocuments& docs, std::size_t n_threads = 0) const;

 private:
  template <class Docs>
  CsrMatrix transform_documents(const Docs& docs, std::size_t n_threads) const;

  HashingOptions options_;
  Tokenizer tokenizer_;
};

}  // namespace khabar
