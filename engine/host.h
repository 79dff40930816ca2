// What a host function sees and returns, for the layers above engine/: its
// signature (HostFn), the call (HostCall: caller's memory, fuel charging), the
// result (ok, trap, or suspend with a HostPending the embedder completes later), and
// bounds-checked access to guest memory. Aliases of the interpreter's types (see
// engine/types.h): a host call stays a direct std::function call.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "engine/types.h"
#include "interp/instance.h"

namespace wippy::engine {

using interp::HostCall;
using interp::HostFn;      // HostResult(HostCall&, const uint64_t* args, uint64_t* results)
using interp::HostFunc;    // a HostFn with its type and name, as a store holds it
using interp::HostPending; // subclassed by the embedder for an operation that suspends
using interp::HostResult;

// Runtime objects of a store (one per process): memories, functions, externs.
using interp::Extern;
using interp::FuncInst;
using interp::Memory;
using interp::Store;
using interp::StoreLimits;
// A trap outside an execution (instantiation: a segment out of bounds).
using interp::TrapError;

// Bounds-checked access to a linear memory (the caller's, for a host function).
// Every pointer a guest hands in is checked before use; out of bounds, nothing is
// read or written and the caller reports it (EFAULT, a trap).
class GuestMemory {
 public:
  explicit GuestMemory(Memory* mem) : mem_(mem) {}
  explicit GuestMemory(HostCall& call) : mem_(call.memory()) {}

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

  Memory* mem_;
};

}  // namespace wippy::engine
