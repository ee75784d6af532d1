#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "khabar/text.hpp"
#include "khabar/tokenizer.hpp"

namespace khabar {

struct NearDuplicateOptions {
  TokenizerOptions tokenizer{};
  double threshold = 0.8;        ///< Jaccard similarity of shingle sets that counts as a duplicate
  std::size_t num_perm = 128;    ///< MinHash permutations
  std::size_t shingle_size = 5;  ///< words per shingle
  std::uint64_t seed = 1;        ///< seeds the permutations: same seed, same signatures
};

struct DuplicatePair {
  std::size_t first = 0;
  std::size_t second = 0;
  double jaccard = 0;
};

/// LSH banding for a threshold as datasketch chooses it: the (bands, rows) with
/// bands · rows ≤ num_perm minimizing the weighted sum of the false-positive and false-negative
/// probability areas below and above the threshold (Leskovec, Rajaraman & Ullman, Mining of
/// Massive Datasets, ch. 3). NearDuplicates weighs false negatives 0.9, false positives 0.1,
/// since it verifies every candidate exactly.
std::pair<std::size_t, std::size_t> lsh_bands(double threshold, std::size_t num_perm,
                                              double false_positive_weight = 0.5,
                                              double false_negative_weight = 0.5);

/// Near-duplicate detection: MinHash signatures (Broder 1997) over word shingles of the
/// normalized tokens, candidate pairs from LSH bands (chosen for recall, see lsh_bands), each
/// candidate verified by the exact
/// Jaccard similarity of the two shingle sets (shingles compared by 64-bit hash). Documents are
/// added in chunks; signatures of different chunks combine because the permutations depend only
/// on the seed.
class NearDuplicates {
 public:
  explicit NearDuplicates(NearDuplicateOptions options = {});
  const NearDuplicateOptions& options() const noexcept { return options_; }
  std::size_t bands() const noexcept { return bands_; }
  std::size_t rows_per_band() const noexcept { return rows_; }

  /// Adds documents (numbered after those already added).
  void add(const std::vector<TextView>& docs, std::size_t n_threads = 0);
  std::size_t size() const noexcept { return shingles_.size(); }

  /// Signature of document d: num_perm minimum hash values.
  const std::uint32_t* signature(std::size_t d) const noexcept {
    return &signatures_[d * options_.num_perm];
  }

  /// All pairs with Jaccard ≥ threshold among the candidates, sorted by (first, second).
  std::vector<DuplicatePair> pairs(std::size_t n_threads = 0) const;
  /// Documents near-duplicating `text` (Jaccard ≥ threshold), most similar first.
  std::vector<DuplicatePair> query(TextView text) const;

  /// Exact Jaccard similarity of two added documents' shingle sets.
  double jaccard(std::size_t a, std::size_t b) const;

 private:
  std::vector<std::uint64_t> shingle_hashes(TextView text, TokenList& tokens) const;
  void sign(const std::vector<std::uint64_t>& shingles, std::uint32_t* signature) const;
  std::uint64_t band_key(const std::uint32_t* signature, std::size_t band) const;

  NearDuplicateOptions options_;
  Tokenizer tokenizer_;
  std::size_t bands_ = 0, rows_ = 0;
  std::vector<std::uint32_t> permutation_a_low_, permutation_a_high_;  // a = high·2^31 + low
  std::vector<std::uint64_t> permutation_b_;
  std::vector<std::vector<std::uint64_t>> shingles_;  // sorted, distinct
  std::vector<std::uint32_t> signatures_;             // size() × num_perm
};

}  // namespace khabar
