#include "khabar/tfidf.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstring>
#include <numeric>
#include <optional>
#include <stdexcept>
#include <utility>

#include "csr_assembly.hpp"
#include "khabar/errors.hpp"
#include "memory.hpp"
#include "radix_sort.hpp"
#include "sorted_counts.hpp"
#include "thread_pool.hpp"
#include "utf.hpp"

namespace khabar {
namespace {

// Documents per unit of parallel work and per stored block of rows.
constexpr std::size_t kBlockDocuments = 64;

// One thread's numbering of the terms it met, with their counts. Words are numbered by their
// UTF-16 form, the tokenizer's own, and encoded as UTF-8 once per distinct word, not once per
// occurrence: when the workers' counts are merged, or, with a fixed vocabulary, when a word is
// first met and looked up among the columns. Counting by these ids rather than by column keeps
// the counts of frequent words, met first, close together. (Character n-grams are counted by
// column with a fixed vocabulary.)
struct TermCounts {
  std::int64_t document_frequency = 0;
  std::int64_t total_count = 0;
  std::uint32_t last_document = 0;  // 1 + number of the last document counted, 0 for none
  std::uint32_t count_in_document = 0;
};

struct WorkerTerms {
  TermIndex terms;
  std::vector<std::int64_t> column_of_word;  // with a fixed vocabulary: by id in `terms`
  std::vector<TermCounts> counts;            // by term id (by column for char n-grams)
  std::uint32_t documents_seen = 0;
  std::vector<std::uint32_t> distinct;  // ids of the current document's distinct terms
};

// Rows of consecutive documents as (term id, count) pairs, ids in the numbering of the worker
// that counted them. They hold the counts of the whole corpus until the matrix is built, so
// each entry is kept small: a count takes one byte, and the rare count of 255 or more (a word
// that often in one document) is kept aside by entry.
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

// Appends the UTF-8 form of a word that a worker's table keys on its UTF-16 code units' bytes.
void append_word_utf8(std::string_view key, std::u16string& units, std::string& out) {
  units.resize(key.size() / sizeof(char16_t));
  std::memcpy(units.data(), key.data(), key.size());
  detail::append_utf8(units, out);
}

// Tokenizes documents once and counts their terms, optionally keeping each document's counts.
class CountingPass {
 public:
  CountingPass(const Tokenizer& tokenizer, const TermIndex* columns, std::size_t n_threads,
               bool keep_rows)
      : tokenizer_(tokenizer),
        columns_(columns),
        n_threads_(n_threads),
        keep_rows_(keep_rows),
        utf16_terms_(tokenizer.options().analyzer == Analyzer::word),
        workers_(detail::resolve_thread_count(n_threads, SIZE_MAX)) {}

  void add(const std::vector<TextView>& docs) {
    const std::size_t first_block = blocks_.size();
    const std::size_t first_document = n_documents_;
    if (keep_rows_)
      blocks_.resize(first_block + (docs.size() + kBlockDocuments - 1) / kBlockDocuments);
    detail::parallel_for(docs.size(), n_threads_, kBlockDocuments,
                         [&](std::size_t worker, std::size_t begin, std::size_t end) {
                           count_range(docs, worker, begin, end, first_block, first_document);
                         });
    n_documents_ += docs.size();
  }

  std::size_t n_documents() const noexcept { return n_documents_; }
  std::vector<Block>& blocks() noexcept { return blocks_; }

  /// The merged counts of all workers, terms in code point order whatever the number of
  /// threads; with `positions`, also where each worker's term ids landed in them. Each
  /// worker's terms are encoded and sorted on its own thread, then the sorted runs are merged
  /// pairwise, the merges of a round in parallel: no hash insert per merged term. Ends the
  /// pass: the workers' term tables are freed once their runs are made.
  detail::SortedCounts take_merged_counts(
      std::vector<std::vector<std::int64_t>>* positions = nullptr) {
    if (positions) {
      positions->resize(workers_.size());
      for (std::size_t w = 0; w < workers_.size(); ++w)
        (*positions)[w].assign(workers_[w].counts.size(), TermIndex::kAbsent);
    }
    std::vector<detail::SortedCounts> runs(workers_.size());
    std::vector<std::vector<std::uint32_t>> ids(workers_.size());
    detail::parallel_for(workers_.size(), n_threads_, 1,
                         [&](std::size_t, std::size_t begin, std::size_t end) {
                           for (std::size_t w = begin; w < end; ++w) runs[w] = take_run(w, ids[w]);
                         });
    if (runs.size() == 1) {  // one run: positions are its own order
      if (positions)
        for (std::size_t k = 0; k < runs[0].size(); ++k)
          (*positions)[0][ids[0][runs[0].origin(k)]] = static_cast<std::int64_t>(k);
      return std::move(runs[0]);
    }
    std::vector<const detail::SortedCounts*> round;
    for (const auto& run : runs) round.push_back(&run);
    std::vector<detail::SortedCounts> merged;  // the previous round's results
    while (round.size() > 1) {
      std::vector<detail::SortedCounts> results(round.size() / 2);
      detail::parallel_for(
          results.size(), n_threads_, 1, [&](std::size_t, std::size_t begin, std::size_t end) {
            for (std::size_t i = begin; i < end; ++i)
              results[i] = detail::SortedCounts::merge(*round[2 * i], *round[2 * i + 1]);
          });
      // An odd one out moves on to the next round as it is.
      std::optional<detail::SortedCounts> carried;
      if (round.size() % 2) carried = *round.back();
      merged = std::move(results);
      if (carried) merged.push_back(std::move(*carried));
      round.clear();
      for (const auto& result : merged) round.push_back(&result);
    }
    detail::SortedCounts total = std::move(merged[0]);
    if (positions) {
      detail::parallel_for(workers_.size(), n_threads_, 1,
                           [&](std::size_t, std::size_t begin, std::size_t end) {
                             for (std::size_t w = begin; w < end; ++w) {
                               const std::vector<std::int64_t> found = total.positions_of(runs[w]);
                               for (std::size_t i = 0; i < found.size(); ++i)
                                 (*positions)[w][ids[w][i]] = found[i];
                             }
                           });
    }
    return total;
  }

  DocumentFrequencies take_frequencies() { return take_merged_counts().to_frequencies(); }

  /// With a fixed vocabulary, each worker's map from the ids in its rows to columns; empty
  /// when the ids are columns already.
  std::vector<std::vector<std::int64_t>> columns_of_ids() const {
    std::vector<std::vector<std::int64_t>> columns;
    if (columns_ && utf16_terms_)
      for (const WorkerTerms& worker : workers_) columns.push_back(worker.column_of_word);
    return columns;
  }

 private:
  // One worker's counted terms as UTF-8, sorted; `ids` receives their term ids, in the order
  // the run's origin() numbers them. The pass's documents are counted in the first run. The
  // worker's table is freed before the sort, which needs memory of its own.
  detail::SortedCounts take_run(std::size_t worker_index, std::vector<std::uint32_t>& ids) {
    WorkerTerms& worker = workers_[worker_index];
    std::string arena;
    std::vector<std::size_t> ends;
    std::vector<std::int64_t> document_frequency, total_count;
    std::u16string units;
    for (std::size_t id = 0; id < worker.counts.size(); ++id) {
      const TermCounts& counts = worker.counts[id];
      if (counts.document_frequency == 0) continue;
      if (columns_) {
        const std::int64_t column =
            utf16_terms_ ? worker.column_of_word[id] : static_cast<std::int64_t>(id);
        arena.append(columns_->term(static_cast<std::size_t>(column)));
      } else if (utf16_terms_) {
        append_word_utf8(worker.terms.term(id), units, arena);
      } else {
        arena.append(worker.terms.term(id));
      }
      ends.push_back(arena.size());
      document_frequency.push_back(counts.document_frequency);
      total_count.push_back(counts.total_count);
      ids.push_back(static_cast<std::uint32_t>(id));
    }
    worker = WorkerTerms{};
    return detail::SortedCounts(worker_index == 0 ? n_documents_ : 0, std::move(arena),
                                std::move(ends), std::move(document_frequency),
                                std::move(total_count));
  }

  // Looks up the words the worker met for the first time among the columns, and drops the
  // ids of words that have none.
  void keep_vocabulary_words(WorkerTerms& worker, std::vector<std::uint32_t>& ids) const {
    std::u16string units;
    std::string utf8;
    for (std::size_t id = worker.column_of_word.size(); id < worker.terms.size(); ++id) {
      utf8.clear();
      append_word_utf8(worker.terms.term(id), units, utf8);
      worker.column_of_word.push_back(columns_->find(utf8));
    }
    std::size_t kept = 0;
    for (const std::uint32_t id : ids)
      if (worker.column_of_word[id] != TermIndex::kAbsent) ids[kept++] = id;
    ids.resize(kept);
  }

  void count_range(const std::vector<TextView>& docs, std::size_t worker_index, std::size_t begin,
                   std::size_t end, std::size_t first_block, std::size_t first_document) {
    WorkerTerms& worker = workers_[worker_index];
    // Counts by column are sized by the first block a worker gets, not up front for every
    // worker: transforming 3 documents with n_threads=64 and a million-term vocabulary would
    // otherwise zero 64 tables of 24 MB.
    if (columns_ && !utf16_terms_ && worker.counts.size() != columns_->size())
      worker.counts.resize(columns_->size());
    TokenList tokens;
    Utf16TokenViews words;
    std::vector<std::uint32_t> ids;
    for (std::size_t block_begin = begin; block_begin < end; block_begin += kBlockDocuments) {
      Block* block = keep_rows_ ? &blocks_[first_block + block_begin / kBlockDocuments] : nullptr;
      if (block) block->worker = worker_index;
      const std::size_t block_end = std::min(end, block_begin + kBlockDocuments);
      for (std::size_t d = block_begin; d < block_end; ++d) {
        ids.clear();
        try {
          if (utf16_terms_) {
            tokenizer_.analyze(docs[d], words);
            worker.terms.insert_all(words, ids);
            if (columns_) keep_vocabulary_words(worker, ids);
          } else {
            tokenizer_.analyze(docs[d], tokens);
            if (columns_)
              columns_->find_all(tokens, ids);
            else
              worker.terms.insert_all(tokens, ids);
          }
        } catch (const InvalidTextError& error) {
          throw error.in_document(first_document + d);
        }
        if (!columns_ || utf16_terms_) worker.counts.resize(worker.terms.size());
        // Count each distinct term of the document once: a stamp per term instead of sorting.
        const std::uint32_t stamp = ++worker.documents_seen;
        worker.distinct.clear();
        for (std::uint32_t id : ids) {
          TermCounts& term = worker.counts[id];
          if (term.last_document != stamp) {
            term.last_document = stamp;
            term.count_in_document = 0;
            worker.distinct.push_back(id);
          }
          ++term.count_in_document;
        }
        // Rows are sorted by column when the matrix is built (ids of a learned vocabulary are
        // only mapped to columns then).
        for (std::uint32_t id : worker.distinct) {
          TermCounts& term = worker.counts[id];
          term.document_frequency += 1;
          term.total_count += term.count_in_document;
          if (block) block->add(id, term.count_in_document);
        }
        if (block) block->row_ends.push_back(static_cast<std::uint32_t>(block->ids.size()));
      }
      if (block) {  // vectors grown by doubling would otherwise hold up to twice their size
        block->ids.shrink_to_fit();
        block->counts.shrink_to_fit();
      }
    }
  }

  const Tokenizer& tokenizer_;
  const TermIndex* columns_;
  std::size_t n_threads_;
  bool keep_rows_;
  bool utf16_terms_;
  std::vector<WorkerTerms> workers_;
  std::vector<Block> blocks_;
  std::size_t n_documents_ = 0;
};

// ln(count) for the counts most terms have, computed once with std::log so that the values
// are the same as calling it.
double log_of_count(std::uint32_t count) {
  static const std::array<double, 256> table = [] {
    std::array<double, 256> logs{};
    for (std::size_t i = 1; i < logs.size(); ++i) logs[i] = std::log(static_cast<double>(i));
    return logs;
  }();
  return count < table.size() ? table[count] : std::log(static_cast<double>(count));
}

// A row entry as one integer, column above count, so that sorting a row by column compares
// single integers.
using RowEntry = std::uint64_t;
RowEntry entry_of(std::int64_t column, std::uint32_t count) {
  return static_cast<RowEntry>(column) << 32 | count;
}
std::int32_t column_of_entry(RowEntry entry) { return static_cast<std::int32_t>(entry >> 32); }
std::uint32_t count_of(RowEntry entry) { return static_cast<std::uint32_t>(entry); }

// Weighs one row in place, in scikit-learn's order of operations: binary, sublinear tf, idf,
// then the norm.
void weigh_row(const VectorizerOptions& options, const std::vector<double>& idf,
               const RowEntry* entries, double* values, std::size_t n) {
  for (std::size_t k = 0; k < n; ++k) {
    const std::uint32_t count = options.binary ? 1 : count_of(entries[k]);
    double value = options.sublinear_tf ? log_of_count(count) + 1.0 : static_cast<double>(count);
    if (options.use_idf) value *= idf[static_cast<std::size_t>(column_of_entry(entries[k]))];
    values[k] = value;
  }
  detail::normalize_row(options.norm, values, n);
}

// The CSR matrix of counted blocks: ids mapped to columns through `remap` (per worker; empty
// when ids already are columns), dropped when mapped to kAbsent, then weighed. Each block
// becomes its rows on some thread and is freed at once; the rows are then copied into the
// matrix, whose pages are touched only as they are written, so that counts, rows and result
// are never all resident at once.
CsrMatrix build_matrix(std::vector<Block>& blocks, std::size_t n_rows, std::size_t n_columns,
                       const std::vector<std::vector<std::int64_t>>& remap,
                       const VectorizerOptions& options, const std::vector<double>& idf,
                       std::size_t n_threads) {
  const unsigned column_bits = detail::bits_for(n_columns);
  std::vector<detail::RowChunk> chunks(blocks.size());
  detail::parallel_for(
      blocks.size(), n_threads, 1, [&](std::size_t, std::size_t begin, std::size_t end) {
        std::vector<RowEntry> entries, scratch;
        for (std::size_t b = begin; b < end; ++b) {
          Block& block = blocks[b];
          detail::RowChunk& rows = chunks[b];
          rows.lengths.reserve(block.row_ends.size());
          rows.columns.reserve(block.ids.size());  // exact unless terms were pruned
          rows.values.reserve(block.ids.size());
          std::uint32_t row_begin = 0;
          for (const std::uint32_t row_end : block.row_ends) {
            entries.clear();
            for (std::uint32_t k = row_begin; k < row_end; ++k) {
              const std::int64_t column =
                  remap.empty() ? block.ids[k] : remap[block.worker][block.ids[k]];
              if (column != TermIndex::kAbsent) entries.push_back(entry_of(column, block.count(k)));
            }
            row_begin = row_end;
            // A row has a few hundred distinct columns: radix sorting them takes half the time
            // comparison sorting did.
            detail::radix_sort(entries, scratch, 32, column_bits);
            rows.lengths.push_back(static_cast<std::int64_t>(entries.size()));
            const std::size_t first = rows.values.size();
            rows.values.resize(first + entries.size());
            if (options.value_type == ValueType::int64) {
              for (std::size_t k = 0; k < entries.size(); ++k)
                rows.values[first + k] =
                    options.binary ? 1.0 : static_cast<double>(count_of(entries[k]));
            } else {
              weigh_row(options, idf, entries.data(), rows.values.data() + first, entries.size());
            }
            for (const RowEntry entry : entries) rows.columns.push_back(column_of_entry(entry));
          }
          rows.columns.shrink_to_fit();
          rows.values.shrink_to_fit();
          block = Block{};  // its memory is reused by the rows of the blocks that follow
        }
      });
  return detail::assemble_rows(chunks, n_rows, n_columns, options.value_type);
}

void validate(const VectorizerOptions& options) {
  if (options.value_type == ValueType::int64 &&
      (options.use_idf || options.sublinear_tf || options.norm != Norm::none))
    throw InvalidOptionError("integer counts cannot carry idf, sublinear tf or a norm");
  for (const DocumentLimit* limit : {&options.min_df, &options.max_df}) {
    if (limit->value < 0 || (limit->proportion && limit->value > 1.0) ||
        !std::isfinite(limit->value))
      throw InvalidOptionError("min_df and max_df must be counts >= 0 or proportions in [0, 1]");
  }
  if (options.max_features && *options.max_features == 0)
    throw InvalidOptionError("max_features must be None or a positive integer");
}

// Fills `index` with `count` terms, `term_of(i)` numbered i, as TermIndex::assign_distinct
// does (and returns).
template <class TermOf>
std::int64_t assign_terms(TermIndex& index, std::size_t count, const TermOf& term_of) {
  std::string arena;
  std::vector<std::size_t> ends;
  ends.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    arena.append(term_of(i));
    ends.push_back(arena.size());
  }
  return index.assign_distinct(std::move(arena), std::move(ends));
}

// Columns numbered in the order of `terms`, which must be distinct.
TermIndex index_of_distinct(const std::vector<std::string>& terms) {
  TermIndex index;
  const std::int64_t repeated =
      assign_terms(index, terms.size(), [&](std::size_t i) { return std::string_view(terms[i]); });
  if (repeated != TermIndex::kAbsent)
    throw InvalidOptionError("Duplicate term in vocabulary: '" +
                             terms[static_cast<std::size_t>(repeated)] + "'");
  return index;
}

}  // namespace

double inverse_document_frequency(std::int64_t document_frequency, std::size_t n_documents,
                                  bool smooth_idf) {
  const double smoothing = smooth_idf ? 1.0 : 0.0;
  return std::log((static_cast<double>(n_documents) + smoothing) /
                  (static_cast<double>(document_frequency) + smoothing)) +
         1.0;
}

namespace detail {

// select_vocabulary as positions in `frequencies`, in column order. `Counts` is
// DocumentFrequencies or SortedCounts.
template <class Counts>
std::vector<std::size_t> select_vocabulary_positions(const Counts& frequencies,
                                                     const VectorizerOptions& options) {
  const double max_documents = options.max_df.documents(frequencies.n_documents());
  const double min_documents = options.min_df.documents(frequencies.n_documents());
  // scikit-learn's order: an empty vocabulary (no documents at all included) is reported first.
  if (frequencies.size() == 0)
    throw InvalidOptionError("empty vocabulary; perhaps the documents only contain stop words");
  if (max_documents < min_documents)
    throw InvalidOptionError("max_df corresponds to < documents than min_df");
  std::vector<std::size_t> kept;
  for (std::size_t i = 0; i < frequencies.size(); ++i) {
    const auto df = static_cast<double>(frequencies.document_frequency(i));
    if (df <= max_documents && df >= min_documents) kept.push_back(i);
  }
  auto by_term = [&](std::size_t a, std::size_t b) {
    return frequencies.term(a) < frequencies.term(b);
  };
  if (options.max_features && kept.size() > *options.max_features) {
    // Binary counts make the column sums document frequencies, as in scikit-learn.
    auto weight = [&](std::size_t i) {
      return options.binary ? frequencies.document_frequency(i) : frequencies.total_count(i);
    };
    const auto limit = static_cast<std::ptrdiff_t>(*options.max_features);
    std::partial_sort(kept.begin(), kept.begin() + limit, kept.end(),
                      [&](std::size_t a, std::size_t b) {
                        return weight(a) != weight(b) ? weight(a) > weight(b) : by_term(a, b);
                      });
    kept.resize(*options.max_features);
  }
  if (kept.empty())
    throw InvalidOptionError(
        "After pruning, no terms remain. Try a lower min_df or a higher max_df.");
  // Counts merged by khabar hold their terms sorted already.
  if (!std::is_sorted(kept.begin(), kept.end(), by_term))
    detail::sort_by_bytes(kept, [&](std::size_t i) { return frequencies.term(i); });
  return kept;
}

}  // namespace detail

std::vector<std::string> select_vocabulary(const DocumentFrequencies& frequencies,
                                           const VectorizerOptions& options) {
  std::vector<std::string> terms;
  for (std::size_t i : detail::select_vocabulary_positions(frequencies, options))
    terms.emplace_back(frequencies.term(i));
  return terms;
}

TfidfVectorizer::TfidfVectorizer(VectorizerOptions options)
    : options_(std::move(options)), tokenizer_(options_.tokenizer) {
  validate(options_);
}

void TfidfVectorizer::set_fixed_vocabulary(const std::vector<std::string>& terms) {
  if (terms.empty()) throw InvalidOptionError("empty vocabulary passed to fit");
  vocabulary_ = index_of_distinct(terms);
  fixed_vocabulary_ = true;
  fitted_ = false;
  idf_.clear();
}

DocumentFrequencies TfidfVectorizer::count(const std::vector<TextView>& docs,
                                           std::size_t n_threads) const {
  CountingPass pass(tokenizer_, fixed_vocabulary_ ? &vocabulary_ : nullptr, n_threads, false);
  pass.add(docs);
  return pass.take_frequencies();
}

void TfidfVectorizer::fit(const std::vector<TextView>& docs, std::size_t n_threads) {
  fit_frequencies(count(docs, n_threads));
}

void TfidfVectorizer::fit_frequencies(const DocumentFrequencies& frequencies) {
  if (fixed_vocabulary_) {
    std::vector<std::int64_t> positions(vocabulary_.size());
    for (std::size_t column = 0; column < vocabulary_.size(); ++column)
      positions[column] = frequencies.find(vocabulary_.term(column));
    compute_idf(frequencies, positions);
  } else {
    learn_vocabulary(frequencies);
  }
  fitted_ = true;
}

template <class Counts>
std::vector<std::size_t> TfidfVectorizer::learn_vocabulary(const Counts& frequencies) {
  std::vector<std::size_t> selected = detail::select_vocabulary_positions(frequencies, options_);
  const auto term_of_column = [&](std::size_t i) { return frequencies.term(selected[i]); };
  TermIndex index;
  if (assign_terms(index, selected.size(), term_of_column) != TermIndex::kAbsent)
    throw std::logic_error("frequencies repeat a term");
  vocabulary_ = std::move(index);
  compute_idf(frequencies, std::vector<std::int64_t>(selected.begin(), selected.end()));
  return selected;
}

template <class Counts>
void TfidfVectorizer::compute_idf(const Counts& frequencies,
                                  const std::vector<std::int64_t>& positions) {
  idf_.clear();
  if (!options_.use_idf) return;
  idf_.resize(positions.size());
  for (std::size_t column = 0; column < positions.size(); ++column) {
    const std::int64_t i = positions[column];
    const std::int64_t df =
        i == TermIndex::kAbsent ? 0 : frequencies.document_frequency(static_cast<std::size_t>(i));
    idf_[column] = inverse_document_frequency(df, frequencies.n_documents(), options_.smooth_idf);
  }
}

CsrMatrix TfidfVectorizer::fit_transform(const std::vector<TextView>& docs, std::size_t n_threads) {
  Builder builder(*this, n_threads);
  builder.add(docs);
  return builder.finish();
}

CsrMatrix TfidfVectorizer::transform(const std::vector<TextView>& docs,
                                     std::size_t n_threads) const {
  if (!fitted_) throw NotFittedError("this vectorizer is not fitted yet: call fit first");
  CountingPass pass(tokenizer_, &vocabulary_, n_threads, true);
  pass.add(docs);
  return build_matrix(pass.blocks(), docs.size(), vocabulary_.size(), pass.columns_of_ids(),
                      options_, idf_, n_threads);
}

void TfidfVectorizer::restore(const std::vector<std::string>& terms, std::vector<double> idf,
                              bool fixed) {
  TermIndex index = index_of_distinct(terms);
  if (options_.use_idf ? idf.size() != terms.size() : !idf.empty())
    throw InvalidOptionError("idf does not match the vocabulary");
  vocabulary_ = std::move(index);
  idf_ = std::move(idf);
  fixed_vocabulary_ = fixed;
  fitted_ = true;
}

struct TfidfVectorizer::Builder::State {
  State(const TfidfVectorizer& vectorizer, std::size_t n_threads)
      : n_threads(n_threads),
        pass(vectorizer.tokenizer_,
             vectorizer.fixed_vocabulary_ ? &vectorizer.vocabulary_ : nullptr, n_threads, true) {}
  std::size_t n_threads;
  CountingPass pass;
};

TfidfVectorizer::Builder::Builder(TfidfVectorizer& vectorizer, std::size_t n_threads)
    : vectorizer_(&vectorizer), state_(std::make_unique<State>(vectorizer, n_threads)) {}
TfidfVectorizer::Builder::~Builder() = default;
TfidfVectorizer::Builder::Builder(Builder&&) noexcept = default;

void TfidfVectorizer::Builder::add(const std::vector<TextView>& docs) {
  if (!state_) throw std::logic_error("Builder::add after finish");
  state_->pass.add(docs);
}

CsrMatrix TfidfVectorizer::Builder::finish() {
  if (!state_) throw std::logic_error("Builder::finish called twice");
  const std::unique_ptr<State> state = std::move(state_);
  TfidfVectorizer& vectorizer = *vectorizer_;
  std::vector<std::vector<std::int64_t>> remap;
  if (vectorizer.fixed_vocabulary_) {
    remap = state->pass.columns_of_ids();
    vectorizer.fit_frequencies(state->pass.take_frequencies());
  } else {
    const detail::SortedCounts counts = state->pass.take_merged_counts(&remap);
    // Worker id -> merged position -> column (positions of pruned terms have none).
    const std::vector<std::size_t> selected = vectorizer.learn_vocabulary(counts);
    vectorizer.fitted_ = true;
    std::vector<std::int64_t> column_of_position(counts.size(), TermIndex::kAbsent);
    for (std::size_t column = 0; column < selected.size(); ++column)
      column_of_position[selected[column]] = static_cast<std::int64_t>(column);
    for (auto& ids : remap)
      for (auto& id : ids)
        if (id != TermIndex::kAbsent) id = column_of_position[static_cast<std::size_t>(id)];
  }  // the merged frequencies are freed here, before the matrix is built
  detail::release_free_memory();
  return build_matrix(state->pass.blocks(), state->pass.n_documents(),
                      vectorizer.vocabulary_.size(), remap, vectorizer.options_, vectorizer.idf_,
                      state->n_threads);
}

}  // namespace khabar
