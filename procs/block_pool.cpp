// BlockPool: the shared list of recycled blocks (procs/block_pool.h).
#include "procs/block_pool.h"

namespace wippy::procs::detail {

void BlockPool::give(void* block) noexcept {
  if (kept_.fetch_add(1, std::memory_order_relaxed) >= max_kept_) {
    kept_.fetch_sub(1, std::memory_order_relaxed);
    ::operator delete(block);
    return;
  }
  Node* n = static_cast<Node*>(block);
  n->next = shared_.load(std::memory_order_relaxed);
  while (!shared_.compare_exchange_weak(n->next, n, std::memory_order_release, std::memory_order_relaxed)) {
  }
}

}  // namespace wippy::procs::detail
