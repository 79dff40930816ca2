// The API's value and type names, and their conversions to and from the interpreter's.
#include <stdexcept>
#include <string>

#include "api/impl.h"
#include "engine/backtrace.h"

namespace wippy {

const char* to_string(ValType type) { return interp::val_type_name(detail::to_interp(type)); }

std::string to_string(const FuncType& type) { return interp::to_string(detail::to_interp(type)); }

const char* to_string(ExternKind kind) {
  switch (kind) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
  }
  return "?";
}

std::string to_string(const ExternType& type) {
  auto limits = [&] {
    return std::to_string(type.min) + ".." + (type.max ? std::to_string(*type.max) : "");
  };
  switch (type.kind) {
    case ExternKind::Func: return "func " + to_string(type.func);
    case ExternKind::Table: return std::string("table ") + to_string(type.value) + " " + limits();
    case ExternKind::Memory: return "memory " + limits();
    case ExternKind::Global:
      return std::string("global ") + (type.mutable_global ? "mut " : "") + to_string(type.value);
  }
  return "?";
}

const char* to_string(TrapCode code) {
  switch (code) {
    case TrapCode::FuelExhausted: return "fuel_exhausted";
    case TrapCode::StackOverflow: return "stack_overflow";
    case TrapCode::MemoryOutOfBounds: return "memory_out_of_bounds";
    case TrapCode::TableOutOfBounds: return "table_out_of_bounds";
    case TrapCode::Unreachable: return "unreachable";
    case TrapCode::IntegerDivideByZero: return "integer_divide_by_zero";
    case TrapCode::IntegerOverflow: return "integer_overflow";
    case TrapCode::InvalidConversion: return "invalid_conversion";
    case TrapCode::IndirectCallTypeMismatch: return "indirect_call_type_mismatch";
    case TrapCode::UndefinedElement: return "undefined_element";
    case TrapCode::UninitializedElement: return "uninitialized_element";
    case TrapCode::HostError: return "host_error";
  }
  return "?";
}

namespace detail {

namespace {

struct TypePair {
  ValType api;
  interp::ValType interp;
};
constexpr TypePair kTypes[] = {
    {ValType::I32, interp::ValType::I32},           {ValType::I64, interp::ValType::I64},
    {ValType::F32, interp::ValType::F32},           {ValType::F64, interp::ValType::F64},
    {ValType::V128, interp::ValType::V128},         {ValType::FuncRef, interp::ValType::FuncRef},
    {ValType::ExternRef, interp::ValType::ExternRef},
};

std::vector<ValType> list_from_interp(const std::vector<interp::ValType>& types) {
  std::vector<ValType> out;
  out.reserve(types.size());
  for (interp::ValType t : types) out.push_back(from_interp(t));
  return out;
}

std::vector<interp::ValType> list_to_interp(const std::vector<ValType>& types) {
  std::vector<interp::ValType> out;
  out.reserve(types.size());
  for (ValType t : types) out.push_back(to_interp(t));
  return out;
}

}  // namespace

ValType from_interp(interp::ValType t) {
  for (const TypePair& p : kTypes) {
    if (p.interp == t) return p.api;
  }
  throw std::logic_error("unknown value type");
}

interp::ValType to_interp(ValType t) {
  for (const TypePair& p : kTypes) {
    if (p.api == t) return p.interp;
  }
  throw std::logic_error("unknown value type");
}

FuncType from_interp(const interp::FuncType& t) { return {list_from_interp(t.params), list_from_interp(t.results)}; }

interp::FuncType to_interp(const FuncType& t) { return {list_to_interp(t.params), list_to_interp(t.results)}; }

TrapCode from_interp(interp::TrapCode code) {
  switch (code) {
    case interp::TrapCode::FuelExhausted: return TrapCode::FuelExhausted;
    case interp::TrapCode::StackOverflow: return TrapCode::StackOverflow;
    case interp::TrapCode::MemoryOutOfBounds: return TrapCode::MemoryOutOfBounds;
    case interp::TrapCode::TableOutOfBounds: return TrapCode::TableOutOfBounds;
    case interp::TrapCode::Unreachable: return TrapCode::Unreachable;
    case interp::TrapCode::IntegerDivideByZero: return TrapCode::IntegerDivideByZero;
    case interp::TrapCode::IntegerOverflow: return TrapCode::IntegerOverflow;
    case interp::TrapCode::InvalidConversion: return TrapCode::InvalidConversion;
    case interp::TrapCode::IndirectCallTypeMismatch: return TrapCode::IndirectCallTypeMismatch;
    case interp::TrapCode::UndefinedElement: return TrapCode::UndefinedElement;
    case interp::TrapCode::UninitializedElement: return TrapCode::UninitializedElement;
    case interp::TrapCode::Host: return TrapCode::HostError;
  }
  return TrapCode::HostError;
}

Trap from_interp(const interp::Trap& trap) {
  return Trap{from_interp(trap.code), trap.message, engine::format_backtrace(trap)};
}

std::vector<uint64_t> to_cells(std::span<const Val> vals, const std::vector<interp::ValType>& types,
                               std::string_view what, std::string_view noun) {
  if (vals.size() != types.size()) {
    throw std::invalid_argument(std::string(what) + ": expected " + std::to_string(types.size()) + " " +
                                std::string(noun) + (types.size() == 1 ? "" : "s") + ", got " +
                                std::to_string(vals.size()));
  }
  std::vector<uint64_t> cells;
  cells.reserve(interp::cell_count(types));
  for (size_t i = 0; i < vals.size(); ++i) {
    if (to_interp(vals[i].type()) != types[i]) {
      throw std::invalid_argument(std::string(what) + ": " + std::string(noun) + " " + std::to_string(i + 1) +
                                  " must be " + interp::val_type_name(types[i]) + ", got " +
                                  to_string(vals[i].type()));
    }
    cells.push_back(vals[i].bits());
    if (types[i] == interp::ValType::V128) cells.push_back(vals[i].high_bits());
  }
  return cells;
}

std::vector<Val> from_cells(std::span<const uint64_t> cells, const std::vector<interp::ValType>& types) {
  std::vector<Val> out;
  out.reserve(types.size());
  size_t at = 0;
  for (interp::ValType t : types) {
    uint64_t hi = t == interp::ValType::V128 ? cells[at + 1] : 0;
    out.push_back(Val::from_bits(from_interp(t), cells[at], hi));
    at += interp::cell_count(t);
  }
  return out;
}

}  // namespace detail
}  // namespace wippy
