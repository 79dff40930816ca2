// Internal to procs/: prefetching lines this thread is about to write, typically
// ones another core wrote last (a recycled block, a record queued by another thread).
#pragma once

#include <cstddef>

namespace wippy::procs::detail {

// Whether the CPU has PREFETCHW (x86 CPUID 0x80000001, ECX bit 8). Read before
// main() has set it (a pool used by a static initialiser), it is false: the fallback.
extern const bool kHasPrefetchW;

// Asks for the lines of [p, p + size) in exclusive state: lines another core wrote
// come over while this thread does other work, not in the stores that fill them (a
// locked instruction waits for each of them).
inline void prefetch_for_write(const void* p, size_t size) {
  const char* b = static_cast<const char*>(p);
  for (size_t off = 0; off < size; off += 64) {
#if defined(__x86_64__)
    // GCC emits a read prefetch for __builtin_prefetch(p, 1) unless built for a CPU
    // with PREFETCHW; a read prefetch brings a shared copy, and the store after it
    // waits for the other core to give the line up.
    if (kHasPrefetchW) {
      asm volatile("prefetchw %0" ::"m"(b[off]));
      continue;
    }
#endif
    __builtin_prefetch(b + off, 1, 3);
  }
}

}  // namespace wippy::procs::detail
