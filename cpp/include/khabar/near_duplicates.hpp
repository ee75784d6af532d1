#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "khabar/text.hpp"
#include "khabar/tokenizer.hpp"

namespace khabar {

/// The most MinHash permutations NearDuplicates accepts. The estimate's standard error is
/// sqrt(J(1 − J) / num_perm), under 1% already at 4,096, and candidates are verified exactly
/// anyway; beyond it choosing the bands (lsh_bands, O(num_perm · log num_perm) integrals) and
/// the signatures (4 bytes a permutation a document) cost more than they can bring.
constexpr std::size_t kMaxNumPerm = 4096;

/// The most pairs NearDuplicates::pairs returns unless asked for more: 240 MB as C++ pairs.
constexpr std::size_t kDefaultMaxPairs = 10'000'000;

struct NearDuplicateOptions {
  TokenizerOptions tokenizer{};
  double threshold = 0.8;        ///< Jaccard similarity of shingle sets that counts as a duplicate
  std::size_t num_perm = 128;    ///< MinHash permutations
  std::size_t shingle_size = 5;  ///< words per shingle
  std::uint64_t seed = 1;        ///< seeds the permutations: same seed, same signatures

  template <class Visit>
  static void describe(Visit&& visit) {
    visit("tokenizer", &NearDuplicateOptions::tokenizer);
    visit("threshold", &NearDuplicateOptions::threshold);
    visit("num_perm", &NearDuplicateOptions::num_perm);
    visit("shingle_size", &NearDuplicateOptions::shingle_size);
    visit("seed", &NearDuplicateOptions::seed);
  }
  void validate() const;
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

/// The LSH bucket key of band `band` of a MinHash signature (rows band·r .. band·r + r − 1):
/// FNV-1a of the rows' bytes, mixed with the band number. Documents share a bucket of a band
/// when their keys for that band are equal.
std::uint64_t lsh_band_key(const std::uint32_t* signature, std::size_t band,
                           std::size_t rows_per_band) noexcept;

/// Exact Jaccard similarity of two sorted, distinct sets of shingle hashes; 0 when both are
/// empty.
double shingle_jaccard(const std::uint64_t* a, std::size_t a_size, const std::uint64_t* b,
                       std::size_t b_size) noexcept;

/// The shingle sets of many documents back to back, each sorted and distinct: document d's
/// hashes are hashes[offsets[d]] .. hashes[offsets[d + 1] − 1].
struct ShingleSetsView {
  const std::uint64_t* hashes = nullptr;
  std::size_t n_hashes = 0;
  const std::int64_t* offsets = nullptr;  ///< size + 1 entries, from 0, increasing, to n_hashes
  std::size_t size = 0;
};

/// Exact Jaccard similarity of the pairs (a's document first[i], b's document second[i]): how a
/// distributed run verifies candidates once both shingle sets have reached one worker. Throws
/// InvalidOptionError for offsets or document numbers out of range.
std::vector<double> shingle_jaccard(const ShingleSetsView& a, const std::int64_t* first,
                                    const ShingleSetsView& b, const std::int64_t* second,
                                    std::size_t n_pairs, std::size_t n_threads = 0);

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

  /// The pairs with Jaccard ≥ threshold among the candidates, sorted by (first, second): all
  /// of them, or the first `max_pairs` in that order, `*truncated` (when given) saying whether
  /// there are more. n copies of one text make n(n − 1)/2 pairs (5·10⁹ for 100,000): the search
  /// stops after max_pairs, holding about twice that many while it runs. MemoryLimitError when
  /// more pairs than half of the machine's memory holds are asked for and exist.
  std::vector<DuplicatePair> pairs(std::size_t n_threads = 0,
                                   std::size_t max_pairs = kDefaultMaxPairs,
                                   bool* truncated = nullptr) const;
  /// Documents near-duplicating `text` (Jaccard ≥ threshold), most similar first.
  std::vector<DuplicatePair> query(TextView text) const;

  /// Exact Jaccard similarity of two added documents' shingle sets.
  double jaccard(std::size_t a, std::size_t b) const;

  /// Document d's shingle hashes, sorted and distinct (empty for a document without tokens,
  /// which takes part in no pair).
  const std::vector<std::uint64_t>& shingles(std::size_t d) const noexcept { return shingles_[d]; }
  /// The LSH bucket keys of every document: size() × bands(), row-major (lsh_band_key).
  std::vector<std::uint64_t> band_keys() const;

 private:
  std::vector<std::uint64_t> shingle_hashes(TextView text, TokenList& tokens) const;
  void sign(const std::vector<std::uint64_t>& shingles, std::uint32_t* signature) const;

  NearDuplicateOptions options_;
  Tokenizer tokenizer_;
  std::size_t bands_ = 0, rows_ = 0;
  std::vector<std::uint32_t> permutation_a_low_, permutation_a_high_;  // a = high·2^31 + low
  std::vector<std::uint64_t> permutation_b_;
  std::vector<std::vector<std::uint64_t>> shingles_;  // sorted, distinct
  std::vector<std::uint32_t> signatures_;             // size() × num_perm
};

}  // namespace khabar
