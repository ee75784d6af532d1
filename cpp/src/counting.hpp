#pragma once

// The counting stage of the data flow (text → tokens → counted terms): one pass over the
// documents that tokenizes each once and counts its terms, shared by TF-IDF (fit, transform,
// fit_transform, count), HashingVectorizer and BM25.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string_view>
#include <utility>
#include <vector>

#include "khabar/document_frequencies.hpp"
#include "khabar/term_index.hpp"
#include "khabar/text.hpp"
#include "khabar/token_documents.hpp"
#include "khabar/tokenizer.hpp"
#include "sorted_counts.hpp"

namespace khabar::detail {

/// Documents per unit of parallel work and per stored block of rows.
inline constexpr std::size_t kBlockDocuments = 64;

/// A term's counts in one worker's table, with the stamp that counts it once per document.
struct TermCounts {
  std::int64_t document_frequency = 0;
  std::int64_t total_count = 0;
  std::uint32_t last_document = 0;  // 1 + number of the last document counted, 0 for none
  std::uint32_t count_in_document = 0;
};

/// One thread's numbering of the terms it met, with their counts. Words are numbered by their
/// UTF-16 form, the tokenizer's own, and encoded as UTF-8 once per distinct word, not once per
/// occurrence: when the workers' counts are merged, or, with a fixed vocabulary, when a word is
/// first met and looked up among the columns. Counting by these ids rather than by column keeps
/// the counts of frequent words, met first, close together. (Character n-grams are counted by
/// column with a fixed vocabulary.)
struct WorkerTerms {
  TermIndex terms;
  std::vector<std::int64_t> column_of_word;  // with a fixed vocabulary: by id in `terms`
  std::vector<TermCounts> counts;            // by term id (by column for char n-grams)
  std::uint32_t documents_seen = 0;
  std::vector<std::uint32_t> distinct;  // ids of the current document's distinct terms
};

/// Rows of consecutive documents as (term id, count) pairs, ids in the numbering of the worker
/// that counted them. They hold the counts of the whole corpus until the matrix is built, so
/// each entry is kept small: a count takes one byte, and the rare count of 255 or more (a word
/// that often in one document) is kept aside by entry.
struct Block {
  static constexpr std::uint8_t kLarge = 255;
  std::size_t worker = 0;
  std::vector<std::uint32_t> row_ends;
  std::vector<std::uint32_t> ids;
  std::vector<std::uint8_t> counts;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> large_counts;  // (entry, count)

  void add(std::uint32_t id, std::uint32_t count) {
    if (count >= kLarge) large_counts.emplace_back(static_cast<std::uint32_t>(ids.size()), count);
    ids.push_back(id);
    counts.push_back(static_cast<std::uint8_t>(std::min<std::uint32_t>(count, kLarge)));
  }
  std::uint32_t count(std::uint32_t entry) const {
    if (counts[entry] < kLarge) return counts[entry];
    return std::lower_bound(large_counts.begin(), large_counts.end(),
                            std::pair<std::uint32_t, std::uint32_t>(entry, 0))
        ->second;
  }
};

/// Tokenizes documents once and counts their terms, optionally keeping each document's counts
/// (`keep_rows`) as Blocks. With `columns`, only the terms of that vocabulary are counted.
class CountingPass {
 public:
  CountingPass(const Tokenizer& tokenizer, const TermIndex* columns, std::size_t n_threads,
               bool keep_rows);

  /// Counts one chunk of documents, numbered after those of earlier chunks.
  void add(const std::vector<TextView>& docs);
  /// Counts one chunk of documents given as their tokens. A pass counts either text or
  /// tokens, never both (std::logic_error).
  void add(const TokenDocuments& docs);

  std::size_t n_documents() const noexcept { return n_documents_; }
  std::vector<Block>& blocks() noexcept { return blocks_; }

  /// The merged counts of all workers, terms in code point order whatever the number of
  /// threads; with `positions`, also where each worker's term ids landed in them. Each
  /// worker's terms are encoded and sorted on its own thread, then the sorted runs are merged
  /// pairwise, the merges of a round in parallel: no hash insert per merged term. Ends the
  /// pass: the workers' term tables are freed once their runs are made.
  SortedCounts take_merged_counts(std::vector<std::vector<std::int64_t>>* positions = nullptr);

  DocumentFrequencies take_frequencies() { return take_merged_counts().to_frequencies(); }

  /// With a fixed vocabulary, each worker's map from the ids in its rows to columns; empty
  /// when the ids are columns already.
  std::vector<std::vector<std::int64_t>> columns_of_ids() const;

  /// Without a fixed vocabulary, each worker's map from the ids in its rows to `value_of(term)`,
  /// the term as UTF-8: each distinct term is encoded once per worker, the workers in parallel.
  /// HashingVectorizer hashes terms so, once each rather than once per occurrence.
  std::vector<std::vector<std::int64_t>> map_terms(
      const std::function<std::int64_t(std::string_view)>& value_of) const;

 private:
  // One worker's counted terms as UTF-8, sorted; `ids` receives their term ids, in the order
  // the run's origin() numbers them. The pass's documents are counted in the first run. The
  // worker's table is freed before the sort, which needs memory of its own.
  SortedCounts take_run(std::size_t worker_index, std::vector<std::uint32_t>& ids);
  // Looks up the words the worker met for the first time among the columns, and drops the
  // ids of words that have none.
  void keep_vocabulary_words(WorkerTerms& worker, std::vector<std::uint32_t>& ids) const;
  // Docs: std::vector<TextView> (tokenized here) or TokenDocuments.
  template <class Docs>
  void add_documents(const Docs& docs, bool given_tokens);
  template <class Docs>
  void count_range(const Docs& docs, std::size_t worker_index, std::size_t begin, std::size_t end,
                   std::size_t first_block, std::size_t first_document);

  const Tokenizer& tokenizer_;
  const TermIndex* columns_;
  std::size_t n_threads_;
  bool keep_rows_;
  bool utf16_terms_;  // words keyed by UTF-16 code units (text read by the word analyzer)
  bool given_tokens_ = false;
  std::vector<WorkerTerms> workers_;
  std::vector<Block> blocks_;
  std::size_t n_documents_ = 0;
};

}  // namespace khabar::detail
