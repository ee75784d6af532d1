#include "khabar/bm25.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "khabar/errors.hpp"
#include "thread_pool.hpp"

namespace khabar {
namespace {

VectorizerOptions counting_options(const Bm25Options& options) {
  if (!(options.k1 >= 0) || !(options.b >= 0 && options.b <= 1))
    throw InvalidOptionError("BM25 needs k1 >= 0 and 0 <= b <= 1");
  VectorizerOptions counting;
  counting.tokenizer = options.tokenizer;
  counting.use_idf = false;
  counting.norm = Norm::none;
  counting.value_type = ValueType::float64;
  return counting;
}

}  // namespace

Bm25::Bm25(Bm25Options options) : options_(options), counter_(counting_options(options_)) {}

double Bm25::idf(std::int64_t document_frequency) const noexcept {
  const auto n = static_cast<double>(lengths_.size());
  const auto df = static_cast<double>(document_frequency);
  return std::log(1.0 + (n - df + 0.5) / (df + 0.5));
}

void Bm25::fit(const std::vector<TextView>& docs, std::size_t n_threads) {
  if (docs.empty()) throw InvalidOptionError("BM25 needs at least one document");
  const CsrMatrix counts = counter_.fit_transform(docs, n_threads);
  const auto& values = std::get<std::vector<double>>(counts.data);
  const std::vector<std::int32_t> outer(counts.indptr.begin(), counts.indptr.end());
  const SparseRowsView rows(
      static_cast<Eigen::Index>(counts.rows), static_cast<Eigen::Index>(counts.cols),
      static_cast<Eigen::Index>(counts.nnz()), outer.data(), counts.indices.data(), values.data());
  postings_ = rows;  // Eigen transposes the storage: per term, its documents and counts
  lengths_.assign(counts.rows, 0.0);
  for (std::size_t d = 0; d < counts.rows; ++d)
    for (auto k = counts.indptr[d]; k < counts.indptr[d + 1]; ++k)
      lengths_[d] += values[static_cast<std::size_t>(k)];
  average_length_ =
      std::accumulate(lengths_.begin(), lengths_.end(), 0.0) / static_cast<double>(lengths_.size());
  idf_.resize(counts.cols);
  for (Eigen::Index term = 0; term < postings_.cols(); ++term)
    idf_[static_cast<std::size_t>(term)] = idf(postings_.col(term).nonZeros());
  fitted_ = true;
}

Neighbours Bm25::search(const std::vector<TextView>& queries, std::size_t k,
                        std::size_t n_threads) const {
  if (!fitted_) throw NotFittedError("this BM25 index is not fitted yet: call fit first");
  if (k == 0) throw InvalidOptionError("k must be at least 1");
  k = std::min(k, lengths_.size());
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
            counter_.tokenizer().analyze(queries[q], tokens);
          } catch (const InvalidTextError& error) {
            throw error.in_document(q);
          }
          for (std::int32_t d : touched) {
            scores[static_cast<std::size_t>(d)] = 0.0;
            seen[static_cast<std::size_t>(d)] = 0;
          }
          touched.clear();
          for (std::size_t t = 0; t < tokens.size(); ++t) {
            const std::int64_t term = counter_.column(tokens[t]);
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
