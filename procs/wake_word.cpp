// WakeWord (procs/wake_word.h): a futex on Linux, a short nap elsewhere.
#include "procs/wake_word.h"

#include <algorithm>
#include <climits>
#include <thread>

#ifdef __linux__
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace wippy::procs::detail {

#ifdef __linux__
namespace {

static_assert(sizeof(std::atomic<uint32_t>) == sizeof(uint32_t) && std::atomic<uint32_t>::is_always_lock_free);

long futex(std::atomic<uint32_t>& word, int op, uint32_t val, const timespec* timeout = nullptr) {
  return ::syscall(SYS_futex, reinterpret_cast<uint32_t*>(&word), op, val, timeout, nullptr, 0);
}

}  // namespace

void WakeWord::wait_for(uint32_t seen, std::chrono::nanoseconds timeout) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(timeout.count() / 1'000'000'000);
  ts.tv_nsec = static_cast<long>(timeout.count() % 1'000'000'000);
  futex(word_, FUTEX_WAIT_PRIVATE, seen, &ts);  // FUTEX_WAIT takes a relative timeout
}

void WakeWord::wake_one() {
  word_.fetch_add(1, std::memory_order_release);
  futex(word_, FUTEX_WAKE_PRIVATE, 1);
}

void WakeWord::wake_all() {
  word_.fetch_add(1, std::memory_order_release);
  futex(word_, FUTEX_WAKE_PRIVATE, INT_MAX);
}
#else
// std::atomic has no timed wait: a short nap, which callers take as a spurious return.
void WakeWord::wait_for(uint32_t seen, std::chrono::nanoseconds timeout) {
  if (word_.load(std::memory_order_acquire) == seen)
    std::this_thread::sleep_for(std::min<std::chrono::nanoseconds>(timeout, std::chrono::milliseconds(1)));
}

void WakeWord::wake_one() {
  word_.fetch_add(1, std::memory_order_release);
  word_.notify_one();
}

void WakeWord::wake_all() {
  word_.fetch_add(1, std::memory_order_release);
  word_.notify_all();
}
#endif

}  // namespace wippy::procs::detail
