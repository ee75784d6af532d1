#include "memory.hpp"

#include <cstdint>
#include <cstdlib>
#include <new>

#include "khabar/huge_pages.hpp"

#if defined(__GLIBC__)
#include <malloc.h>
#endif
#if defined(__linux__)
#include <sys/mman.h>
#include <unistd.h>
#endif

namespace khabar::detail {

void release_free_memory() {
#if defined(__GLIBC__)
  malloc_trim(0);
#endif
}

void advise_huge_pages(const void* buffer, std::size_t bytes) noexcept {
#if defined(__linux__) && defined(MADV_HUGEPAGE)
  constexpr std::uintptr_t kHugePage = kHugePageBytes;
  const auto begin = reinterpret_cast<std::uintptr_t>(buffer);
  const std::uintptr_t first = (begin + kHugePage - 1) & ~(kHugePage - 1);
  const std::uintptr_t last = (begin + bytes) & ~(kHugePage - 1);
  // Only whole huge pages inside the buffer: the advice covers the pages, not the bytes.
  if (last > first) madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
#else
  (void)buffer;
  (void)bytes;
#endif
}

void* allocate_huge_pages(std::size_t bytes) {
  const std::size_t rounded = (bytes + kHugePageBytes - 1) / kHugePageBytes * kHugePageBytes;
  if (rounded < bytes) throw std::bad_alloc();
  void* memory = std::aligned_alloc(kHugePageBytes, rounded);
  if (!memory) throw std::bad_alloc();
  advise_huge_pages(memory, rounded);
  return memory;
}

void free_huge_pages(void* memory) noexcept { std::free(memory); }

std::size_t physical_memory_bytes() noexcept {
#if defined(__linux__)
  const long pages = sysconf(_SC_PHYS_PAGES), page_size = sysconf(_SC_PAGE_SIZE);
  if (pages > 0 && page_size > 0)
    return static_cast<std::size_t>(pages) * static_cast<std::size_t>(page_size);
#endif
  return 0;
}

}  // namespace khabar::detail
