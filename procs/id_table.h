// Internal to procs/: the process table of a host, id -> record. Open addressing with
// linear probing in one array, so a spawn and an exit cost no allocation (a node-based
// hash map allocates and frees one node per process). Not thread-safe: the host
// guards it with its lock.
#pragma once

#include <cstdint>
#include <utility>
#include <vector>

namespace wippy::procs::detail {

template <class V>
class IdTable {
 public:
  size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  size_t capacity() const { return slots_.size(); }

  // `id` (non-zero) must not be in the table.
  void insert(uint64_t id, V value) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.empty() ? 64 : slots_.size() * 2);
    size_t i = home(id);
    while (slots_[i].id != 0) i = next(i);
    slots_[i] = Slot{id, std::move(value)};
    size_++;
  }

  const V* find(uint64_t id) const {
    if (size_ == 0 || id == 0) return nullptr;
    for (size_t i = home(id);; i = next(i)) {
      if (slots_[i].id == id) return &slots_[i].value;
      if (slots_[i].id == 0) return nullptr;
    }
  }

  // Removes `id` if present (backward-shift deletion: no tombstones to skip later).
  void erase(uint64_t id) {
    if (size_ == 0 || id == 0) return;
    size_t i = home(id);
    while (slots_[i].id != id) {
      if (slots_[i].id == 0) return;
      i = next(i);
    }
    for (size_t j = next(i);; j = next(j)) {
      if (slots_[j].id == 0) break;
      // slots_[j] may move into the hole at i unless its home lies cyclically in (i, j].
      size_t h = home(slots_[j].id);
      bool stays = i <= j ? (i < h && h <= j) : (i < h || h <= j);
      if (stays) continue;
      slots_[i] = std::move(slots_[j]);
      i = j;
    }
    slots_[i] = Slot{};
    size_--;
    // Shrink once the table has stayed sparse (under 1/8 full) for as many erasures as
    // it has slots: 100,000 processes once do not hold their slots forever, but bursts
    // that drain and come back (10,000 spawns at once, again and again) keep them,
    // rather than growing and shrinking the table, and faulting its pages in, each time.
    if (slots_.size() > 64 && size_ * 8 < slots_.size()) {
      if (++sparse_erasures_ >= slots_.size()) rehash(slots_.size() / 2);
    } else {
      sparse_erasures_ = 0;
    }
  }

  template <class F>
  void for_each(F&& f) const {
    for (const Slot& s : slots_)
      if (s.id != 0) f(s.id, s.value);
  }

  // Empties the table, handing every value to `f` first.
  template <class F>
  void drain(F&& f) {
    std::vector<Slot> old;
    old.swap(slots_);
    size_ = 0;
    for (Slot& s : old)
      if (s.id != 0) f(s.id, s.value);
  }

 private:
  struct Slot {
    uint64_t id = 0;  // 0: empty
    V value{};
  };

  // Fibonacci hashing: consecutive ids spread over the table, and ids that differ by a
  // multiple of the capacity do not collide.
  size_t home(uint64_t id) const { return static_cast<size_t>((id * 0x9E3779B97F4A7C15ull) >> shift_); }
  size_t next(size_t i) const { return (i + 1) & (slots_.size() - 1); }

  void rehash(size_t capacity) {  // a power of two, above 2 * size_
    sparse_erasures_ = 0;
    std::vector<Slot> old(capacity);
    old.swap(slots_);
    shift_ = 64;
    for (size_t c = capacity; c > 1; c >>= 1) shift_--;
    for (Slot& s : old) {
      if (s.id == 0) continue;
      size_t i = home(s.id);
      while (slots_[i].id != 0) i = next(i);
      slots_[i] = std::move(s);
    }
  }

  std::vector<Slot> slots_;
  size_t size_ = 0;
  size_t sparse_erasures_ = 0;  // erasures since the table was last resized or dense
  unsigned shift_ = 64;
};

}  // namespace wippy::procs::detail
