// The 0xFD prefix: fixed-width SIMD, validated and translated by the kind simd.def
// gives each instruction. A v128 value takes two cells; its home is its first.
#include <array>

#include "interp/simd_opcodes.h"
#include "interp/translator.h"

namespace wippy::interp {
namespace {

// The internal ops follow simd.def's order (ops.def includes it).
static_assert(static_cast<size_t>(Op::SimdF64x2ConvertLowI32x4U) - static_cast<size_t>(Op::SimdV128Load) + 1 ==
              simd_op_count);

constexpr uint32_t kNoSimdOp = UINT32_MAX;

// Sub-opcode -> index in simd_ops (all 2.0 sub-opcodes are below 0x100).
const std::array<uint32_t, 0x100>& simd_index() {
  static const auto table = [] {
    std::array<uint32_t, 0x100> t;
    t.fill(kNoSimdOp);
    for (uint32_t i = 0; i < simd_op_count; ++i) t[static_cast<uint32_t>(simd_ops[i].op)] = i;
    return t;
  }();
  return table;
}

ValType scalar_of(SimdKind k) {
  switch (k) {
    case SimdKind::SplatI32: case SimdKind::ExtractLaneI32: case SimdKind::ReplaceLaneI32: return ValType::I32;
    case SimdKind::SplatI64: case SimdKind::ExtractLaneI64: case SimdKind::ReplaceLaneI64: return ValType::I64;
    case SimdKind::SplatF32: case SimdKind::ExtractLaneF32: case SimdKind::ReplaceLaneF32: return ValType::F32;
    default: return ValType::F64;
  }
}

}  // namespace

uint8_t Translator::lane_index(uint32_t lanes) {
  uint8_t lane = r_.u8();
  if (lane >= lanes) invalid("invalid lane index");
  return lane;
}

void Translator::prefixed_simd() {
  uint32_t sub = r_.u32();
  uint32_t index = sub < 0x100 ? simd_index()[sub] : kNoSimdOp;
  if (index == kNoSimdOp) malformed("illegal opcode");
  const SimdOpInfo& info = simd_ops[index];
  const Op op = op_offset(Op::SimdV128Load, static_cast<int>(index));
  constexpr ValType V = ValType::V128;
  using K = SimdKind;
  switch (info.kind) {
    case K::Unary:
    case K::Test: {
      Val a = pop(V);
      if (!dead_) emit_dynamic(op, layout::Unary{.dst = a.home, .a = use(a)}, true);
      return push(info.kind == K::Test ? ValType::I32 : V);
    }
    case K::Binary:
    case K::Shift: {
      Val b = pop(info.kind == K::Shift ? ValType::I32 : V);
      Val a = pop(V);
      if (!dead_) {
        uint32_t sa = use(a);
        emit_dynamic(op, layout::Binary{.dst = a.home, .a = sa, .b = use(b)}, true);
      }
      return push(V);
    }
    case K::Ternary: {
      Val c = pop(V);
      Val b = pop(V);
      Val a = pop(V);
      if (!dead_) {
        uint32_t sa = use(a), sb = use(b);
        emit_dynamic(op, layout::Ternary{.dst = a.home, .a = sa, .b = sb, .c = use(c)}, true);
      }
      return push(V);
    }
    case K::SplatI32: case K::SplatI64: case K::SplatF32: case K::SplatF64: {
      Val a = pop(scalar_of(info.kind));
      if (!dead_) emit_dynamic(op, layout::Unary{.dst = a.home, .a = use(a)}, true);
      return push(V);
    }
    case K::ExtractLaneI32: case K::ExtractLaneI64: case K::ExtractLaneF32: case K::ExtractLaneF64: {
      uint8_t lane = lane_index(info.extra);
      Val a = pop(V);
      if (!dead_) emit_dynamic(op, layout::Lane{.dst = a.home, .a = use(a), .lane = lane}, true);
      return push(scalar_of(info.kind));
    }
    case K::ReplaceLaneI32: case K::ReplaceLaneI64: case K::ReplaceLaneF32: case K::ReplaceLaneF64: {
      uint8_t lane = lane_index(info.extra);
      Val x = pop(scalar_of(info.kind));
      Val a = pop(V);
      if (!dead_) {
        uint32_t sa = use(a);
        emit_dynamic(op, layout::Lane{.dst = a.home, .a = sa, .b = use(x), .lane = lane}, true);
      }
      return push(V);
    }
    case K::Load: {
      const MemArg arg = read_memarg(info.extra);
      Val addr = pop(ValType::I32);
      on_memory(arg.memory, [&] {
        if (dead_) return;
        uint64_t offset = arg.offset;
        uint32_t sa = address_slot(addr, offset);
        emit_dynamic(op, layout::Load{.dst = addr.home, .addr = sa, .offset = offset}, true);
      });
      return push(V);
    }
    case K::Store: {
      const MemArg arg = read_memarg(info.extra);
      Val v = pop(V);
      Val addr = pop(ValType::I32);
      on_memory(arg.memory, [&] {
        if (dead_) return;
        uint64_t offset = arg.offset;
        uint32_t sa = address_slot(addr, offset);
        emit_dynamic(op, layout::Store{.addr = sa, .value = use(v), .offset = offset}, false);
      });
      return;
    }
    case K::LoadLane:
    case K::StoreLane: {
      const MemArg arg = read_memarg(info.extra);
      uint8_t lane = lane_index(16 / info.extra);
      Val v = pop(V);
      Val addr = pop(ValType::I32);
      bool load = info.kind == K::LoadLane;
      on_memory(arg.memory, [&] {
        if (dead_) return;
        uint64_t offset = arg.offset;
        uint32_t sa = address_slot(addr, offset);
        emit_dynamic(op, layout::MemLane{.dst = addr.home, .addr = sa, .vec = use(v), .lane = lane, .offset = offset},
                     load);
      });
      if (load) push(V);
      return;
    }
    case K::Const: {
      std::span<const uint8_t> bytes = r_.bytes(16);
      uint64_t lo, hi;
      std::memcpy(&lo, bytes.data(), 8);
      std::memcpy(&hi, bytes.data() + 8, 8);
      if (!dead_) emit_dynamic(op, layout::V128Const{.dst = next_home(), .lo = lo, .hi = hi}, true);
      return push(V);
    }
    case K::Shuffle: {
      layout::Shuffle s;
      for (uint8_t& l : s.lanes) l = lane_index(info.extra);
      Val b = pop(V);
      Val a = pop(V);
      if (!dead_) {
        s.dst = a.home;
        s.a = use(a);
        s.b = use(b);
        emit_dynamic(op, s, true);
      }
      return push(V);
    }
  }
}

}  // namespace wippy::interp
