#include "khabar/term_index.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>

#include "memory.hpp"
#include "radix_sort.hpp"

namespace khabar {

namespace {

// wyhash's constants and its 64-bit fold of a 128-bit product (Wang Yi, wyhash final version 4):
// every input bit reaches the low bits the table is indexed by, in two multiplications.
constexpr std::uint64_t kMix0 = 0xa0761d6478bd642full;
constexpr std::uint64_t kMix1 = 0xe7037ed1a0b428dbull;
constexpr std::uint64_t kMix2 = 0x8ebc6af09c88c6e3ull;

std::uint64_t folded_product(std::uint64_t a, std::uint64_t b) noexcept {
#ifdef __SIZEOF_INT128__
  __extension__ typedef unsigned __int128 Wide;  // __extension__: -Wpedantic accepts it
  const Wide product = static_cast<Wide>(a) * b;
  return static_cast<std::uint64_t>(product) ^ static_cast<std::uint64_t>(product >> 64);
#else
  const std::uint64_t a_low = a & 0xFFFFFFFFu, a_high = a >> 32;
  const std::uint64_t b_low = b & 0xFFFFFFFFu, b_high = b >> 32;
  const std::uint64_t low_low = a_low * b_low, high_low = a_high * b_low;
  const std::uint64_t low_high = a_low * b_high, high_high = a_high * b_high;
  const std::uint64_t cross = (low_low >> 32) + (high_low & 0xFFFFFFFFu) + low_high;
  const std::uint64_t high = high_high + (high_low >> 32) + (cross >> 32);
  const std::uint64_t low = a * b;
  return low ^ high;
#endif
}

std::uint64_t load64(const char* bytes) noexcept {
  std::uint64_t value;
  std::memcpy(&value, bytes, sizeof value);
  return value;
}

std::uint32_t load32(const char* bytes) noexcept {
  std::uint32_t value;
  std::memcpy(&value, bytes, sizeof value);
  return value;
}

// The first 16 bytes of `term`, zero-padded, as memcpy would give them, with fixed-size loads
// (overlapping ones for lengths between) instead of a call for each token.
void load_head(std::string_view term, std::uint64_t head[2]) noexcept {
  const char* bytes = term.data();
  const std::size_t size = term.size();
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
  if (size >= 16) {
    head[0] = load64(bytes);
    head[1] = load64(bytes + 8);
  } else if (size > 8) {
    head[0] = load64(bytes);
    head[1] = load64(bytes + size - 8) >> (8 * (16 - size));
  } else if (size >= 4) {
    head[0] = static_cast<std::uint64_t>(load32(bytes)) |
              static_cast<std::uint64_t>(load32(bytes + size - 4)) << (8 * (size - 4));
    head[1] = 0;
  } else {
    head[0] = 0;
    for (std::size_t i = 0; i < size; ++i)
      head[0] |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
    head[1] = 0;
  }
#else
  head[0] = head[1] = 0;
  std::memcpy(head, bytes, std::min<std::size_t>(size, 16));
#endif
}

}  // namespace

std::uint64_t TermIndex::hash_of(std::string_view term) noexcept { return key_of(term).hash; }

// Terms of up to 16 bytes (most words, in UTF-8 or UTF-16) are hashed from the head the slot
// keeps anyway, up to 32 bytes (an Arabic word of 9 to 16 letters in UTF-16) from the head and
// the last 16 bytes; longer ones by std::hash. The hash only places terms in the table: ids,
// and so every result, are the same for any hash.
TermIndex::Key TermIndex::key_of(std::string_view term) noexcept {
  Key key{term, 0, {0, 0}};
  load_head(term, key.head);
  const auto size = static_cast<std::uint64_t>(term.size());
  const std::uint64_t head = folded_product(key.head[0] ^ kMix0, key.head[1] ^ kMix1);
  if (term.size() <= kInlineBytes) {
    key.hash = folded_product(head ^ kMix2, size ^ kMix0);
  } else if (term.size() <= 2 * kInlineBytes) {
    const char* tail = term.data() + term.size() - kInlineBytes;
    const std::uint64_t last = folded_product(load64(tail) ^ kMix2, load64(tail + 8) ^ kMix0);
    key.hash = folded_product(head ^ last ^ kMix1, size ^ kMix2);
  } else {
    key.hash = std::hash<std::string_view>{}(term);
  }
  return key;
}

bool TermIndex::same_tail(const Slot& slot, const Key& key) const noexcept {
  return term(slot.id_plus_one - 1).substr(kInlineBytes) == key.term.substr(kInlineBytes);
}

std::vector<TermIndex::Slot> TermIndex::empty_slots(std::size_t slot_count) {
  std::vector<Slot> slots;
  slots.reserve(slot_count);
  detail::advise_huge_pages(slots.data(), slot_count * sizeof(Slot));
  slots.resize(slot_count);
  return slots;
}

void TermIndex::reserve(std::size_t terms) {
  std::size_t slot_count = 16;
  while (slot_count < 2 * terms) slot_count *= 2;
  if (slot_count > slots_.size()) rehash(slot_count);
}

void TermIndex::rehash(std::size_t slot_count) {
  std::vector<Slot> slots = empty_slots(slot_count);
  const std::size_t mask = slot_count - 1;
  for (const Slot& slot : slots_) {
    if (!slot.id_plus_one) continue;
    std::size_t i = slot.hash & mask;
    while (slots[i].id_plus_one) i = (i + 1) & mask;
    slots[i] = slot;
  }
  slots_ = std::move(slots);
}

std::int64_t TermIndex::assign_distinct(std::string arena, std::vector<std::size_t> ends) {
  if (ends.size() >= std::numeric_limits<std::uint32_t>::max() - 1)
    throw std::length_error("more than 2^32 - 2 distinct terms");
  arena_ = std::move(arena);
  ends_ = std::move(ends);
  std::size_t slot_count = 16;
  while (slot_count < 2 * size()) slot_count *= 2;
  slots_ = empty_slots(slot_count);
  const std::size_t mask = slot_count - 1;
  // Terms placed in the order of their home slots sweep the table once, where placing them
  // in id order would miss the cache on every term of a large vocabulary.
  // (Beyond 2^32 slots the home slot no longer fits beside the id: then in id order.)
  const bool by_home = slot_count <= (std::size_t{1} << 32);
  std::vector<std::uint64_t> order(size()), scratch;
  for (std::size_t id = 0; id < size(); ++id)
    order[id] = by_home ? (hash_of(term(id)) & mask) << 32 | id : id;
  if (by_home) detail::radix_sort(order, scratch, 32, detail::bits_for(slot_count));
  for (std::uint64_t entry : order) {
    const auto id = static_cast<std::uint32_t>(entry);
    const Key key = key_of(term(id));
    std::size_t i = key.hash & mask;
    for (; slots_[i].id_plus_one; i = (i + 1) & mask) {
      if (matches(slots_[i], key)) {
        const std::int64_t repeated = std::max<std::int64_t>(id, slots_[i].id_plus_one - 1);
        *this = TermIndex{};
        return repeated;
      }
    }
    slots_[i] = Slot{
        key.hash, id + 1, static_cast<std::uint32_t>(key.term.size()), {key.head[0], key.head[1]}};
  }
  return kAbsent;
}

std::int64_t TermIndex::find(std::string_view term) const noexcept { return find(key_of(term)); }

std::int64_t TermIndex::find(const Key& key) const noexcept {
  if (slots_.empty()) return kAbsent;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = key.hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (!slot.id_plus_one) return kAbsent;
    if (matches(slot, key)) return slot.id_plus_one - 1;
  }
}

std::uint32_t TermIndex::insert(std::string_view term) { return insert(key_of(term)); }

std::uint32_t TermIndex::insert(const Key& key) {
  if (2 * (size() + 1) > slots_.size()) rehash(slots_.empty() ? 16 : 2 * slots_.size());
  const std::string_view term = key.term;
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = key.hash & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (!slot.id_plus_one) {
      if (size() >= std::numeric_limits<std::uint32_t>::max() - 1)
        throw std::length_error("more than 2^32 - 2 distinct terms");
      arena_.append(term);
      ends_.push_back(arena_.size());
      slot = Slot{key.hash,
                  static_cast<std::uint32_t>(size()),
                  static_cast<std::uint32_t>(term.size()),
                  {key.head[0], key.head[1]}};
      return slot.id_plus_one - 1;
    }
    if (matches(slot, key)) return slot.id_plus_one - 1;
  }
}

}  // namespace khabar
