#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

#include "khabar/tokenizer.hpp"

namespace khabar {

/// A run of consecutive tokens that two texts share: tokens [a_begin, a_end) of the first equal
/// tokens [b_begin, b_end) of the second; the spans locate the run in each ORIGINAL text.
struct Passage {
  std::size_t a_begin = 0, a_end = 0;
  std::size_t b_begin = 0, b_end = 0;
  TokenSpan a_span{};
  TokenSpan b_span{};
  std::size_t n_words() const noexcept { return a_end - a_begin; }
};

/// Every maximal run of at least `min_words` consecutive tokens (as `tokenizer` produces them,
/// word analyzer) that occurs in both UTF-8 texts: a run cannot be extended on either side.
/// Sorted by position in `a`, then in `b`, and at most `max_passages` of them: the first ones
/// in that order; `*truncated` (when given) says whether more exist. Found by indexing the
/// min_words-grams of `b` by the token before them and extending from `a` only the positions
/// where a run starts, so time is linear in the texts plus the length of the runs reported —
/// two texts of one repeated word hold |a| + |b| maximal runs of up to min(|a|, |b|) words,
/// which the bound keeps from costing |a| × |b|.
constexpr std::size_t kDefaultMaxPassages = 1000;
std::vector<Passage> shared_passages(std::string_view a, std::string_view b, std::size_t min_words,
                                     const Tokenizer& tokenizer,
                                     std::size_t max_passages = kDefaultMaxPassages,
                                     bool* truncated = nullptr);

}  // namespace khabar
