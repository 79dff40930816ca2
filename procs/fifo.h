// Internal to procs/: the queue behind a process's inbox and event queue.
#pragma once

#include <algorithm>
#include <cstddef>
#include <new>
#include <optional>
#include <utility>

#include "procs/block_pool.h"

namespace wippy::procs::detail {

// A FIFO of chunks that allocates nothing until used (a std::deque allocates on
// construction, which matters with tens of thousands of idle processes) and never
// moves an item once queued: a vector that grows to 10,000 events moves each about
// twice and takes fresh pages from the kernel each time it grows. Chunks double in
// size up to kMaxChunk items and are freed as soon as they are read through, so an
// emptied queue holds no memory. Full-size chunks are recycled (procs/block_pool.h):
// a burst of 10,000 EXIT events would otherwise grow the heap, which is trimmed once
// they are read, and fault its pages in again on the next burst.
template <class T>
class Fifo {
 public:
  static constexpr size_t kFirstChunk = 4;
  static constexpr size_t kMaxChunk = 64;

  Fifo() = default;
  Fifo(const Fifo&) = delete;
  Fifo& operator=(const Fifo&) = delete;
  ~Fifo() { clear(); }

  bool empty() const { return size_ == 0; }
  size_t size() const { return size_; }

  void push(T v) {
    if (!tail_ || tail_->end == tail_->capacity) append_chunk();
    new (tail_->slot(tail_->end)) T(std::move(v));
    tail_->end++;
    size_++;
  }

  std::optional<T> pop() {
    if (empty()) return std::nullopt;
    Chunk* c = head_;
    T* item = c->slot(c->begin);
    std::optional<T> v(std::move(*item));
    item->~T();
    c->begin++;
    size_--;
    if (c->begin == c->end) drop_head();  // read through: the tail, or a full chunk
    return v;
  }

  void clear() {
    while (head_) {
      for (size_t i = head_->begin; i < head_->end; i++) head_->slot(i)->~T();
      drop_head();
    }
    size_ = 0;
  }

 private:
  // A header, then room for `capacity` items in the same allocation.
  struct Chunk {
    Chunk* next = nullptr;
    size_t begin = 0, end = 0;  // the live items are [begin, end)
    size_t capacity;
    explicit Chunk(size_t cap) : capacity(cap) {}
    T* slot(size_t i) {
      return std::launder(reinterpret_cast<T*>(reinterpret_cast<unsigned char*>(this) + kItems + i * sizeof(T)));
    }
  };
  static constexpr size_t kItems = (sizeof(Chunk) + alignof(T) - 1) / alignof(T) * alignof(T);
  static_assert(alignof(T) <= __STDCPP_DEFAULT_NEW_ALIGNMENT__);
  static constexpr size_t chunk_bytes(size_t capacity) { return kItems + capacity * sizeof(T); }
  struct FullChunk {
    static constexpr size_t kPoolMaxKept = 256;  // a few MB at most
    alignas(T) unsigned char bytes[chunk_bytes(kMaxChunk)];
  };

  void append_chunk() {
    size_t cap = tail_ ? std::min(tail_->capacity * 2, kMaxChunk) : kFirstChunk;
    void* mem = cap == kMaxChunk ? PoolAllocator<FullChunk>().allocate(1) : ::operator new(chunk_bytes(cap));
    Chunk* c = new (mem) Chunk(cap);
    (tail_ ? tail_->next : head_) = c;
    tail_ = c;
  }
  void drop_head() {
    Chunk* c = head_;
    head_ = c->next;
    if (!head_) tail_ = nullptr;
    size_t cap = c->capacity;
    c->~Chunk();
    if (cap == kMaxChunk)
      PoolAllocator<FullChunk>().deallocate(reinterpret_cast<FullChunk*>(c), 1);
    else
      ::operator delete(c, chunk_bytes(cap));
  }

  Chunk* head_ = nullptr;
  Chunk* tail_ = nullptr;
  size_t size_ = 0;
};

}  // namespace wippy::procs::detail
