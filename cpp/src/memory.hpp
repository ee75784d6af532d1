#pragma once

// What khabar asks of the operating system's memory for its large buffers.

#include <cstddef>

namespace khabar::detail {

/// Returns free heap pages to the operating system: glibc keeps freed blocks of a few hundred
/// kilobytes in the heap, so that memory freed while a result is built would otherwise stay
/// resident.
void release_free_memory();

/// Asks for transparent huge pages for a buffer not yet written: a 50 MB result otherwise
/// takes 13,000 page faults as it is first written, which cost more than writing it on a
/// virtual machine (measured here: 20 ms against 3 ms). Does nothing where not supported.
void advise_huge_pages(const void* buffer, std::size_t bytes) noexcept;

/// The machine's physical memory in bytes, or 0 where it cannot be asked.
std::size_t physical_memory_bytes() noexcept;

}  // namespace khabar::detail
