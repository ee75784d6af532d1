// libFuzzer target: see khabar::fuzz::check_word_breaks in fuzz_checks.hpp.
#include <cstddef>
#include <cstdint>

#include "fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  khabar::fuzz::check_word_breaks(data, size);
  return 0;
}
