// Guest memory access for the WASI host functions: every pointer a guest hands in is
// checked before use (engine::GuestMemory); an out-of-bounds range makes the host
// function return EFAULT and leave memory untouched.
#pragma once

#include <cstdint>

#include "engine/host.h"

namespace wippy::wasi {

// Bounds-checked access to the caller's memory (engine/host.h).
using engine::GuestMemory;

// i32 argument cell -> guest address / u32 value.
inline uint32_t arg_u32(const uint64_t* args, int i) { return static_cast<uint32_t>(args[i]); }

}  // namespace wippy::wasi
