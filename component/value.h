// component::Value: a host-neutral tree of WIT values, what the canonical ABI lifts
// out of a guest and lowers into one. Names (record fields, cases, flags) live in
// the value's Type; a Value holds positions: fields in type order, a case index.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "component/types.h"

namespace wippy::component {

struct Value {
  Kind kind = Kind::Bool;
  // bool, integers (s* sign-extended into i64, u* in u64), char (code point),
  // enum/variant/option/result case index, flags bitmask, handle representation.
  uint64_t bits = 0;
  double f = 0;          // f32, f64
  std::string str;       // string (UTF-8)
  // list elements, record/tuple fields in type order, the payload of a case (0 or 1)
  std::vector<Value> items;
  const Type* resource = nullptr;  // own/borrow: the resource type

  bool operator==(const Value&) const = default;

  static Value boolean(bool b) { return scalar(Kind::Bool, b ? 1 : 0); }
  static Value s8(int8_t v) { return scalar(Kind::S8, static_cast<uint64_t>(int64_t{v})); }
  static Value u8(uint8_t v) { return scalar(Kind::U8, v); }
  static Value s16(int16_t v) { return scalar(Kind::S16, static_cast<uint64_t>(int64_t{v})); }
  static Value u16(uint16_t v) { return scalar(Kind::U16, v); }
  static Value s32(int32_t v) { return scalar(Kind::S32, static_cast<uint64_t>(int64_t{v})); }
  static Value u32(uint32_t v) { return scalar(Kind::U32, v); }
  static Value s64(int64_t v) { return scalar(Kind::S64, static_cast<uint64_t>(v)); }
  static Value u64(uint64_t v) { return scalar(Kind::U64, v); }
  static Value f32(float v) { Value x; x.kind = Kind::F32; x.f = v; return x; }
  static Value f64(double v) { Value x; x.kind = Kind::F64; x.f = v; return x; }
  static Value character(uint32_t code_point) { return scalar(Kind::Char, code_point); }
  static Value string(std::string s) { Value x; x.kind = Kind::String; x.str = std::move(s); return x; }
  static Value list(std::vector<Value> items) { return aggregate(Kind::List, std::move(items)); }
  static Value record(std::vector<Value> fields) { return aggregate(Kind::Record, std::move(fields)); }
  static Value tuple(std::vector<Value> items) { return aggregate(Kind::Tuple, std::move(items)); }
  static Value variant(uint32_t case_index) { return scalar(Kind::Variant, case_index); }
  static Value variant(uint32_t case_index, Value payload) { return with_payload(Kind::Variant, case_index, std::move(payload)); }
  static Value enumeration(uint32_t case_index) { return scalar(Kind::Enum, case_index); }
  static Value none() { return scalar(Kind::Option, 0); }
  static Value some(Value v) { return with_payload(Kind::Option, 1, std::move(v)); }
  static Value ok() { return scalar(Kind::Result, 0); }
  static Value ok(Value v) { return with_payload(Kind::Result, 0, std::move(v)); }
  static Value err() { return scalar(Kind::Result, 1); }
  static Value err(Value v) { return with_payload(Kind::Result, 1, std::move(v)); }
  static Value flags(uint32_t mask) { return scalar(Kind::Flags, mask); }
  static Value own(const Type* resource, uint32_t rep) { Value x = scalar(Kind::Own, rep); x.resource = resource; return x; }
  static Value borrow(const Type* resource, uint32_t rep) { Value x = scalar(Kind::Borrow, rep); x.resource = resource; return x; }

  int64_t as_signed() const { return static_cast<int64_t>(bits); }
  uint32_t case_index() const { return static_cast<uint32_t>(bits); }
  const Value* payload() const { return items.empty() ? nullptr : &items[0]; }

 private:
  static Value scalar(Kind k, uint64_t b) { Value x; x.kind = k; x.bits = b; return x; }
  static Value aggregate(Kind k, std::vector<Value> items) { Value x; x.kind = k; x.items = std::move(items); return x; }
  static Value with_payload(Kind k, uint32_t c, Value p) {
    Value x = scalar(k, c);
    x.items.push_back(std::move(p));
    return x;
  }
};

// WIT-like text of a value, with the names its type gives: `{x: 1, label: "a"}`,
// `circle(1.5)`, `some(3)`, `ok("x")`, `[1, 2]`, `{read, write}`.
std::string to_string(const Value& v, const Type& t);

}  // namespace wippy::component
