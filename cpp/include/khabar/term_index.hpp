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
  /// The text of term `id` (valid until the next insert).
  std::string_view term(std::size_t id) const noexcept {
    const std::size_t begin = id == 0 ? 0 : ends_[id - 1];
    return std::string_view(arena_).substr(begin, ends_[id] - begin);
  }
  void reserve(std::size_t terms);

 private:
  struct Slot {
    std::uint64_t hash = 0;
    std::uint32_t id_plus_one = 0;  // 0 marks an empty slot
  };
  static std::uint64_t hash_of(std::string_view term) noexcept;
  void rehash(std::size_t slot_count);

  std::string arena_;
  std::vector<std::size_t> ends_;
  std::vector<Slot> slots_;
};

}  // namespace khabar
