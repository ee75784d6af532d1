#include "counting.hpp"

#include <algorithm>
#include <cstring>
#include <optional>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

#include "khabar/errors.hpp"
#include "parallel_for.hpp"
#include "utf.hpp"

namespace khabar::detail {
namespace {

// Appends the UTF-8 form of a word that a worker's table keys on its UTF-16 code units' bytes.
void append_word_utf8(std::string_view key, std::u16string& units, std::string& out) {
  units.resize(key.size() / sizeof(char16_t));
  std::memcpy(units.data(), key.data(), key.size());
  append_utf8(units, out);
}

}  // namespace

CountingPass::CountingPass(const Tokenizer& tokenizer, const TermIndex* columns,
                           std::size_t n_threads, bool keep_rows)
    : tokenizer_(tokenizer),
      columns_(columns),
      n_threads_(n_threads),
      keep_rows_(keep_rows),
      utf16_terms_(tokenizer.options().analyzer == Analyzer::word &&
                   tokenizer.options().token_pattern.empty()),
      workers_(resolve_thread_count(n_threads, SIZE_MAX)) {}

void CountingPass::add(const std::vector<TextView>& docs) { add_documents(docs, false); }

void CountingPass::add(const TokenDocuments& docs) { add_documents(docs, true); }

template <class Docs>
void CountingPass::add_documents(const Docs& docs, bool given_tokens) {
  if (n_documents_ == 0 && blocks_.empty() && !given_tokens_ && given_tokens) {
    given_tokens_ = true;
    utf16_terms_ = false;  // given tokens are UTF-8
  }
  if (given_tokens != given_tokens_)
    throw std::logic_error("a counting pass counts either text or given tokens");
  const std::size_t first_block = blocks_.size();
  const std::size_t first_document = n_documents_;
  if (keep_rows_)
    blocks_.resize(first_block + (docs.size() + kBlockDocuments - 1) / kBlockDocuments);
  std::size_t share = 0;
  if constexpr (std::is_same_v<Docs, std::vector<TextView>>)
    share = utf8_size_of(docs) / worker_count(docs.size(), n_threads_, kBlockDocuments);
  parallel_for(docs.size(), n_threads_, kBlockDocuments,
               [&](std::size_t worker, std::size_t begin, std::size_t end) {
                 if (share) tokenizer_.expect_text(share);
                 count_range(docs, worker, begin, end, first_block, first_document);
               });
  n_documents_ += docs.size();
}

SortedCounts CountingPass::take_merged_counts(std::vector<std::vector<std::int64_t>>* positions) {
  if (positions) {
    positions->resize(workers_.size());
    for (std::size_t w = 0; w < workers_.size(); ++w)
      (*positions)[w].assign(workers_[w].counts.size(), TermIndex::kAbsent);
  }
  std::vector<SortedCounts> runs(workers_.size());
  std::vector<std::vector<std::uint32_t>> ids(workers_.size());
  parallel_for(workers_.size(), n_threads_, 1,
               [&](std::size_t, std::size_t begin, std::size_t end) {
                 for (std::size_t w = begin; w < end; ++w) runs[w] = take_run(w, ids[w]);
               });
  if (runs.size() == 1) {  // one run: positions are its own order
    if (positions)
      for (std::size_t k = 0; k < runs[0].size(); ++k)
        (*positions)[0][ids[0][runs[0].origin(k)]] = static_cast<std::int64_t>(k);
    return std::move(runs[0]);
  }
  std::vector<const SortedCounts*> round;
  for (const auto& run : runs) round.push_back(&run);
  std::vector<SortedCounts> merged;  // the previous round's results
  while (round.size() > 1) {
    std::vector<SortedCounts> results(round.size() / 2);
    parallel_for(results.size(), n_threads_, 1,
                 [&](std::size_t, std::size_t begin, std::size_t end) {
                   for (std::size_t i = begin; i < end; ++i)
                     results[i] = SortedCounts::merge(*round[2 * i], *round[2 * i + 1]);
                 });
    // An odd one out moves on to the next round as it is.
    std::optional<SortedCounts> carried;
    if (round.size() % 2) carried = *round.back();
    merged = std::move(results);
    if (carried) merged.push_back(std::move(*carried));
    round.clear();
    for (const auto& result : merged) round.push_back(&result);
  }
  SortedCounts total = std::move(merged[0]);
  if (positions) {
    parallel_for(workers_.size(), n_threads_, 1,
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

std::vector<std::vector<std::int64_t>> CountingPass::columns_of_ids() const {
  std::vector<std::vector<std::int64_t>> columns;
  if (columns_ && utf16_terms_)
    for (const WorkerTerms& worker : workers_) columns.push_back(worker.column_of_word);
  return columns;
}

std::vector<std::vector<std::int64_t>> CountingPass::map_terms(
    const std::function<std::int64_t(std::string_view)>& value_of) const {
  if (columns_) throw std::logic_error("map_terms needs a pass without a fixed vocabulary");
  std::vector<std::vector<std::int64_t>> values(workers_.size());
  parallel_for(workers_.size(), n_threads_, 1,
               [&](std::size_t, std::size_t begin, std::size_t end) {
                 std::u16string units;
                 std::string utf8;
                 for (std::size_t w = begin; w < end; ++w) {
                   const TermIndex& terms = workers_[w].terms;
                   values[w].resize(terms.size());
                   for (std::size_t id = 0; id < terms.size(); ++id) {
                     if (utf16_terms_) {
                       utf8.clear();
                       append_word_utf8(terms.term(id), units, utf8);
                       values[w][id] = value_of(utf8);
                     } else {
                       values[w][id] = value_of(terms.term(id));
                     }
                   }
                 }
               });
  return values;
}

SortedCounts CountingPass::take_run(std::size_t worker_index, std::vector<std::uint32_t>& ids) {
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
  return SortedCounts(worker_index == 0 ? n_documents_ : 0, std::move(arena), std::move(ends),
                      std::move(document_frequency), std::move(total_count));
}

void CountingPass::keep_vocabulary_words(WorkerTerms& worker,
                                         std::vector<std::uint32_t>& ids) const {
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

template <class Docs>
void CountingPass::count_range(const Docs& docs, std::size_t worker_index, std::size_t begin,
                               std::size_t end, std::size_t first_block,
                               std::size_t first_document) {
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
        if constexpr (std::is_same_v<Docs, TokenDocuments>) {
          if (columns_)
            columns_->find_all(docs[d], ids);
          else
            worker.terms.insert_all(docs[d], ids);
        } else if (utf16_terms_) {
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
      } catch (const MemoryLimitError& error) {  // n-grams too many for one document
        throw MemoryLimitError("document " + std::to_string(first_document + d) + ": " +
                               error.what());
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

}  // namespace khabar::detail
