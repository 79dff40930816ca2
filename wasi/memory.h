// Bounds-checked access to the caller's linear memory for host functions. Every
// pointer a guest hands in is checked before use; an out-of-bounds range makes the
// host function return EFAULT and leave memory untouched.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "interp/instance.h"

namespace wippy::wasi {

class GuestMemory {
 public:
  explicit GuestMemory(interp::Memory* mem) : mem_(mem) {}
  explicit GuestMemory(interp::HostCall& call) : mem_(call.memory()) {}

  // True if [addr, addr + len) lies inside the memory (a module without memory has none).
  bool in_bounds(uint64_t addr, uint64_t len) const {
    if (!mem_) return false;
    return addr <= mem_->size && len <= mem_->size - addr;
  }
  // Pointer to [addr, addr + len), or null if out of bounds.
  uint8_t* span(uint64_t addr, uint64_t len) const {
    if (!in_bounds(addr, len)) return nullptr;
    return mem_->data + addr;
  }

  bool load_u32(uint64_t addr, uint32_t& out) const { return load(addr, out); }
  bool store_u8(uint64_t addr, uint8_t v) const { return store(addr, v); }
  bool store_u16(uint64_t addr, uint16_t v) const { return store(addr, v); }
  bool store_u32(uint64_t addr, uint32_t v) const { return store(addr, v); }
  bool store_u64(uint64_t addr, uint64_t v) const { return store(addr, v); }
  bool store_bytes(uint64_t addr, std::string_view bytes) const {
    uint8_t* p = span(addr, bytes.size());
    if (!p) return false;
    if (!bytes.empty()) std::memcpy(p, bytes.data(), bytes.size());
    return true;
  }

 private:
  // WebAssembly memory is little-endian; so are the hosts we build for.
  static_assert(std::endian::native == std::endian::little);
  template <class T>
  bool load(uint64_t addr, T& out) const {
    uint8_t* p = span(addr, sizeof(T));
    if (!p) return false;
    std::memcpy(&out, p, sizeof(T));
    return true;
  }
  template <class T>
  bool store(uint64_t addr, T v) const {
    uint8_t* p = span(addr, sizeof(T));
    if (!p) return false;
    std::memcpy(p, &v, sizeof(T));
    return true;
  }

  interp::Memory* mem_;
};

// i32 argument cell -> guest address / u32 value.
inline uint32_t arg_u32(const uint64_t* args, int i) { return static_cast<uint32_t>(args[i]); }

}  // namespace wippy::wasi
