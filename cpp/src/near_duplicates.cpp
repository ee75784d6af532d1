#include "khabar/near_duplicates.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <unordered_map>

#include "fnv1a.hpp"
#include "khabar/errors.hpp"
#include "memory.hpp"
#include "parallel_for.hpp"

namespace khabar {
namespace {

constexpr std::uint64_t kMersennePrime = (std::uint64_t{1} << 61) - 1;

// ∫ f over [a, b] by Simpson's rule on 200 intervals: smooth integrands, error far below the
// gaps between the candidate (bands, rows) choices.
double integrate(const std::function<double(double)>& f, double a, double b) {
  constexpr int n = 200;
  const double h = (b - a) / n;
  double sum = f(a) + f(b);
  for (int i = 1; i < n; ++i) sum += f(a + i * h) * (i % 2 ? 4 : 2);
  return sum * h / 3;
}

}  // namespace

std::pair<std::size_t, std::size_t> lsh_bands(double threshold, std::size_t num_perm,
                                              double false_positive_weight,
                                              double false_negative_weight) {
  double best_error = std::numeric_limits<double>::infinity();
  std::pair<std::size_t, std::size_t> best{1, num_perm};
  for (std::size_t b = 1; b <= num_perm; ++b) {
    for (std::size_t r = 1; r <= num_perm / b; ++r) {
      const double bands = static_cast<double>(b), rows = static_cast<double>(r);
      const auto p = [&](double s) { return 1.0 - std::pow(1.0 - std::pow(s, rows), bands); };
      const double false_positive = integrate(p, 0.0, threshold);
      const double false_negative = integrate([&](double s) { return 1.0 - p(s); }, threshold, 1.0);
      const double error =
          false_positive_weight * false_positive + false_negative_weight * false_negative;
      if (error < best_error) {
        best_error = error;
        best = {b, r};
      }
    }
  }
  return best;
}

void NearDuplicateOptions::validate() const {
  tokenizer.validate();
  if (!(threshold > 0.0 && threshold <= 1.0))
    throw InvalidParameterError("threshold", "must be a float in the range (0.0, 1.0]");
  if (num_perm < 2) throw InvalidParameterError("num_perm", "must be an int >= 2");
  if (num_perm > kMaxNumPerm)
    throw InvalidParameterError("num_perm", "must be an int <= " + std::to_string(kMaxNumPerm) +
                                                ", got " + std::to_string(num_perm));
  if (shingle_size < 1) throw InvalidParameterError("shingle_size", "must be an int >= 1");
}

NearDuplicates::NearDuplicates(NearDuplicateOptions options)
    : options_(std::move(options)), tokenizer_(options_.tokenizer) {
  options_.validate();
  // Candidates are verified exactly, so a false positive costs one Jaccard computation while a
  // false negative loses a duplicate: weigh misses more than datasketch's even 0.5 / 0.5.
  std::tie(bands_, rows_) = lsh_bands(options_.threshold, options_.num_perm, 0.1, 0.9);
  std::mt19937_64 random(options_.seed);
  std::uniform_int_distribution<std::uint64_t> a(1, kMersennePrime - 1), b(0, kMersennePrime - 1);
  for (std::size_t i = 0; i < options_.num_perm; ++i) {
    const std::uint64_t multiplier = a(random);
    permutation_a_low_.push_back(static_cast<std::uint32_t>(multiplier & ((1ull << 31) - 1)));
    permutation_a_high_.push_back(static_cast<std::uint32_t>(multiplier >> 31));
    permutation_b_.push_back(b(random));
  }
}

std::vector<std::uint64_t> NearDuplicates::shingle_hashes(TextView text, TokenList& tokens) const {
  tokenizer_.analyze(text, tokens);
  std::vector<std::uint64_t> hashes;
  const std::size_t n = tokens.size(), k = options_.shingle_size;
  if (n == 0) return hashes;
  std::vector<std::uint64_t> token_hashes(n);
  for (std::size_t t = 0; t < n; ++t) {
    token_hashes[t] = detail::fnv1a(tokens[t]);
  }
  // A document shorter than a shingle is one shingle of all its words.
  const std::size_t count = n >= k ? n - k + 1 : 1;
  for (std::size_t i = 0; i < count; ++i) {
    std::uint64_t hash = 0x9e3779b97f4a7c15ull;  // order-sensitive combination of its words
    for (std::size_t t = i; t < std::min(n, i + k); ++t)
      hash = (hash * detail::kFnv1aPrime) ^ token_hashes[t];
    hashes.push_back(hash);
  }
  std::sort(hashes.begin(), hashes.end());
  hashes.erase(std::unique(hashes.begin(), hashes.end()), hashes.end());
  return hashes;
}

namespace {

// The permutations of one shingle hash h, folded into the running minima. A free function over
// plain arrays so the compiler can vectorize it; target_clones adds an AVX2 build chosen at run
// time on CPUs that have it (the portable default stays the baseline x86-64 one).
#if defined(__GNUC__) && defined(__x86_64__)
__attribute__((target_clones("avx2", "default")))
#endif
void fold_permutations(std::uint64_t h, const std::uint32_t* __restrict__ a_low,
                       const std::uint32_t* __restrict__ a_high,
                       const std::uint64_t* __restrict__ b, std::uint32_t* __restrict__ minima,
                       std::size_t n) {
  // (a·h + b) mod (2^61 − 1), truncated to 32 bits, as datasketch permutes its hashes, with
  // a = a_high·2^31 + a_low so that every product is 32 × 32 bits, and no division: 2^61 ≡ 1,
  // so high bits fold down onto low ones.
  for (std::size_t i = 0; i < n; ++i) {
    const std::uint64_t low = a_low[i] * h;    // < 2^63
    const std::uint64_t high = a_high[i] * h;  // < 2^62; times 2^31 below
    std::uint64_t x = (low & kMersennePrime) + (low >> 61) + ((high & ((1ull << 30) - 1)) << 31) +
                      (high >> 30) + b[i];
    x = (x & kMersennePrime) + (x >> 61);
    x -= x >= kMersennePrime ? kMersennePrime : 0;
    const auto value = static_cast<std::uint32_t>(x);
    minima[i] = value < minima[i] ? value : minima[i];
  }
}

}  // namespace

void NearDuplicates::sign(const std::vector<std::uint64_t>& shingles,
                          std::uint32_t* signature) const {
  std::fill(signature, signature + options_.num_perm, std::numeric_limits<std::uint32_t>::max());
  for (std::uint64_t shingle : shingles)
    fold_permutations(static_cast<std::uint32_t>(shingle ^ (shingle >> 32)),
                      permutation_a_low_.data(), permutation_a_high_.data(), permutation_b_.data(),
                      signature, options_.num_perm);
}

std::uint64_t lsh_band_key(const std::uint32_t* signature, std::size_t band,
                           std::size_t rows_per_band) noexcept {
  return detail::fnv1a(signature + band * rows_per_band, rows_per_band) ^
         (band * 0x9e3779b97f4a7c15ull);
}

double shingle_jaccard(const std::uint64_t* x, std::size_t x_size, const std::uint64_t* y,
                       std::size_t y_size) noexcept {
  if (x_size == 0 && y_size == 0) return 0.0;
  std::size_t common = 0;
  for (std::size_t i = 0, j = 0; i < x_size && j < y_size;) {
    if (x[i] == y[j]) {
      ++common;
      ++i;
      ++j;
    } else if (x[i] < y[j]) {
      ++i;
    } else {
      ++j;
    }
  }
  return static_cast<double>(common) / static_cast<double>(x_size + y_size - common);
}

namespace {

void check_shingle_sets(const ShingleSetsView& sets, const char* name) {
  if (sets.size > 0 && sets.offsets[0] != 0)
    throw InvalidOptionError(std::string(name) + ": offsets must start at 0");
  for (std::size_t d = 0; d < sets.size; ++d)
    if (sets.offsets[d + 1] < sets.offsets[d])
      throw InvalidOptionError(std::string(name) + ": offsets must not decrease");
  if (sets.size > 0 && static_cast<std::uint64_t>(sets.offsets[sets.size]) != sets.n_hashes)
    throw InvalidOptionError(std::string(name) + ": offsets must end at the number of hashes");
}

void check_documents(const std::int64_t* documents, std::size_t n, std::size_t size,
                     const char* name) {
  for (std::size_t i = 0; i < n; ++i)
    if (documents[i] < 0 || static_cast<std::uint64_t>(documents[i]) >= size)
      throw InvalidOptionError(std::string(name) + " " + std::to_string(documents[i]) +
                               " is not among the " + std::to_string(size) + " shingle sets");
}

}  // namespace

std::vector<double> shingle_jaccard(const ShingleSetsView& a, const std::int64_t* first,
                                    const ShingleSetsView& b, const std::int64_t* second,
                                    std::size_t n_pairs, std::size_t n_threads) {
  check_shingle_sets(a, "first shingle sets");
  check_shingle_sets(b, "second shingle sets");
  check_documents(first, n_pairs, a.size, "first document");
  check_documents(second, n_pairs, b.size, "second document");
  std::vector<double> out(n_pairs);
  detail::parallel_for(
      n_pairs, n_threads, 256, [&](std::size_t, std::size_t begin, std::size_t end) {
        for (std::size_t c = begin; c < end; ++c) {
          const auto x = static_cast<std::size_t>(first[c]);
          const auto y = static_cast<std::size_t>(second[c]);
          out[c] = shingle_jaccard(
              a.hashes + a.offsets[x], static_cast<std::size_t>(a.offsets[x + 1] - a.offsets[x]),
              b.hashes + b.offsets[y], static_cast<std::size_t>(b.offsets[y + 1] - b.offsets[y]));
        }
      });
  return out;
}

std::vector<std::uint64_t> NearDuplicates::band_keys() const {
  std::vector<std::uint64_t> keys(size() * bands_);
  for (std::size_t d = 0; d < size(); ++d)
    for (std::size_t band = 0; band < bands_; ++band)
      keys[d * bands_ + band] = lsh_band_key(signature(d), band, rows_);
  return keys;
}

void NearDuplicates::add(const std::vector<TextView>& docs, std::size_t n_threads) {
  const std::size_t first = shingles_.size();
  shingles_.resize(first + docs.size());
  signatures_.resize((first + docs.size()) * options_.num_perm);
  try {
    detail::parallel_for(
        docs.size(), n_threads, 16, [&](std::size_t, std::size_t begin, std::size_t end) {
          TokenList tokens;
          for (std::size_t d = begin; d < end; ++d) {
            try {
              shingles_[first + d] = shingle_hashes(docs[d], tokens);
            } catch (const InvalidTextError& error) {
              throw error.in_document(first + d);
            }
            sign(shingles_[first + d], &signatures_[(first + d) * options_.num_perm]);
          }
        });
  } catch (...) {
    // A failed or interrupted add leaves the documents added before it, and nothing else.
    shingles_.resize(first);
    signatures_.resize(first * options_.num_perm);
    throw;
  }
}

double NearDuplicates::jaccard(std::size_t a, std::size_t b) const {
  const auto& x = shingles_[a];
  const auto& y = shingles_[b];
  return shingle_jaccard(x.data(), x.size(), y.data(), y.size());
}

std::vector<DuplicatePair> NearDuplicates::pairs(std::size_t n_threads, std::size_t max_pairs,
                                                 bool* truncated) const {
  // Each band's buckets are runs of its (key, document) list sorted by key, then document, so a
  // document's partners in a bucket are the entries after it with its key. Candidate pairs are
  // never listed per band: each document gathers its distinct later partners over all bands
  // (marked in `partner_of`), verifies them and keeps the duplicates, so memory is the bucket
  // lists (size() × bands) plus the answer, not bands × the candidate pairs.
  const std::size_t n = size();
  using Entry = std::pair<std::uint64_t, std::uint32_t>;  // (band key, document)
  std::vector<std::vector<Entry>> buckets(bands_);
  std::vector<std::uint32_t> position(n * bands_);  // document d's entry in band b: [d·bands + b]
  detail::parallel_for(bands_, n_threads, 1, [&](std::size_t, std::size_t begin, std::size_t end) {
    for (std::size_t band = begin; band < end; ++band) {
      std::vector<Entry>& entries = buckets[band];
      for (std::size_t d = 0; d < n; ++d)
        if (!shingles_[d].empty())
          entries.emplace_back(lsh_band_key(signature(d), band, rows_),
                               static_cast<std::uint32_t>(d));
      std::sort(entries.begin(), entries.end());
      for (std::size_t p = 0; p < entries.size(); ++p)
        position[entries[p].second * bands_ + band] = static_cast<std::uint32_t>(p);
    }
  });

  // The answer is the first max_pairs pairs in (first, second) order, and no more than half
  // of this machine's memory holds (it is copied once more for Python). Documents are taken in
  // rounds of a few tasks of consecutive documents; a task stops at its share of the pairs
  // still wanted, and the next round resumes after the last document whose pairs were kept.
  // So a corpus of many copies of one text (n²/2 pairs) holds at most about twice max_pairs
  // while it is searched, and stops there, the same pairs for any number of threads.
  const std::size_t memory = detail::physical_memory_bytes();
  const std::size_t memory_pairs = memory > 0 ? memory / 2 / (2 * sizeof(DuplicatePair)) : SIZE_MAX;
  const std::size_t limit = std::min(max_pairs, memory_pairs);
  constexpr std::size_t kDocumentsPerTask = 16;
  const std::size_t workers = detail::resolve_thread_count(n_threads, SIZE_MAX);
  const std::size_t tasks_per_round = 4 * workers;
  struct Task {
    std::vector<DuplicatePair> pairs;
    std::size_t end = 0;  // the first document it did not look at
  };
  std::vector<Task> tasks(tasks_per_round);
  // partner_of[j] is the stamp of the last document j was met as a partner of: a count of the
  // worker's documents, not the document's number, as a document of a task whose pairs were
  // dropped is looked at again later.
  std::vector<std::vector<std::uint32_t>> partners_of_worker(workers);
  std::vector<std::uint32_t> stamp_of_worker(workers, 0);
  std::vector<DuplicatePair> out;
  // After a round that stopped early, pairs are dense: a round of one task per worker then
  // wastes less of the work done after the stop.
  std::size_t round_tasks = tasks_per_round;
  for (std::size_t next = 0; next < n && out.size() <= limit;) {
    const std::size_t wanted = limit - out.size() + 1;  // one more says whether there are more
    const std::size_t task_share = (wanted + round_tasks - 1) / round_tasks;
    const std::size_t round_end = std::min(n, next + round_tasks * kDocumentsPerTask);
    detail::parallel_for(
        round_end - next, n_threads, kDocumentsPerTask,
        [&](std::size_t worker, std::size_t begin, std::size_t end) {
          std::vector<std::uint32_t>& partner_of = partners_of_worker[worker];
          if (partner_of.empty()) partner_of.assign(n, std::numeric_limits<std::uint32_t>::max());
          Task& task = tasks[begin / kDocumentsPerTask];
          task.pairs.clear();
          task.end = next + end;
          for (std::size_t i = next + begin; i < next + end; ++i) {
            if (task.pairs.size() >= task_share) {
              task.end = i;
              break;
            }
            if (shingles_[i].empty()) continue;
            std::uint32_t& stamp = stamp_of_worker[worker];
            if (++stamp == std::numeric_limits<std::uint32_t>::max()) {
              std::fill(partner_of.begin(), partner_of.end(), stamp);
              stamp = 0;
            }
            const std::size_t first_of_document = task.pairs.size();
            for (std::size_t band = 0; band < bands_; ++band) {
              const std::vector<Entry>& entries = buckets[band];
              const std::size_t p = position[i * bands_ + band];
              for (std::size_t q = p + 1;
                   q < entries.size() && entries[q].first == entries[p].first; ++q) {
                const std::uint32_t j = entries[q].second;
                if (partner_of[j] == stamp) continue;
                partner_of[j] = stamp;
                const double similarity = jaccard(i, j);
                if (similarity >= options_.threshold) task.pairs.push_back({i, j, similarity});
              }
            }
            std::sort(task.pairs.begin() + static_cast<std::ptrdiff_t>(first_of_document),
                      task.pairs.end(), [](const DuplicatePair& x, const DuplicatePair& y) {
                        return x.second < y.second;
                      });
          }
        });
    for (std::size_t t = 0; next < round_end; ++t) {
      Task& task = tasks[t];
      out.insert(out.end(), task.pairs.begin(), task.pairs.end());
      const std::size_t task_end = std::min(round_end, next + kDocumentsPerTask);
      const bool stopped_early = task.end < task_end;
      next = task.end;
      round_tasks = stopped_early ? workers : tasks_per_round;
      if (stopped_early || out.size() > limit) break;  // later tasks' pairs come after these
    }
  }
  for (Task& task : tasks) std::vector<DuplicatePair>().swap(task.pairs);
  const bool more = out.size() > limit;
  if (more && limit < max_pairs)
    throw MemoryLimitError(
        "more than " + std::to_string(limit) +
        " near-duplicate pairs, more than half of this machine's memory holds: raise "
        "threshold, lower max_pairs, or remove exact copies first");
  if (more) out.resize(limit);
  if (truncated) *truncated = more;
  return out;
}

std::vector<DuplicatePair> NearDuplicates::query(TextView text) const {
  TokenList tokens;
  const std::vector<std::uint64_t> shingles = shingle_hashes(text, tokens);
  std::vector<DuplicatePair> out;
  if (shingles.empty()) return out;
  std::vector<std::uint32_t> signature(options_.num_perm);
  sign(shingles, signature.data());
  for (std::size_t d = 0; d < size(); ++d) {
    bool candidate = false;
    for (std::size_t band = 0; band < bands_ && !candidate; ++band)
      candidate = std::equal(signature.data() + band * rows_, signature.data() + (band + 1) * rows_,
                             this->signature(d) + band * rows_);
    if (!candidate) continue;
    const auto& y = shingles_[d];
    const double similarity = shingle_jaccard(shingles.data(), shingles.size(), y.data(), y.size());
    if (similarity >= options_.threshold) out.push_back({d, d, similarity});
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.jaccard != b.jaccard ? a.jaccard > b.jaccard : a.first < b.first;
  });
  return out;
}

}  // namespace khabar
