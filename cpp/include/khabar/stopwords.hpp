#pragma once

#include <string>
#include <vector>

namespace khabar {

/// khabar's curated list of Modern Standard Arabic function words (prepositions, conjunctions,
/// pronouns, demonstratives, relative pronouns, particles, auxiliaries and their clitic forms),
/// as written in cpp/data/stopwords-ar.txt: not normalized. The Tokenizer normalizes the list
/// with its own options before matching, so it always matches normalized tokens.
const std::vector<std::string>& arabic_stopwords();

}  // namespace khabar
