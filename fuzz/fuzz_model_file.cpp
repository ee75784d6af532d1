// libFuzzer target: see khabar::fuzz::check_model_file in fuzz_checks.hpp.
#include <cstddef>
#include <cstdint>

#include "fuzz_checks.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  khabar::fuzz::check_model_file(data, size);
  return 0;
}
