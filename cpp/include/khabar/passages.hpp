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
/// Found by indexing the min_words-grams of `b` and extending matches from `a` along their
/// diagonal, so time is linear in the texts plus the number of matching positions. Sorted by
/// position in `a`, then in `b`.
std::vector<Passage> shared_passages(std::string_view a, std::string_view b, std::size_t min_words,
                                     const Tokenizer& tokenizer);

}  // namespace khabar
