// scikit-learn's default tokenization, str.lower() then re.findall(r"(?u)\b\w\w+\b", ...), done
// by khabar/python_regex.hpp on one core over a file of texts (separated by NUL bytes, as
// bench/bench_python_regex.py writes them). Prints JSON: the best round's seconds (the slower
// rounds measure the other processes of a shared machine), the tokens and bytes of one round.
#include <khabar/python_regex.hpp>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: khabar_python_regex_speed TEXTS_FILE ROUNDS\n";
    return 2;
  }
  std::ifstream input(argv[1], std::ios::binary);
  const std::string all((std::istreambuf_iterator<char>(input)), std::istreambuf_iterator<char>());
  std::vector<std::string_view> texts;
  for (std::size_t begin = 0; begin < all.size();) {
    const std::size_t end = std::min(all.find('\0', begin), all.size());
    texts.push_back(std::string_view(all).substr(begin, end - begin));
    begin = end + 1;
  }
  const auto pattern = khabar::PythonWordPattern::parse(R"((?u)\b\w\w+\b)");
  std::string lowered;
  std::vector<std::pair<std::size_t, std::size_t>> spans;
  double best = 1e300;
  std::size_t tokens = 0;
  for (int round = 0, rounds = std::max(1, std::stoi(argv[2])); round < rounds; ++round) {
    tokens = 0;
    const auto start = std::chrono::steady_clock::now();
    for (const std::string_view text : texts) {
      lowered.clear();
      khabar::python_lower(text, lowered);
      pattern->find_all(lowered, spans);
      tokens += spans.size();
    }
    const std::chrono::duration<double> seconds = std::chrono::steady_clock::now() - start;
    best = std::min(best, seconds.count());
  }
  std::cout << "{\"seconds\": " << best << ", \"tokens\": " << tokens
            << ", \"bytes\": " << all.size() << "}\n";
  return 0;
}
