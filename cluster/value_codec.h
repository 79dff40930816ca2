// The wire format of procs::Value between cluster nodes (spec: cluster/WIRE_FORMAT.md):
// a versioned, compact binary encoding that keeps integers and doubles apart and
// keeps shared array/map nodes shared (a back-reference), so an encoded message is
// linear in the size of the value in memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>

#include "procs/value.h"

namespace wippy::cluster {

inline constexpr uint8_t kWireVersion = 1;

struct CodecLimits {
  // The encoded size, and the decoded value's Value::footprint(); 0: no limit.
  size_t max_bytes = size_t{16} << 20;
  unsigned max_depth = 64;              // nested arrays and maps ({} is 1 level)
};

// Bad input or a value beyond the limits; the message names the byte offset.
class CodecError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws CodecError when the value is deeper than max_depth or its encoding is
// larger than max_bytes.
std::string encode_value(const procs::Value& v, const CodecLimits& limits = {});
// Throws CodecError for anything but one well-formed value of this version within
// the limits. Allocation is bounded by the input size.
procs::Value decode_value(std::string_view bytes, const CodecLimits& limits = {});

}  // namespace wippy::cluster
