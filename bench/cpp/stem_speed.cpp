// The stem step alone, on one core: light10 and the khabar stemmer over the words of a file
// (one normalized word per line), as JSON tokens/s. Run by bench/stemming_eval.py. Each round
// is one pass over the words; khabar starts every round with an empty StemMemory,
// so each round is a first pass (unknown words analysed on first sight); "warm" keeps one
// memory across rounds (every word seen before, as deep into a corpus). The best round of each
// is reported: on a shared machine the slower rounds measure the other processes.
#include <unicode/unistr.h>
#include <khabar/stemmer.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

namespace {

template <typename Stem>
double tokens_per_second(const std::vector<std::u16string>& words, Stem&& stem) {
  std::size_t checksum = 0;
  const auto start = std::chrono::steady_clock::now();
  for (const std::u16string& word : words) checksum += stem(std::u16string_view(word)).size();
  const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
  if (checksum == 0) std::cerr << "no letters stemmed\n";  // keeps the loop from being elided
  return static_cast<double>(words.size()) / seconds.count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: khabar_stem_speed WORDS_FILE\n";
    return 2;
  }
  std::ifstream input(argv[1]);
  std::vector<std::string> utf8;
  for (std::string line; std::getline(input, line);)
    if (!line.empty()) utf8.push_back(line);
  std::vector<std::u16string> words;
  for (const std::string& word : utf8) {
    const icu::UnicodeString units = icu::UnicodeString::fromUTF8(word);
    words.emplace_back(units.getBuffer(), static_cast<std::size_t>(units.length()));
  }
  const khabar::KhabarStemmer& stemmer = khabar::KhabarStemmer::built_in();
  double light10 = 0, khabar = 0, khabar_warm = 0;
  khabar::StemMemory kept;  // the warm case: every unknown word already seen once
  // About three million tokens in all, at least 5 rounds and at most 200.
  const std::size_t rounds =
      std::clamp<std::size_t>(3000000 / std::max<std::size_t>(words.size(), 1), 5, 200);
  for (std::size_t round = 0; round < rounds; ++round) {
    light10 = std::max(light10, tokens_per_second(words, [](std::u16string_view w) {
                         return khabar::light10_stem(w);
                       }));
    khabar::StemMemory memory;
    khabar = std::max(khabar, tokens_per_second(words, [&](std::u16string_view w) {
                        return stemmer.stem(w, memory);
                      }));
    khabar_warm = std::max(khabar_warm, tokens_per_second(words, [&](std::u16string_view w) {
                             return stemmer.stem(w, kept);
                           }));
  }
  std::printf(
      "{\"light10\": %.0f, \"khabar\": %.0f, \"khabar_warm\": %.0f, \"ratio\": %.4f, "
      "\"ratio_warm\": %.4f}\n",
      light10, khabar, khabar_warm, khabar / light10, khabar_warm / light10);
  return 0;
}
