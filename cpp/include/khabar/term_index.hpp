#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace khabar {

/// Terms numbered 0, 1, 2... in order of first insertion, with O(1) look-up by text.
/// Open addressing over one byte arena: a corpus vocabulary of a million terms costs two
/// allocations, not a million. Not thread-safe for writes; concurrent reads are safe.
class TermIndex {
 public:
  static constexpr std::int64_t kAbsent = -1;

  TermIndex() = default;

  std::size_t size() const noexcept { return ends_.size(); }
  bool empty() const noexcept { return ends_.empty(); }

  /// The id of `term`, inserting it with id size() if absent.
  std::uint32_t insert(std::string_view term);
  /// The id of `term` or kAbsent.
  std::int64_t find(std::string_view term) const noexcept;
  /// The same for UTF-16 terms, keyed on the bytes of their code units as insert_all keys them.
  std::uint32_t insert(std::u16string_view term) { return insert(key_of(term)); }
  std::int64_t find(std::u16string_view term) const noexcept { return find(key_of(term)); }
  /// Ids of all tokens of `tokens` (inserting new ones) appended to `ids`. Faster than one
  /// insert() per token: the slots are prefetched for the whole list before probing. UTF-16
  /// tokens are keyed on the bytes of their code units, which term() then returns.
  template <class Tokens>
  void insert_all(const Tokens& tokens, std::vector<std::uint32_t>& ids);
  /// Ids of the tokens of `tokens` that are present, appended to `ids` in token order.
  template <class Tokens>
  void find_all(const Tokens& tokens, std::vector<std::uint32_t>& ids) const;

  /// The text of term `id` (valid until the next insert).
  std::string_view term(std::size_t id) const noexcept {
    const std::size_t begin = id == 0 ? 0 : ends_[id - 1];
    return std::string_view(arena_).substr(begin, ends_[id] - begin);
  }
  void reserve(std::size_t terms);

  /// Replaces the content with the terms stored back to back in `arena`, term i ending at
  /// `ends[i]`, numbered in that order; built in one sweep, faster than inserting them one by
  /// one. Returns kAbsent, or the id of a term that repeats an earlier one (the index is then
  /// left empty).
  std::int64_t assign_distinct(std::string arena, std::vector<std::size_t> ends);

 private:
  // A probe compares the hash, then the length, then the bytes: held in the slot itself for
  // terms of up to 16 bytes (most words), so that a hit costs one cache miss, not two.
  static constexpr std::size_t kInlineBytes = 16;
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t id_plus_one = 0;  // 0 marks an empty slot
    std::uint32_t length = 0;
    std::uint64_t head[2] = {0, 0};  // the first 16 bytes, zero-padded
  };
  struct Key {
    std::string_view term;
    std::uint64_t hash;
    std::uint64_t head[2];
  };
  static Key key_of(std::string_view term) noexcept;
  static Key key_of(std::u16string_view term) noexcept {
    return key_of(std::string_view(reinterpret_cast<const char*>(term.data()),
                                   term.size() * sizeof(char16_t)));
  }
  bool matches(const Slot& slot, const Key& key) const noexcept {
    return slot.hash == key.hash && slot.length == key.term.size() && slot.head[0] == key.head[0] &&
           slot.head[1] == key.head[1] && (key.term.size() <= kInlineBytes || same_tail(slot, key));
  }
  // The bytes after the head, compared out of line: few terms are that long.
  bool same_tail(const Slot& slot, const Key& key) const noexcept;
  static std::uint64_t hash_of(std::string_view term) noexcept;
  void rehash(std::size_t slot_count);
  static std::vector<Slot> empty_slots(std::size_t slot_count);

  std::uint32_t insert(const Key& key);
  std::int64_t find(const Key& key) const noexcept;
  void prefetch(const Key& key) const noexcept {
    if (!slots_.empty()) __builtin_prefetch(&slots_[key.hash & (slots_.size() - 1)]);
  }

  // Per-thread scratch for the batch operations (find_all runs concurrently on one index).
  static std::vector<Key>& scratch_keys() {
    thread_local std::vector<Key> keys;
    return keys;
  }
  std::string arena_;
  std::vector<std::size_t> ends_;
  std::vector<Slot> slots_;
};

template <class Tokens>
void TermIndex::insert_all(const Tokens& tokens, std::vector<std::uint32_t>& ids) {
  std::vector<Key>& keys = scratch_keys();
  const std::size_t n = tokens.size();
  keys.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    keys[i] = key_of(tokens[i]);
    prefetch(keys[i]);
  }
  const std::size_t first = ids.size();
  ids.resize(first + n);
  for (std::size_t i = 0; i < n; ++i) ids[first + i] = insert(keys[i]);
}

template <class Tokens>
void TermIndex::find_all(const Tokens& tokens, std::vector<std::uint32_t>& ids) const {
  std::vector<Key>& keys = scratch_keys();
  keys.clear();
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    keys.push_back(key_of(tokens[i]));
    prefetch(keys.back());
  }
  for (const Key& key : keys) {
    const std::int64_t id = find(key);
    if (id != kAbsent) ids.push_back(static_cast<std::uint32_t>(id));
  }
}

}  // namespace khabar
