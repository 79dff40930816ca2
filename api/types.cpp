// The API's value and type names, and their conversions to and from the engine's.
#include <stdexcept>
#include <string>

#include "api/impl.h"
#include "engine/backtrace.h"

namespace wippy {

const char* to_string(ValType type) { return engine::val_type_name(detail::to_engine(type)); }

std::string to_string(const FuncType& type) { return engine::to_string(detail::to_engine(type)); }

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
  engine::ValType internal;
};
constexpr TypePair kTypes[] = {
    {ValType::I32, engine::ValType::I32},           {ValType::I64, engine::ValType::I64},
    {ValType::F32, engine::ValType::F32},           {ValType::F64, engine::ValType::F64},
    {ValType::V128, engine::ValType::V128},         {ValType::FuncRef, engine::ValType::FuncRef},
    {ValType::ExternRef, engine::ValType::ExternRef},
};

std::vector<ValType> list_from_engine(const std::vector<engine::ValType>& types) {
  std::vector<ValType> out;
  out.reserve(types.size());
  for (engine::ValType t : types) out.push_back(from_engine(t));
  return out;
}

std::vector<engine::ValType> list_to_engine(const std::vector<ValType>& types) {
  std::vector<engine::ValType> out;
  out.reserve(types.size());
  for (ValType t : types) out.push_back(to_engine(t));
  return out;
}

}  // namespace

ValType from_engine(engine::ValType t) {
  for (const TypePair& p : kTypes) {
    if (p.internal == t) return p.api;
  }
  throw std::logic_error("unknown value type");
}

engine::ValType to_engine(ValType t) {
  for (const TypePair& p : kTypes) {
    if (p.api == t) return p.internal;
  }
  throw std::logic_error("unknown value type");
}

FuncType from_engine(const engine::FuncType& t) { return {list_from_engine(t.params), list_from_engine(t.results)}; }

engine::FuncType to_engine(const FuncType& t) { return {list_to_engine(t.params), list_to_engine(t.results)}; }

Trap from_engine(const engine::Trap& trap) {
  return Trap{trap.code, trap.message, engine::format_backtrace(trap)};
}

std::vector<uint64_t> to_cells(std::span<const Val> vals, const std::vector<engine::ValType>& types,
                               std::string_view what, std::string_view noun) {
  if (vals.size() != types.size()) {
    throw std::invalid_argument(std::string(what) + ": expected " + std::to_string(types.size()) + " " +
                                std::string(noun) + (types.size() == 1 ? "" : "s") + ", got " +
                                std::to_string(vals.size()));
  }
  std::vector<uint64_t> cells;
  cells.reserve(engine::cell_count(types));
  for (size_t i = 0; i < vals.size(); ++i) {
    if (to_engine(vals[i].type()) != types[i]) {
      throw std::invalid_argument(std::string(what) + ": " + std::string(noun) + " " + std::to_string(i + 1) +
                                  " must be " + engine::val_type_name(types[i]) + ", got " +
                                  to_string(vals[i].type()));
    }
    cells.push_back(vals[i].bits());
    if (types[i] == engine::ValType::V128) cells.push_back(vals[i].high_bits());
  }
  return cells;
}

std::vector<Val> from_cells(std::span<const uint64_t> cells, const std::vector<engine::ValType>& types) {
  std::vector<Val> out;
  out.reserve(types.size());
  size_t at = 0;
  for (engine::ValType t : types) {
    uint64_t hi = t == engine::ValType::V128 ? cells[at + 1] : 0;
    out.push_back(Val::from_bits(from_engine(t), cells[at], hi));
    at += engine::cell_count(t);
  }
  return out;
}

}  // namespace detail
}  // namespace wippy
