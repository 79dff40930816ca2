// Reading and writing byte ranges of a core guest's memory from a host function
// (the wippy:runtime/* imports).
#pragma once

#include <cstdint>
#include <cstring>
#include <optional>
#include <string>

#include "interp/instance.h"

namespace wippy::procs {

inline bool in_memory(const interp::Memory* m, uint64_t ptr, uint64_t len) {
  return m && ptr <= m->size && len <= m->size - ptr;
}

// The bytes at [ptr, ptr + len); nullopt if the range is outside memory.
inline std::optional<std::string> read_guest(interp::HostCall& call, uint32_t ptr, uint32_t len) {
  interp::Memory* m = call.memory();
  if (!in_memory(m, ptr, len)) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(m->data) + ptr, len);
}

// Copies `text` to buf when it fits in cap (charging fuel for it); its length either
// way. nullopt: it fits but buf is outside memory (the caller traps).
inline std::optional<uint32_t> write_guest(interp::HostCall& call, uint32_t buf, uint32_t cap, const std::string& text) {
  if (text.size() > cap) return static_cast<uint32_t>(text.size());
  interp::Memory* m = call.memory();
  if (!in_memory(m, buf, text.size())) return std::nullopt;
  if (!call.charge(1 + text.size() / 64)) return static_cast<uint32_t>(text.size());
  if (!text.empty()) std::memcpy(m->data + buf, text.data(), text.size());
  return static_cast<uint32_t>(text.size());
}

}  // namespace wippy::procs
