#include "khabar/passages.hpp"

#include <algorithm>
#include <unordered_map>

#include "fnv1a.hpp"
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
                                     const Tokenizer& tokenizer) {
  if (min_words == 0) throw InvalidOptionError("min_words must be at least 1");
  if (tokenizer.options().analyzer != Analyzer::word || tokenizer.options().ngram_min != 1 ||
      tokenizer.options().ngram_max != 1)
    throw InvalidOptionError("shared passages need a word tokenizer without n-grams");
  TermIndex terms;
  const Sequence first = ids_of(a, tokenizer, terms);
  const Sequence second = ids_of(b, tokenizer, terms);
  std::vector<Passage> passages;
  if (first.ids.size() < min_words || second.ids.size() < min_words) return passages;

  std::unordered_multimap<std::uint64_t, std::size_t> grams_of_b;
  grams_of_b.reserve(second.ids.size());
  for (std::size_t j = 0; j + min_words <= second.ids.size(); ++j)
    grams_of_b.emplace(gram_hash(&second.ids[j], min_words), j);

  const auto& x = first.ids;
  const auto& y = second.ids;
  for (std::size_t i = 0; i + min_words <= x.size(); ++i) {
    const auto [begin, end] = grams_of_b.equal_range(gram_hash(&x[i], min_words));
    for (auto match = begin; match != end; ++match) {
      const std::size_t j = match->second;
      // Only runs that start here: a run extendable to the left was found at its start.
      if (i > 0 && j > 0 && x[i - 1] == y[j - 1]) continue;
      std::size_t length = 0;
      while (i + length < x.size() && j + length < y.size() && x[i + length] == y[j + length])
        ++length;
      if (length < min_words) continue;  // a hash collision, not a match
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
  std::sort(passages.begin(), passages.end(), [](const Passage& p, const Passage& q) {
    return p.a_begin != q.a_begin ? p.a_begin < q.a_begin : p.b_begin < q.b_begin;
  });
  return passages;
}

}  // namespace khabar
