// PREFETCHW detection (procs/prefetch.h).
#include "procs/prefetch.h"

#if defined(__x86_64__)
#include <cpuid.h>
#endif

namespace wippy::procs::detail {

namespace {

bool cpu_has_prefetchw() {
#if defined(__x86_64__)
  unsigned eax = 0, ebx = 0, ecx = 0, edx = 0;
  return __get_cpuid(0x80000001u, &eax, &ebx, &ecx, &edx) && (ecx & (1u << 8));
#else
  return false;
#endif
}

}  // namespace

const bool kHasPrefetchW = cpu_has_prefetchw();

}  // namespace wippy::procs::detail
