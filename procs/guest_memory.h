// Reading and writing byte ranges of a core guest's memory from a host function
// (the wippy:runtime/* imports).
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "engine/host.h"

namespace wippy::procs {

// The bytes at [ptr, ptr + len); nullopt if the range is outside memory.
inline std::optional<std::string> read_guest(engine::HostCall& call, uint32_t ptr, uint32_t len) {
  const uint8_t* p = engine::GuestMemory(call).span(ptr, len);
  if (!p) return std::nullopt;
  return std::string(reinterpret_cast<const char*>(p), len);
}

// Copies `text` to buf when it fits in cap (charging fuel for it); its length either
// way. nullopt: it fits but buf is outside memory (the caller traps).
inline std::optional<uint32_t> write_guest(engine::HostCall& call, uint32_t buf, uint32_t cap, const std::string& text) {
  if (text.size() > cap) return static_cast<uint32_t>(text.size());
  engine::GuestMemory mem(call);
  if (!mem.in_bounds(buf, text.size())) return std::nullopt;
  if (!call.charge(1 + text.size() / 64)) return static_cast<uint32_t>(text.size());
  mem.store_bytes(buf, text);
  return static_cast<uint32_t>(text.size());
}

}  // namespace wippy::procs
