// The khabar stemmer without the names learned from UD Arabic-PADT (ICU's Arabic names and the
// lexicon only) over the words of a file (one normalized word per line): a stem per line on
// standard output. bench/stemming_eval.py scores it beside the built-in stemmer, to show what
// the PADT list (CC BY-NC-SA) adds on the documents it was not learned from.
#include <khabar/stemmer.hpp>

#include <fstream>
#include <iostream>
#include <string>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: khabar_stem_icu_names_only WORDS_FILE\n";
    return 2;
  }
  const auto stemmer = khabar::KhabarStemmer::from_built_in_data(false);
  std::ifstream words(argv[1]);
  for (std::string word; std::getline(words, word);)
    std::cout << stemmer->stem(std::string_view(word)) << '\n';
  return 0;
}
