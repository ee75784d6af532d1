#pragma once

// An allocator for the stemmer's tables of several megabytes, which are read at random: on
// 4 KB pages nearly every look-up also misses the TLB. Transparent huge pages (2 MB) are asked
// for before the memory is first written, which is when the kernel decides.

#include <cstddef>
#include <new>

namespace khabar::detail {

/// The size of a transparent huge page on x86-64 Linux.
inline constexpr std::size_t kHugePageBytes = std::size_t{2} << 20;

/// `bytes` rounded up to whole huge pages, aligned to one and advised as huge pages (where the
/// system has them). Throws std::bad_alloc.
void* allocate_huge_pages(std::size_t bytes);
void free_huge_pages(void* memory) noexcept;

/// A std::allocator for vectors of at least one huge page (2 MB); smaller ones come from the
/// ordinary heap, where a huge page would waste most of itself.
template <class T>
struct HugePageAllocator {
  using value_type = T;

  HugePageAllocator() = default;
  template <class U>
  HugePageAllocator(const HugePageAllocator<U>&) noexcept {}

  T* allocate(std::size_t n) {
    if (n > static_cast<std::size_t>(-1) / sizeof(T)) throw std::bad_array_new_length();
    const std::size_t bytes = n * sizeof(T);
    if (bytes < kHugePageBytes)
      return static_cast<T*>(::operator new(bytes, std::align_val_t{kAlign}));
    return static_cast<T*>(allocate_huge_pages(bytes));
  }
  void deallocate(T* memory, std::size_t n) noexcept {
    if (n * sizeof(T) < kHugePageBytes)
      ::operator delete(memory, std::align_val_t{kAlign});
    else
      free_huge_pages(memory);
  }
  template <class U>
  bool operator==(const HugePageAllocator<U>&) const noexcept {
    return true;
  }
  template <class U>
  bool operator!=(const HugePageAllocator<U>&) const noexcept {
    return false;
  }

 private:
  static constexpr std::size_t kAlign = alignof(T) > 64 ? alignof(T) : 64;  // a cache line
};

}  // namespace khabar::detail
