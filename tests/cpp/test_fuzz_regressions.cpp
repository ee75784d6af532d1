#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "fuzz_checks.hpp"

// Replays every input saved in tests/cpp/fuzz_regressions/<target>/ through the checks its
// libFuzzer target runs (fuzz/fuzz_checks.hpp), here built with the test suite's compiler. A
// broken invariant aborts this test (ctest reports it and the file name printed last); an
// exception other than the one khabar documents for the input fails it.

namespace {

namespace fs = std::filesystem;

void replay(const std::string& target, void (*check)(const std::uint8_t*, std::size_t)) {
  const fs::path folder = fs::path(KHABAR_FUZZ_REGRESSIONS) / target;
  std::vector<fs::path> inputs;
  for (const auto& entry : fs::directory_iterator(folder))
    if (entry.is_regular_file()) inputs.push_back(entry.path());
  std::sort(inputs.begin(), inputs.end());
  ASSERT_FALSE(inputs.empty()) << "no saved inputs in " << folder;
  for (const fs::path& path : inputs) {
    std::cerr << "replaying " << path << "\n";
    std::ifstream in(path, std::ios::binary);
    const std::string bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    EXPECT_NO_THROW(check(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()))
        << path;
  }
}

TEST(FuzzRegressions, Tokenize) { replay("tokenize", khabar::fuzz::check_tokenize); }

TEST(FuzzRegressions, ModelFile) { replay("model_file", khabar::fuzz::check_model_file); }

TEST(FuzzRegressions, SharedPassages) {
  replay("shared_passages", khabar::fuzz::check_shared_passages);
}

TEST(FuzzRegressions, Csr) { replay("csr", khabar::fuzz::check_csr); }

TEST(FuzzRegressions, WordBreaks) { replay("word_breaks", khabar::fuzz::check_word_breaks); }

}  // namespace
