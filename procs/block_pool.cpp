// BlockPool: the shared list of recycled blocks (procs/block_pool.h).
#include "procs/block_pool.h"

#include <algorithm>

namespace wippy::procs::detail {

void BlockPool::give_chain(Node* head, Node* tail, size_t count) noexcept {
  size_t before = kept_.fetch_add(count, std::memory_order_relaxed);
  if (before + count > max_kept_) {
    // Over the cap: free as many as it is over by, from the front of the chain.
    size_t excess = before + count - std::max(before, max_kept_);
    kept_.fetch_sub(excess, std::memory_order_relaxed);
    for (size_t i = 0; i < excess; i++) {
      Node* next = head->next;
      ::operator delete(head);
      head = next;
    }
    if (excess == count) return;
  }
  tail->next = shared_.load(std::memory_order_relaxed);
  while (!shared_.compare_exchange_weak(tail->next, head, std::memory_order_release, std::memory_order_relaxed)) {
  }
}

}  // namespace wippy::procs::detail
