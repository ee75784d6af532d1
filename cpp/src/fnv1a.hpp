#pragma once

// FNV-1a, 64-bit (Fowler, Noll & Vo; draft-eastlake-fnv): the checksum of khabar's binary
// files and the hash of tokens, ids and signature bands. Its values are part of the file
// formats and of the LSH bucket keys, so there is one definition.

#include <cstdint>
#include <string_view>

namespace khabar::detail {

inline constexpr std::uint64_t kFnv1aOffset = 0xcbf29ce484222325ull;
inline constexpr std::uint64_t kFnv1aPrime = 0x100000001b3ull;

/// Continues `hash` over one more unit (a byte, or a whole id for hashes of id sequences).
constexpr std::uint64_t fnv1a_step(std::uint64_t hash, std::uint64_t unit) noexcept {
  return (hash ^ unit) * kFnv1aPrime;
}

constexpr std::uint64_t fnv1a(std::string_view bytes, std::uint64_t hash = kFnv1aOffset) noexcept {
  for (const char byte : bytes) hash = fnv1a_step(hash, static_cast<unsigned char>(byte));
  return hash;
}

/// FNV-1a of the little-endian bytes of 32-bit values, whatever the machine's byte order.
constexpr std::uint64_t fnv1a(const std::uint32_t* values, std::size_t n,
                              std::uint64_t hash = kFnv1aOffset) noexcept {
  for (std::size_t i = 0; i < n; ++i)
    for (int byte = 0; byte < 4; ++byte) hash = fnv1a_step(hash, (values[i] >> (8 * byte)) & 0xFF);
  return hash;
}

}  // namespace khabar::detail
