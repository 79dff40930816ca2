// Internal to procs/: recycled memory for objects that one thread allocates and
// another frees (process records: the spawning thread makes one, the worker that
// runs the process's end drops the last reference). With malloc, that free is a free
// of another thread's chunk (its arena's lock, then a slow path for the next malloc
// on the spawning thread); here a thread keeps the blocks it frees in a short list
// of its own, which its next allocations reuse first (their lines are still in its
// cache), and gives them to a lock-free shared list in batches, which the next
// allocation on any thread that has none takes whole, in one exchange. The shared
// list's line thus moves between cores once per batch, not once per block.
#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <new>

#include "procs/prefetch.h"

namespace wippy::procs::detail {

// Blocks of one size, given back by any thread (a CAS push of one block or of a
// chain) and taken by a thread that allocates all at once (an exchange): there is no
// single-node pop, hence no ABA problem. At most max_kept blocks are kept (kMaxKept
// unless the type says otherwise), besides the fewer than kBatch that each thread
// holds before it gives them back; more are freed.
class BlockPool {
 public:
#if defined(__SANITIZE_ADDRESS__)
  static constexpr bool kKeepNone = true;  // every block freed: AddressSanitizer sees use after free
#else
  static constexpr bool kKeepNone = false;
#endif
  static constexpr size_t kMaxKept = kKeepNone ? 0 : 16384;
  static constexpr size_t kBatch = 32;  // blocks a thread frees before it gives them back
  struct Node {
    Node* next;
  };

  BlockPool(size_t size, size_t max_kept)
      : size_(size < sizeof(Node) ? sizeof(Node) : size), max_kept_(kKeepNone ? 0 : max_kept) {}
  BlockPool(const BlockPool&) = delete;
  BlockPool& operator=(const BlockPool&) = delete;

  size_t block_size() const { return size_; }
  // Every block given back so far (null if none); the caller owns them until it gives
  // them back, and counts them out of kept() with taken() as it uses them.
  Node* take_all() { return shared_.exchange(nullptr, std::memory_order_acquire); }
  void taken(size_t count = 1) { kept_.fetch_sub(count, std::memory_order_relaxed); }
  void give(void* block) noexcept { give_chain(static_cast<Node*>(block), static_cast<Node*>(block), 1); }
  // Gives back the `count` blocks linked from `head` to `tail` (tail->next is ignored).
  void give_chain(Node* head, Node* tail, size_t count) noexcept;
  // How many blocks a thread holds before it gives them back: a pool that keeps only a
  // few gives them back sooner.
  size_t batch() const { return std::clamp<size_t>(max_kept_, 1, kBatch); }
  // Blocks in the shared list and in the lists threads took from it.
  size_t kept() const { return kept_.load(std::memory_order_relaxed); }

 private:
  const size_t size_;
  const size_t max_kept_;
  std::atomic<Node*> shared_{nullptr};
  std::atomic<size_t> kept_{0};  // blocks in shared_ and in the threads' lists
};

// A stateless allocator for std::allocate_shared: each type it is rebound to (the
// control block with the object inside) has its own pool, never destroyed, so a block
// may come back after main() returned or from a thread-local destructor. Each thread
// keeps the blocks it took from the pool in its own list. A type with a static
// kPoolMaxKept keeps at most that many blocks (big blocks: a cap in bytes).
template <class T>
struct PoolAllocator {
  using value_type = T;
  PoolAllocator() = default;
  template <class U>
  PoolAllocator(const PoolAllocator<U>&) noexcept {}

  static BlockPool& pool() {
    static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
    static BlockPool* p = new BlockPool(sizeof(T), max_kept());
    return *p;
  }

  static constexpr size_t max_kept() {
    if constexpr (requires { T::kPoolMaxKept; })
      return T::kPoolMaxKept;
    else
      return BlockPool::kMaxKept;
  }

  T* allocate(size_t n) {
    if (n != 1) return static_cast<T*>(::operator new(n * sizeof(T)));
    if (BlockPool::Node* f = t_freed) {  // freed here last: its lines are in this core's cache
      t_freed = f->next;
      t_freed_count--;
      return reinterpret_cast<T*>(f);
    }
    BlockPool& bp = pool();
    if (!t_head && !t_list_gone) {
      returner();
      t_head = bp.take_all();
    }
    if (!t_head) return static_cast<T*>(::operator new(bp.block_size()));
    BlockPool::Node* n1 = t_head;
    t_head = n1->next;
    if (t_head) prefetch_for_write(t_head, sizeof(T));
    // Counted out of kept() a batch at a time: a locked instruction per block would wait
    // for the stores still pending into the block before (often lines of another core).
    if (++t_taken_count == bp.batch() || !t_head) count_taken();
    return reinterpret_cast<T*>(n1);
  }
  void deallocate(T* p, size_t n) noexcept {
    if (n != 1) return ::operator delete(p);
    BlockPool& bp = pool();
    if (BlockPool::kKeepNone || t_list_gone) return bp.give(p);
    auto* node = reinterpret_cast<BlockPool::Node*>(p);
    if (!t_freed) {
      returner();
      t_freed_tail = node;
    }
    node->next = t_freed;
    t_freed = node;
    if (++t_freed_count == bp.batch()) give_freed();
  }
  template <class U>
  bool operator==(const PoolAllocator<U>&) const noexcept {
    return true;
  }

 private:
  // Plain pointers, counts and flags need no destruction, so they stay usable until
  // the thread ends; the returner gives the thread's lists back when the thread exits.
  static inline thread_local BlockPool::Node* t_head = nullptr;  // taken from the pool
  static inline thread_local BlockPool::Node* t_freed = nullptr;  // freed here, not yet given back
  static inline thread_local BlockPool::Node* t_freed_tail = nullptr;
  static inline thread_local size_t t_freed_count = 0;
  static inline thread_local size_t t_taken_count = 0;  // taken from t_head, not yet counted
  static inline thread_local bool t_list_gone = false;

  static void count_taken() noexcept {
    pool().taken(t_taken_count);
    t_taken_count = 0;
  }
  static void give_freed() noexcept {
    pool().give_chain(t_freed, t_freed_tail, t_freed_count);
    t_freed = t_freed_tail = nullptr;
    t_freed_count = 0;
  }
  struct ListReturner {
    ~ListReturner() {
      t_list_gone = true;
      if (t_taken_count) count_taken();
      if (t_freed) give_freed();
      while (BlockPool::Node* n = t_head) {
        t_head = n->next;
        pool().taken();
        pool().give(n);
      }
    }
  };
  static void returner() {
    static thread_local ListReturner r;  // constructed on this thread's first use of the lists
    (void)r;
  }
};

// Class-specific operator new / delete for T: recycled blocks (a class derived from
// T has another size and gets plain heap memory).
template <class T>
void* pooled_new(size_t size) {
  if (size != sizeof(T)) return ::operator new(size);
  return PoolAllocator<T>().allocate(1);
}
template <class T>
void pooled_delete(void* p, size_t size) noexcept {
  if (size != sizeof(T)) return ::operator delete(p);
  PoolAllocator<T>().deallocate(static_cast<T*>(p), 1);
}

}  // namespace wippy::procs::detail
