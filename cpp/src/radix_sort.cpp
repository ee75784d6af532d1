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
  // Digits of 8 bits, or of 6 for a short list (a document's row: a few hundred keys), where
  // clearing and summing 256 counts a digit cost more than the keys themselves. Each pass
  // sweeps the keys with its own shift and mask, loop-invariant in its loops.
  const unsigned digit_bits = n < 1024 ? 6 : 8;
  const unsigned passes = (bits + digit_bits - 1) / digit_bits;
  std::array<std::uint32_t, 256> count;
  scratch.resize(n);
  std::uint64_t* from = keys.data();
  std::uint64_t* to = scratch.data();
  for (unsigned pass = 0; pass < passes; ++pass) {
    const unsigned shift = low_bit + pass * digit_bits;
    const unsigned width = std::min(digit_bits, bits - pass * digit_bits);
    const std::uint64_t digit_mask = (std::uint64_t{1} << width) - 1;
    const std::size_t values = std::size_t{1} << width;
    std::fill_n(count.begin(), values, 0);
    for (std::size_t i = 0; i < n; ++i) ++count[(from[i] >> shift) & digit_mask];
    if (count[(from[0] >> shift) & digit_mask] == n) continue;  // every key has this digit
    std::uint32_t offset = 0;
    for (std::size_t d = 0; d < values; ++d) offset += std::exchange(count[d], offset);
    for (std::size_t i = 0; i < n; ++i) to[count[(from[i] >> shift) & digit_mask]++] = from[i];
    std::swap(from, to);
  }
  if (from != keys.data()) std::copy(from, from + n, keys.data());
}

}  // namespace khabar::detail
