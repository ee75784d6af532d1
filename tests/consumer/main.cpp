// Tokenizes an Arabic sentence with the installed library and checks the result.
#include <khabar/khabar.hpp>

#include <iostream>
#include <string>
#include <vector>

int main() {
  const khabar::Tokenizer tokenizer;
  const std::vector<std::string> tokens = tokenizer.tokenize("الرَّئِيسُ بوتين، سوريا؟");
  const std::vector<std::string> expected = {"الرئيس", "بوتين", "سوريا"};
  if (tokens != expected) {
    std::cerr << "unexpected tokens:";
    for (const auto& token : tokens) std::cerr << " [" << token << "]";
    std::cerr << "\n";
    return 1;
  }
  std::cout << "khabar " << khabar::kVersion << " consumer OK: " << tokens.size() << " tokens\n";
  return 0;
}
