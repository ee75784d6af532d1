// The khabar stemmer without the names learned from UD Arabic-PADT: built on ICU's Arabic names
// and the lexicon alone, it stems the words of a file (one normalized word per line) to standard
// output, a stem per line. bench/stemming_eval.py scores it beside the built-in stemmer, to show
// what the PADT list (CC BY-NC-SA) adds on the documents it was not learned from.
#include <khabar/normalizer.hpp>
#include <khabar/stemmer.hpp>

#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: khabar_stem_icu_names_only LEXICON_TSV WORDS_FILE\n";
    return 2;
  }
  std::vector<khabar::LexiconEntry> lexicon;
  std::ifstream lexicon_file(argv[1]);
  for (std::string line; std::getline(lexicon_file, line);) {
    const auto tab = line.find('\t');
    if (line.empty() || line[0] == '#' || tab == std::string::npos) continue;
    lexicon.push_back(
        {line.substr(0, tab), static_cast<std::uint32_t>(std::stoul(line.substr(tab + 1)))});
  }
  if (lexicon.empty()) {
    std::cerr << "no lexicon entries in " << argv[1] << "\n";
    return 1;
  }
  // Spelled as built_in() spells its names: normalized with khabar's defaults.
  const khabar::Normalizer normalizer;
  std::vector<std::string> names;
  for (const std::string& name : khabar::icu_arabic_place_names())
    names.push_back(normalizer.normalize(name));
  const khabar::KhabarStemmer stemmer(names, lexicon);
  std::ifstream words(argv[2]);
  for (std::string word; std::getline(words, word);)
    std::cout << stemmer.stem(std::string_view(word)) << '\n';
  return 0;
}
