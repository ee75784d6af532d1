#include "khabar/term_index.hpp"

#include <algorithm>
#include <cstring>
#include <functional>
#include <limits>
#include <stdexcept>

#include "memory.hpp"
#include "radix_sort.hpp"

namespace khabar {

std::uint64_t TermIndex::hash_of(std::string_view term) noexcept {
  return std::hash<std::string_view>{}(term);
}

TermIndex::Key TermIndex::key_of(std::string_view term) noexcept {
  Key key{term, hash_of(term), {0, 0}};
  std::memcpy(key.head, term.data(), std::min(term.size(), kInlineBytes));
  return key;
}

bool TermIndex::matches(const Slot& slot, const Key& key) const noexcept {
  if (slot.hash != key.hash || slot.length != key.term.size() || slot.head[0] != key.head[0] ||
      slot.head[1] != key.head[1])
    return false;
  return key.term.size() <= kInlineBytes ||
         term(slot.id_plus_one - 1).substr(kInlineBytes) == key.term.substr(kInlineBytes);
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
