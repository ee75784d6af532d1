#include "khabar/bm25.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <string>
#include <utility>

#include "counting.hpp"
#include "khabar/errors.hpp"
#include "parallel_for.hpp"

namespace khabar {

void Bm25Options::validate() const {
  tokenizer.validate();
  if (!(k1 >= 0)) throw InvalidParameterError("k1", "must be a float >= 0");
  if (!(b >= 0 && b <= 1)) throw InvalidParameterError("b", "must be a float in the range [0, 1]");
}

Bm25::Bm25(Bm25Options options) : options_(std::move(options)), tokenizer_(options_.tokenizer) {
  options_.validate();
}

double Bm25::idf(std::int64_t document_frequency) const noexcept {
  const auto n = static_cast<double>(lengths_.size());
  const auto df = static_cast<double>(document_frequency);
  return std::log(1.0 + (n - df + 0.5) / (df + 0.5));
}

void Bm25::fit(const std::vector<TextView>& docs, std::size_t n_threads) {
  if (docs.empty()) throw InvalidOptionError("BM25 needs at least one document");
  detail::CountingPass pass(tokenizer_, nullptr, n_threads, /*keep_rows=*/true);
  pass.add(docs);
  // Every term is kept, so a term's position in the merged counts is its column.
  std::vector<std::vector<std::int64_t>> column_of_id;
  const detail::SortedCounts counts = pass.take_merged_counts(&column_of_id);
  if (counts.size() == 0)
    throw InvalidOptionError("empty vocabulary; perhaps the documents only contain stop words");
  std::string arena;
  std::vector<std::size_t> ends;
  for (std::size_t column = 0; column < counts.size(); ++column) {
    arena.append(counts.term(column));
    ends.push_back(arena.size());
  }
  terms_.assign_distinct(std::move(arena), std::move(ends));
  // Postings by term, filled in document order so that each term's documents are sorted: a
  // first pass sizes them, a second fills them.
  const auto n_terms = static_cast<Eigen::Index>(counts.size());
  postings_ = decltype(postings_)(static_cast<Eigen::Index>(docs.size()), n_terms);
  std::vector<std::int32_t> starts(counts.size() + 1, 0);
  std::size_t nnz = 0;
  for (const detail::Block& block : pass.blocks())
    for (const std::uint32_t id : block.ids) {
      ++starts[static_cast<std::size_t>(column_of_id[block.worker][id]) + 1];
      ++nnz;
    }
  for (std::size_t t = 0; t < counts.size(); ++t) starts[t + 1] += starts[t];
  postings_.resizeNonZeros(static_cast<Eigen::Index>(nnz));
  std::copy(starts.begin(), starts.end(), postings_.outerIndexPtr());
  lengths_.assign(docs.size(), 0.0);
  std::size_t d = 0;
  for (const detail::Block& block : pass.blocks()) {
    std::uint32_t begin = 0;
    for (const std::uint32_t end : block.row_ends) {
      for (std::uint32_t k = begin; k < end; ++k) {
        const auto term = static_cast<std::size_t>(column_of_id[block.worker][block.ids[k]]);
        const auto slot = static_cast<std::size_t>(starts[term]++);
        const double count = block.count(k);
        postings_.innerIndexPtr()[slot] = static_cast<std::int32_t>(d);
        postings_.valuePtr()[slot] = count;
        lengths_[d] += count;
      }
      begin = end;
      ++d;
    }
  }
  average_length_ =
      std::accumulate(lengths_.begin(), lengths_.end(), 0.0) / static_cast<double>(lengths_.size());
  idf_.resize(counts.size());
  for (std::size_t term = 0; term < counts.size(); ++term)
    idf_[term] = idf(counts.document_frequency(term));
  fitted_ = true;
}

Neighbours Bm25::search(const std::vector<TextView>& queries, std::size_t k,
                        std::size_t n_threads) const {
  if (!fitted_) throw NotFittedError("this BM25 index is not fitted yet: call fit first");
  if (k == 0) throw InvalidOptionError("k must be at least 1");
  const auto width = static_cast<Eigen::Index>(k);
  Neighbours out{IndexRows::Constant(static_cast<Eigen::Index>(queries.size()), width, -1),
                 DenseRows::Constant(static_cast<Eigen::Index>(queries.size()), width,
                                     std::numeric_limits<double>::quiet_NaN())};
  const double k1 = options_.k1, b = options_.b;
  detail::parallel_for(
      queries.size(), n_threads, 8, [&](std::size_t, std::size_t begin, std::size_t end) {
        std::vector<double> scores(lengths_.size(), 0.0);
        std::vector<std::uint8_t> seen(lengths_.size(), 0);
        std::vector<std::int32_t> touched;
        std::vector<std::pair<double, std::int32_t>> ranked;
        TokenList tokens;
        for (std::size_t q = begin; q < end; ++q) {
          try {
            tokenizer_.analyze(queries[q], tokens);
          } catch (const InvalidTextError& error) {
            throw error.in_document(q);
          }
          for (std::int32_t d : touched) {
            scores[static_cast<std::size_t>(d)] = 0.0;
            seen[static_cast<std::size_t>(d)] = 0;
          }
          touched.clear();
          for (std::size_t t = 0; t < tokens.size(); ++t) {
            const std::int64_t term = terms_.find(tokens[t]);
            if (term == TermIndex::kAbsent) continue;
            const double term_idf = idf_[static_cast<std::size_t>(term)];
            for (decltype(postings_)::InnerIterator posting(postings_,
                                                            static_cast<Eigen::Index>(term));
                 posting; ++posting) {
              const auto d = static_cast<std::size_t>(posting.row());
              const double tf = posting.value();
              const double length_norm = 1.0 - b + b * lengths_[d] / average_length_;
              if (!seen[d]) {
                seen[d] = 1;
                touched.push_back(static_cast<std::int32_t>(d));
              }
              scores[d] += term_idf * tf * (k1 + 1.0) / (tf + k1 * length_norm);
            }
          }
          ranked.clear();
          for (std::int32_t d : touched)
            ranked.emplace_back(scores[static_cast<std::size_t>(d)], d);
          const std::size_t kept = std::min(k, ranked.size());
          std::partial_sort(ranked.begin(), ranked.begin() + static_cast<std::ptrdiff_t>(kept),
                            ranked.end(), [](const auto& x, const auto& y) {
                              return x.first != y.first ? x.first > y.first : x.second < y.second;
                            });
          for (std::size_t c = 0; c < kept; ++c) {
            out.indices(static_cast<Eigen::Index>(q), static_cast<Eigen::Index>(c)) =
                ranked[c].second;
            out.scores(static_cast<Eigen::Index>(q), static_cast<Eigen::Index>(c)) =
                ranked[c].first;
          }
        }
      });
  return out;
}

}  // namespace khabar
