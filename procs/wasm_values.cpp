#include "procs/wasm_values.h"

#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>

namespace wippy::procs {

namespace {

using engine::ValType;

std::string arg_prefix(size_t i) { return "argument " + std::to_string(i + 1) + ": "; }

// The integer a Value holds (an integral double counts), or throws.
int64_t integer_arg(const Value& v, size_t i, ValType t) {
  if (v.is_int()) return v.as_int();
  if (v.is_double()) {
    double d = v.as_double();
    if (std::isfinite(d) && d == std::trunc(d) && d >= -9223372036854775808.0 && d < 9223372036854775808.0)
      return static_cast<int64_t>(d);
  }
  throw std::invalid_argument(arg_prefix(i) + "expected an integer for " + engine::val_type_name(t) +
                              ", got " + v.type_name());
}

double number_arg(const Value& v, size_t i, ValType t) {
  if (v.is_number()) return v.as_number();
  throw std::invalid_argument(arg_prefix(i) + "expected a number for " + engine::val_type_name(t) +
                              ", got " + v.type_name());
}

}  // namespace

WasmArgs to_wasm_args(const engine::FuncType& type, std::span<const Value> args) {
  if (args.size() != type.params.size()) {
    throw std::invalid_argument("parameter count mismatch: expected " + std::to_string(type.params.size()) +
                                ", got " + std::to_string(args.size()));
  }
  WasmArgs cells(args.size());
  for (size_t i = 0; i < args.size(); i++) {
    ValType t = type.params[i];
    const Value& v = args[i];
    switch (t) {
      case ValType::I32: {
        int64_t x = integer_arg(v, i, t);
        if (x < INT32_MIN || x > int64_t{UINT32_MAX})
          throw std::invalid_argument(arg_prefix(i) + "integer " + std::to_string(x) + " out of range for i32");
        cells[i] = static_cast<uint32_t>(x);
        break;
      }
      case ValType::I64:
        cells[i] = static_cast<uint64_t>(integer_arg(v, i, t));
        break;
      case ValType::F32: {
        float f = static_cast<float>(number_arg(v, i, t));
        uint32_t bits;
        std::memcpy(&bits, &f, sizeof bits);
        cells[i] = bits;
        break;
      }
      case ValType::F64: {
        double d = number_arg(v, i, t);
        uint64_t bits;
        std::memcpy(&bits, &d, sizeof bits);
        cells[i] = bits;
        break;
      }
      default:
        throw std::invalid_argument(arg_prefix(i) + "unsupported parameter type " + engine::val_type_name(t));
    }
  }
  return cells;
}

namespace {

// One result value from its cells.
Value result_value(ValType t, const uint64_t* cell) {
  switch (t) {
    case ValType::I32:
      return Value(int64_t{static_cast<int32_t>(static_cast<uint32_t>(cell[0]))});
    case ValType::I64:
      return Value(static_cast<int64_t>(cell[0]));
    case ValType::F32: {
      uint32_t bits = static_cast<uint32_t>(cell[0]);
      float f;
      std::memcpy(&f, &bits, sizeof f);
      return Value(static_cast<double>(f));
    }
    case ValType::F64: {
      double d;
      std::memcpy(&d, cell, sizeof d);
      return Value(d);
    }
    case ValType::V128: {
      static const char* hex = "0123456789abcdef";
      std::string s;
      for (int k = 1; k >= 0; k--) {
        uint64_t w = cell[k];
        for (int b = 60; b >= 0; b -= 4) s += hex[(w >> b) & 15];
      }
      return Value(std::move(s));
    }
    default:  // references: null -> nil, else an opaque integer
      return cell[0] == 0 ? Value() : Value(static_cast<int64_t>(cell[0]));
  }
}

}  // namespace

Value from_wasm_results(const engine::FuncType& type, std::span<const uint64_t> cells) {
  const size_t needed = engine::cell_count(type.results);
  if (type.results.empty() || cells.size() < needed) return {};
  if (type.results.size() == 1) return result_value(type.results[0], cells.data());
  Value::Array out;
  out.reserve(type.results.size());
  size_t c = 0;
  for (ValType t : type.results) {
    out.push_back(result_value(t, cells.data() + c));
    c += engine::cell_count(t);
  }
  return Value(std::move(out));
}

}  // namespace wippy::procs
