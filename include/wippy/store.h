// Store (what one instance owns: limits, fuel, memories and the host's state) and
// Memory (a view of one linear memory).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <typeinfo>
#include <utility>

#include "wippy/engine.h"

namespace wippy {

namespace detail {
struct StoreImpl;
}  // namespace detail

// A linear memory. The handle keeps its store alive; data() is valid until the memory
// grows.
class Memory {
 public:
  uint64_t size() const;  // bytes
  uint32_t pages() const;
  std::span<uint8_t> data() const;
  // Copy bytes out of or into the memory; throw std::out_of_range when
  // [offset, offset + length) is not inside it.
  void read(uint64_t offset, std::span<uint8_t> out) const;
  void write(uint64_t offset, std::span<const uint8_t> bytes) const;
  int64_t grow(uint32_t delta_pages) const;  // the old size in pages, or -1 if refused

 private:
  friend struct detail::Access;
  void* memory_ = nullptr;  // the interpreter's memory
  std::shared_ptr<detail::StoreImpl> store_;
};

// Owns the instances created in it, their memories, tables and globals, the fuel
// they consumed, and one value of host state that host functions reach through
// Caller::data<T>(). A cheap handle: copies share the same store.
class Store {
 public:
  explicit Store(Limits limits = {});

  const Limits& limits() const;
  uint64_t fuel_consumed() const;  // by every call run in this store

  // Makes a T the store's host state (replacing any earlier one); it lives as long
  // as the store.
  template <class T, class... Args>
  T& emplace_data(Args&&... args) {
    std::unique_ptr<T> value = std::make_unique<T>(std::forward<Args>(args)...);
    T& ref = *value;
    set_data(value.release(), [](void* p) { delete static_cast<T*>(p); }, typeid(T));
    return ref;
  }
  // The host state; throws std::logic_error if there is none or it is not a T.
  template <class T>
  T& data() const {
    return *static_cast<T*>(data_of(typeid(T)));
  }

 private:
  friend struct detail::Access;
  void set_data(void* value, void (*destroy)(void*), const std::type_info& type);
  void* data_of(const std::type_info& type) const;
  std::shared_ptr<detail::StoreImpl> impl_;
};

}  // namespace wippy
