// Values of spec-test scripts: parsing the JSON of wast2json into value-stack cells,
// matching results against expectations and printing both.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "interp/types.h"

namespace wippy::spectest {

using interp::ValType;

// "i32", "f64", "funcref", ... Throws std::runtime_error for anything else.
ValType parse_type(std::string_view name);

// An argument ({"type": ..., "value": ...}) as the cells the engine takes: numbers as
// bit patterns, v128 as two cells (low half first), externref N as host value N+1
// (so that 0 stays null), null references as 0.
std::vector<uint64_t> parse_arg(const nlohmann::json& value);

// One expected result of assert_return.
struct Expected {
  enum class Kind {
    Exact,          // compare bits (for v128: per lane, see lanes)
    CanonicalNan,   // "nan:canonical"
    ArithmeticNan,  // "nan:arithmetic"
    Null,           // null reference
    NonNull,        // a reference without a value: any non-null reference
  };
  struct Lane {
    Kind kind = Kind::Exact;
    uint64_t bits = 0;
  };
  ValType type = ValType::I32;
  Kind kind = Kind::Exact;
  uint64_t bits = 0;            // scalars and references
  ValType lane_type = ValType::I32;  // v128: I32/I64/F32/F64, or lane_bits 8/16 ints
  unsigned lane_bits = 0;       // v128: lane width in bits
  std::vector<Lane> lanes;      // v128
};

Expected parse_expected(const nlohmann::json& value);

// Whether a result of type `actual` held in `cells` (cell_count(actual) cells)
// satisfies the expectation.
bool matches(const Expected& expected, ValType actual, std::span<const uint64_t> cells);

std::string format_value(ValType type, std::span<const uint64_t> cells);
std::string format_expected(const Expected& expected);

}  // namespace wippy::spectest
