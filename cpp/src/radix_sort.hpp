#pragma once

// Least significant digit first radix sort of 64-bit keys on a range of their bits, for keys
// that pack a small integer to sort by above a payload (a column above a count, a hash slot
// above an id). Stable, so keys equal in the sorted bits keep their order.

#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace khabar::detail {

/// Sorts `keys` by bits [low_bit, low_bit + bits) (bits <= 32); `scratch` is working memory.
void radix_sort(std::vector<std::uint64_t>& keys, std::vector<std::uint64_t>& scratch,
                unsigned low_bit, unsigned bits);

/// Number of bits needed to hold the values 0 .. n - 1 (at least 1).
unsigned bits_for(std::size_t n);

}  // namespace khabar::detail
