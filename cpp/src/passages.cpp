#include "khabar/passages.hpp"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <tuple>
#include <type_traits>

#include "fnv1a.hpp"
#include "interruption_state.hpp"
#include "khabar/errors.hpp"
#include "khabar/term_index.hpp"

namespace khabar {
namespace {

struct Sequence {
  std::vector<std::uint32_t> ids;
  std::vector<TokenSpan> spans;
};

Sequence ids_of(std::string_view text, const Tokenizer& tokenizer, TermIndex& terms) {
  Sequence out;
  TokenList tokens;
  tokenizer.analyze(text, tokens, &out.spans);
  terms.insert_all(tokens, out.ids);
  return out;
}

// Hash of the n ids starting at `first` (FNV-1a over the ids).
std::uint64_t gram_hash(const std::uint32_t* first, std::size_t n) {
  std::uint64_t hash = detail::kFnv1aOffset;
  for (std::size_t i = 0; i < n; ++i) hash = detail::fnv1a_step(hash, first[i]);
  return hash;
}

}  // namespace

std::vector<Passage> shared_passages(std::string_view a, std::string_view b, std::size_t min_words,
                                     const Tokenizer& tokenizer, std::size_t max_passages,
                                     bool* truncated) {
  if (min_words == 0) throw InvalidOptionError("min_words must be at least 1");
  if (max_passages == 0) throw InvalidOptionError("max_passages must be at least 1");
  if (tokenizer.options().analyzer != Analyzer::word || tokenizer.options().ngram_min != 1 ||
      tokenizer.options().ngram_max != 1)
    throw InvalidOptionError("shared passages need a word tokenizer without n-grams");
  if (truncated) *truncated = false;
  TermIndex terms;
  const Sequence first = ids_of(a, tokenizer, terms);
  const Sequence second = ids_of(b, tokenizer, terms);
  std::vector<Passage> passages;
  if (first.ids.size() < min_words || second.ids.size() < min_words) return passages;
  const auto& x = first.ids;
  const auto& y = second.ids;
  detail::InterruptionPoller interruption;

  // The min_words-grams of b, sorted by (gram hash, token before the gram, position): a run
  // starts at (i, j) only where the tokens before i and j differ, so the positions whose
  // preceding token equals x[i − 1] form one contiguous group that is skipped whole, and every
  // position visited starts a run (barring a hash collision). Scanning the whole bucket instead
  // cost |a| × |b| steps for a repeated word.
  constexpr std::uint32_t kTextStart = std::numeric_limits<std::uint32_t>::max();
  struct Gram {
    std::uint64_t hash;
    std::uint32_t before;  // the token before position j, kTextStart for j = 0
    std::uint32_t position;
  };
  std::vector<Gram> grams;
  grams.reserve(y.size() - min_words + 1);
  for (std::size_t j = 0; j + min_words <= y.size(); ++j) {
    interruption.step();
    grams.push_back({gram_hash(&y[j], min_words), j > 0 ? y[j - 1] : kTextStart,
                     static_cast<std::uint32_t>(j)});
  }
  auto key = [](const Gram& g) { return std::tie(g.hash, g.before, g.position); };
  std::sort(grams.begin(), grams.end(),
            [&](const Gram& p, const Gram& q) { return key(p) < key(q); });

  // Runs are reported in order of i, then j, and at most max_passages of them: each run costs
  // its length to extend, so the bound keeps the work linear in the texts (plus max_passages
  // times the longest run) however repetitive they are.
  std::vector<std::size_t> starts;
  for (std::size_t i = 0; i + min_words <= x.size() && passages.size() <= max_passages; ++i) {
    interruption.step();
    const std::uint64_t hash = gram_hash(&x[i], min_words);
    const auto by_hash =
        std::equal_range(grams.begin(), grams.end(), hash, [](const auto& p, const auto& q) {
          if constexpr (std::is_same_v<std::decay_t<decltype(p)>, Gram>)
            return p.hash < q;
          else
            return p < q.hash;
        });
    if (by_hash.first == by_hash.second) continue;
    auto skip_begin = by_hash.second, skip_end = by_hash.second;
    if (i > 0) {
      const std::uint32_t before = x[i - 1];
      skip_begin = std::lower_bound(by_hash.first, by_hash.second, before,
                                    [](const Gram& g, std::uint32_t t) { return g.before < t; });
      skip_end = std::upper_bound(skip_begin, by_hash.second, before,
                                  [](std::uint32_t t, const Gram& g) { return t < g.before; });
    }
    starts.clear();
    for (auto g = by_hash.first; g != skip_begin; ++g) starts.push_back(g->position);
    for (auto g = skip_end; g != by_hash.second; ++g) starts.push_back(g->position);
    std::sort(starts.begin(), starts.end());
    for (const std::size_t j : starts) {
      interruption.step();
      const std::size_t span = std::min(x.size() - i, y.size() - j);
      const std::size_t length =
          static_cast<std::size_t>(std::mismatch(x.begin() + static_cast<std::ptrdiff_t>(i),
                                                 x.begin() + static_cast<std::ptrdiff_t>(i + span),
                                                 y.begin() + static_cast<std::ptrdiff_t>(j))
                                       .first -
                                   (x.begin() + static_cast<std::ptrdiff_t>(i)));
      interruption.step(length / 16);    // comparisons are far cheaper than the other steps
      if (length < min_words) continue;  // a hash collision, not a match
      if (passages.size() == max_passages) {
        if (truncated) *truncated = true;
        passages.push_back({});  // ends both loops; removed below
        break;
      }
      Passage passage;
      passage.a_begin = i;
      passage.a_end = i + length;
      passage.b_begin = j;
      passage.b_end = j + length;
      passage.a_span = {first.spans[i].begin_byte, first.spans[i + length - 1].end_byte,
                        first.spans[i].begin_char, first.spans[i + length - 1].end_char};
      passage.b_span = {second.spans[j].begin_byte, second.spans[j + length - 1].end_byte,
                        second.spans[j].begin_char, second.spans[j + length - 1].end_char};
      passages.push_back(passage);
    }
  }
  if (passages.size() > max_passages) passages.pop_back();
  return passages;
}

}  // namespace khabar
