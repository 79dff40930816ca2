// Internal helpers of engine/: the module cache key.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace wippy::engine {

// Lowercase hex of the canonical (big-endian) xxHash3-128 of the bytes.
std::string xxh128_hex(std::span<const uint8_t> bytes);

}  // namespace wippy::engine
