#include "khabar/stopwords.hpp"

#include <sstream>

#include "stopwords_data.hpp"

namespace khabar {
namespace {

std::vector<std::string> parse_word_list(const char* text) {
  std::vector<std::string> words;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    const auto first = line.find_first_not_of(" \t\r");
    if (first == std::string::npos || line[first] == '#') continue;
    const auto last = line.find_last_not_of(" \t\r");
    words.push_back(line.substr(first, last - first + 1));
  }
  return words;
}

}  // namespace

const std::vector<std::string>& arabic_stopwords() {
  static const std::vector<std::string> words = parse_word_list(detail::kArabicStopwordsText);
  return words;
}

}  // namespace khabar
