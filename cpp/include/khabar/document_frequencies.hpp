#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "khabar/term_index.hpp"

namespace khabar {

/// What fitting a vectorizer learns before pruning: the number of documents seen and, for every
/// term, its document frequency (documents containing it) and its total count. Computed from a
/// chunk of documents and mergeable: merging is associative and commutative, so workers can
/// count parts of a corpus and the results combine into the counts of the whole.
class DocumentFrequencies {
 public:
  DocumentFrequencies() = default;
  /// Counts given whole: the frequencies of the terms of `terms`, indexed by their ids.
  DocumentFrequencies(std::size_t n_documents, TermIndex terms,
                      std::vector<std::int64_t> document_frequency,
                      std::vector<std::int64_t> total_count);

  std::size_t n_documents() const noexcept { return n_documents_; }
  std::size_t size() const noexcept { return terms_.size(); }
  std::string_view term(std::size_t i) const noexcept { return terms_.term(i); }
  std::int64_t document_frequency(std::size_t i) const noexcept { return document_frequency_[i]; }
  std::int64_t total_count(std::size_t i) const noexcept { return total_count_[i]; }
  /// Index of `term` for the accessors above, or TermIndex::kAbsent.
  std::int64_t find(std::string_view term) const noexcept { return terms_.find(term); }

  /// The most documents (and occurrences of a term) counted: the signed 64-bit range the
  /// frequencies are kept in. Going beyond it throws std::overflow_error (Python:
  /// OverflowError) and changes nothing.
  static constexpr std::uint64_t kMaxCount = INT64_MAX;

  /// Records that `term` occurs in `documents` more documents, `count` times in all; returns
  /// the term's index. Negative numbers throw std::invalid_argument.
  std::size_t add(std::string_view term, std::int64_t documents, std::int64_t count);
  /// Records `n` more documents.
  void add_documents(std::size_t n);
  /// Makes room for `terms` distinct terms in all.
  void reserve(std::size_t terms);
  /// Adds everything `other` counted.
  DocumentFrequencies& merge(const DocumentFrequencies& other);

  bool operator==(const DocumentFrequencies& other) const;

 private:
  std::size_t n_documents_ = 0;
  TermIndex terms_;
  std::vector<std::int64_t> document_frequency_;
  std::vector<std::int64_t> total_count_;
};

}  // namespace khabar
