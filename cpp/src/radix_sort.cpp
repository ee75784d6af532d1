#include "radix_sort.hpp"

#include <algorithm>
#include <utility>

namespace khabar::detail {

unsigned bits_for(std::size_t n) {
  unsigned bits = 1;
  while (bits < 64 && (std::uint64_t{1} << bits) < n) ++bits;
  return bits;
}

void radix_sort(std::vector<std::uint64_t>& keys, std::vector<std::uint64_t>& scratch,
                unsigned low_bit, unsigned bits) {
  const std::size_t n = keys.size();
  const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  auto sort_bits = [&](std::uint64_t key) { return (key >> low_bit) & mask; };
  if (n < 32) {  // insertion sort: cheaper than clearing the digit counts
    for (std::size_t i = 1; i < n; ++i) {
      const std::uint64_t key = keys[i];
      std::size_t j = i;
      for (; j > 0 && sort_bits(keys[j - 1]) > sort_bits(key); --j) keys[j] = keys[j - 1];
      keys[j] = key;
    }
    return;
  }
  constexpr unsigned kDigitBits = 8;
  constexpr std::size_t kDigitValues = std::size_t{1} << kDigitBits;
  const unsigned passes = (bits + kDigitBits - 1) / kDigitBits;
  std::array<std::array<std::uint32_t, kDigitValues>, 4> counts{};
  auto digit = [&](std::uint64_t key, unsigned pass) {
    return (sort_bits(key) >> (pass * kDigitBits)) & (kDigitValues - 1);
  };
  for (std::uint64_t key : keys)
    for (unsigned pass = 0; pass < passes; ++pass) ++counts[pass][digit(key, pass)];
  scratch.resize(n);
  std::uint64_t* from = keys.data();
  std::uint64_t* to = scratch.data();
  for (unsigned pass = 0; pass < passes; ++pass) {
    auto& count = counts[pass];
    if (count[digit(from[0], pass)] == n) continue;  // every key has this digit: nothing moves
    std::uint32_t offset = 0;
    for (auto& c : count) offset += std::exchange(c, offset);
    for (std::size_t i = 0; i < n; ++i) to[count[digit(from[i], pass)]++] = from[i];
    std::swap(from, to);
  }
  if (from != keys.data()) std::copy(from, from + n, keys.data());
}

}  // namespace khabar::detail
