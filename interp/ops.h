// Internal opcodes, one per run-loop handler (see ops.def).
#pragma once

#include <cstdint>

namespace wippy::interp {

enum class Op : uint16_t {
#define OP(name, layout) name,
#include "interp/ops.def"
#undef OP
  Count
};

constexpr Op op_offset(Op base, int delta) { return static_cast<Op>(static_cast<int>(base) + delta); }

}  // namespace wippy::interp
