#pragma once

#include <cstddef>
#include <vector>

#include "khabar/similarity.hpp"
#include "khabar/term_index.hpp"
#include "khabar/text.hpp"
#include "khabar/tokenizer.hpp"

namespace khabar {

struct Bm25Options {
  TokenizerOptions tokenizer{};
  double k1 = 1.2;
  double b = 0.75;

  template <class Visit>
  static void describe(Visit&& visit) {
    visit("tokenizer", &Bm25Options::tokenizer);
    visit("k1", &Bm25Options::k1);
    visit("b", &Bm25Options::b);
  }
  void validate() const;
};

/// Okapi BM25 ranking (Robertson & Zaragoza, "The Probabilistic Relevance Framework: BM25 and
/// Beyond", 2009) with Lucene's idf:
///   score(q, d) = sum over query tokens t of idf(t) · tf·(k1 + 1) / (tf + k1·(1 − b +
///   b·|d|/avgdl)) idf(t) = ln(1 + (N − n_t + 0.5) / (n_t + 0.5))
/// where tf is the count of t in d, |d| the number of tokens of d, avgdl their mean over the N
/// documents and n_t the number of documents containing t. A token repeated in the query counts
/// each time. Only documents sharing a token with the query are returned.
class Bm25 {
 public:
  explicit Bm25(Bm25Options options = {});
  const Bm25Options& options() const noexcept { return options_; }

  void fit(const std::vector<TextView>& docs, std::size_t n_threads = 0);
  bool fitted() const noexcept { return fitted_; }
  std::size_t n_documents() const noexcept { return lengths_.size(); }

  /// idf of a term (0 when absent from the index... an absent term contributes nothing).
  double idf(std::int64_t document_frequency) const noexcept;

  /// The best `k` documents for each query (rows), best first, ties by lower index; -1/NaN pad.
  Neighbours search(const std::vector<TextView>& queries, std::size_t k,
                    std::size_t n_threads = 0) const;

 private:
  Bm25Options options_;
  Tokenizer tokenizer_;
  TermIndex terms_;  // the indexed terms, numbered as the columns of postings_
  Eigen::SparseMatrix<double, Eigen::ColMajor, std::int32_t> postings_;  // terms' documents
  std::vector<double> lengths_;
  std::vector<double> idf_;
  double average_length_ = 0;
  bool fitted_ = false;
};

}  // namespace khabar
