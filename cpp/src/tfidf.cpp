#include "khabar/tfidf.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <utility>

#include "counting.hpp"
#include "csr_assembly.hpp"
#include "khabar/errors.hpp"
#include "memory.hpp"
#include "parallel_for.hpp"
#include "radix_sort.hpp"
#include "sorted_counts.hpp"

namespace khabar {
namespace {

using detail::Block;
using detail::CountingPass;

// A double as Python's repr writes it (the shortest form that reads back the same).
std::string format_number(double value) {
  char buffer[32];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buffer, sizeof buffer, "%.*g", precision, value);
    if (std::strtod(buffer, nullptr) == value) break;
  }
  return buffer;
}

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

// The vocabulary scikit-learn's fit keeps from these frequencies, as positions in `frequencies`
// in column order: terms with min_df <= df <= max_df; then, if more than max_features remain,
// the max_features with the largest total count (document frequency when binary), ties broken
// by term order; sorted by code point. Throws InvalidOptionError with scikit-learn's messages
// when nothing remains. `Counts` is DocumentFrequencies or SortedCounts.
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

void VectorizerOptions::validate() const {
  tokenizer.validate();
  // scikit-learn: a float in [0.0, 1.0] (a proportion) or an int >= 1 (a number of documents).
  for (const auto& [name, limit] :
       {std::pair<const char*, const DocumentLimit*>{"min_df", &min_df},
        std::pair<const char*, const DocumentLimit*>{"max_df", &max_df}}) {
    const bool valid =
        std::isfinite(limit->value) &&
        (limit->proportion ? limit->value >= 0.0 && limit->value <= 1.0 : limit->value >= 1.0);
    if (!valid)
      throw InvalidParameterError(name,
                                  "must be a float in the range [0.0, 1.0] or an int in the range "
                                  "[1, inf)");
    // A number of documents travels as a double (and as an int to Python): whole, and no
    // larger than a double holds exactly.
    if (!limit->proportion &&
        (limit->value > kMaxDocumentLimit || limit->value != std::floor(limit->value)))
      throw InvalidParameterError(name,
                                  "must be a whole number of documents <= 2**53 "
                                  "(9007199254740992) when it is not a proportion, got " +
                                      format_number(limit->value));
  }
  if (max_features && *max_features == 0)
    throw InvalidParameterError("max_features", "must be None or an int in the range [1, inf)");
  if (value_type == ValueType::int64 && (use_idf || sublinear_tf || norm != Norm::none))
    throw InvalidOptionError("integer counts cannot carry idf, sublinear tf or a norm");
}

TfidfVectorizer::TfidfVectorizer(VectorizerOptions options)
    : options_(std::move(options)), tokenizer_(options_.tokenizer) {
  options_.validate();
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
  return count_documents(docs, n_threads);
}

DocumentFrequencies TfidfVectorizer::count(const TokenDocuments& docs,
                                           std::size_t n_threads) const {
  return count_documents(docs, n_threads);
}

template <class Docs>
DocumentFrequencies TfidfVectorizer::count_documents(const Docs& docs,
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
  return transform_documents(docs, n_threads);
}

CsrMatrix TfidfVectorizer::transform(const TokenDocuments& docs, std::size_t n_threads) const {
  return transform_documents(docs, n_threads);
}

template <class Docs>
CsrMatrix TfidfVectorizer::transform_documents(const Docs& docs, std::size_t n_threads) const {
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

void TfidfVectorizer::Builder::add(const TokenDocuments& docs) {
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
