#include "khabar/term_index.hpp"

#include <functional>
#include <limits>
#include <stdexcept>

namespace khabar {

std::uint64_t TermIndex::hash_of(std::string_view term) noexcept {
  return std::hash<std::string_view>{}(term);
}

void TermIndex::reserve(std::size_t terms) {
  std::size_t slot_count = 16;
  while (slot_count < 2 * terms) slot_count *= 2;
  if (slot_count > slots_.size()) rehash(slot_count);
}

void TermIndex::rehash(std::size_t slot_count) {
  std::vector<Slot> slots(slot_count);
  const std::size_t mask = slot_count - 1;
  for (const Slot& slot : slots_) {
    if (!slot.id_plus_one) continue;
    std::size_t i = slot.hash & mask;
    while (slots[i].id_plus_one) i = (i + 1) & mask;
    slots[i] = slot;
  }
  slots_ = std::move(slots);
}

std::int64_t TermIndex::find(std::string_view term) const noexcept {
  if (slots_.empty()) return kAbsent;
  const std::uint64_t hash = hash_of(term);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (!slot.id_plus_one) return kAbsent;
    if (slot.hash == hash && this->term(slot.id_plus_one - 1) == term) return slot.id_plus_one - 1;
  }
}

std::uint32_t TermIndex::insert(std::string_view term) {
  if (2 * (size() + 1) > slots_.size()) rehash(slots_.empty() ? 16 : 2 * slots_.size());
  const std::uint64_t hash = hash_of(term);
  const std::size_t mask = slots_.size() - 1;
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    Slot& slot = slots_[i];
    if (!slot.id_plus_one) {
      if (size() >= std::numeric_limits<std::uint32_t>::max() - 1)
        throw std::length_error("more than 2^32 - 2 distinct terms");
      arena_.append(term);
      ends_.push_back(arena_.size());
      slot = Slot{hash, static_cast<std::uint32_t>(size())};
      return slot.id_plus_one - 1;
    }
    if (slot.hash == hash && this->term(slot.id_plus_one - 1) == term) return slot.id_plus_one - 1;
  }
}

}  // namespace khabar
