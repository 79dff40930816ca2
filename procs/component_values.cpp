// procs::Value <-> component::Value by WIT type, with a path to the offending value.
#include "procs/component_values.h"

#include <cmath>
#include <cstdint>

#include <fmt/format.h>

#include "component/abi.h"
#include "engine/types.h"

namespace wippy::procs {

namespace {

using component::Field;
using component::Kind;
using component::Type;
namespace cv = component;

// The Lua name of what a Value holds: tables are tables, array or map.
// What one converted value costs the host, as the canonical ABI counts it.
constexpr uint64_t kValueBytes = 64;

const char* lua_type(const Value& v) { return v.is_array() || v.is_map() ? "table" : v.type_name(); }

[[noreturn]] void mismatch(const Type& t, const std::string& path, const std::string& got) {
  throw ValueError(fmt::format("expected {} for {}, got {}", cv::type_name(t), path, got));
}
[[noreturn]] void mismatch(const Type& t, const std::string& path, const Value& v) {
  mismatch(t, path, std::string(lua_type(v)));
}

std::string index_path(const std::string& path, size_t i) { return fmt::format("{}[{}]", path, i + 1); }
std::string field_path(const std::string& path, const std::string& name) { return path + "." + name; }

// The integer in `v` (an integral float counts), range-checked for `t`.
uint64_t integer(const Value& v, const Type& t, const std::string& path) {
  int64_t x = 0;
  if (v.is_int()) {
    x = v.as_int();
  } else if (v.is_double() && std::isfinite(v.as_double()) && v.as_double() == std::trunc(v.as_double()) &&
             v.as_double() >= -9223372036854775808.0 && v.as_double() < 9223372036854775808.0) {
    x = static_cast<int64_t>(v.as_double());
  } else {
    mismatch(t, path, v);
  }
  int64_t lo = 0, hi = INT64_MAX;
  switch (t.kind) {
    case Kind::S8: lo = INT8_MIN; hi = INT8_MAX; break;
    case Kind::U8: hi = UINT8_MAX; break;
    case Kind::S16: lo = INT16_MIN; hi = INT16_MAX; break;
    case Kind::U16: hi = UINT16_MAX; break;
    case Kind::S32: lo = INT32_MIN; hi = INT32_MAX; break;
    case Kind::U32: case Kind::Flags: hi = UINT32_MAX; break;
    case Kind::S64: lo = INT64_MIN; break;
    case Kind::U64: break;
    case Kind::Char: hi = 0x10FFFF; break;
    default: hi = static_cast<int64_t>(t.fields.size()) - 1; break;  // enum
  }
  if (x < lo || x > hi || (t.kind == Kind::Char && x >= 0xD800 && x <= 0xDFFF) ||
      (t.kind == Kind::Flags && t.fields.size() < 32 && (static_cast<uint64_t>(x) >> t.fields.size()) != 0)) {
    mismatch(t, path, fmt::format("{} (out of range)", x));
  }
  return static_cast<uint64_t>(x);
}

// A map, or an empty table (which Lua cannot tell from an empty array).
const Value::Map* as_map(const Value& v) {
  static const Value::Map empty;
  if (v.is_map()) return &v.as_map();
  if (v.is_array() && v.as_array().empty()) return &empty;
  return nullptr;
}

// The Lua name of a case: a result's are `ok` and `err` (design.md section 10).
const std::string& case_name(const Type& t, size_t i) {
  static const std::string err = "err";
  return t.kind == Kind::Result && i == 1 ? err : t.fields[i].name;
}

std::string field_names(const Type& t) {
  std::string s;
  for (size_t i = 0; i < t.fields.size(); ++i) s += (s.empty() ? "" : ", ") + case_name(t, i);
  return s;
}

cv::Value lower(const Value& v, const Type& t, const std::string& path, uint64_t& spent);

cv::Value record(const Value& v, const Type& t, const std::string& path, uint64_t& spent) {
  const Value::Map* m = as_map(v);
  if (!m) mismatch(t, path, v);
  for (const auto& [key, _] : *m) {
    bool known = false;
    for (const Field& f : t.fields) known = known || f.name == key;
    if (!known) throw ValueError(fmt::format("{}: unknown field `{}` (the fields of {} are: {})", path, key, cv::type_name(t), field_names(t)));
  }
  std::vector<cv::Value> fields;
  for (const Field& f : t.fields) {
    const Value* fv = v.get(f.name);
    fields.push_back(lower(fv ? *fv : Value(), *f.type, field_path(path, f.name), spent));
  }
  return cv::Value::record(std::move(fields));
}

// A variant-like value given as a one-key table {case = payload}.
cv::Value one_case(const Value& v, const Type& t, const std::string& path, uint64_t& spent) {
  const Value::Map* m = as_map(v);
  if (!m || m->size() != 1) {
    mismatch(t, path, m ? fmt::format("a table with {} keys (give exactly one case: {})", m->size(), field_names(t)) : lua_type(v));
  }
  const auto& [name, payload] = m->front();
  for (uint32_t i = 0; i < t.fields.size(); ++i) {
    const Field& c = t.fields[i];
    if (case_name(t, i) != name) continue;
    cv::Value out;
    out.kind = t.kind;
    out.bits = i;
    if (c.type) out.items.push_back(lower(payload, *c.type, field_path(path, name), spent));
    return out;
  }
  throw ValueError(fmt::format("{}: unknown case `{}` (the cases of {} are: {})", path, name, cv::type_name(t), field_names(t)));
}

// Host memory the converted values take, bounded as lifting bounds it (a Lua
// string of 100 MB as list<u8> would otherwise become 100 M values).
void charge(uint64_t& spent, uint64_t bytes, const std::string& path) {
  spent += bytes;
  if (spent > cv::kMaxLiftedBytes) {
    throw ValueError(fmt::format("{}: the values take more than {} MiB of host memory ({} bytes a value)", path,
                                 cv::kMaxLiftedBytes >> 20, kValueBytes));
  }
}

cv::Value lower(const Value& v, const Type& t, const std::string& path, uint64_t& spent) {
  charge(spent, kValueBytes + (v.is_string() ? v.as_string().size() : 0), path);
  cv::Value out;
  out.kind = t.kind;
  switch (t.kind) {
    case Kind::Bool:
      if (!v.is_bool()) mismatch(t, path, v);
      out.bits = v.as_bool() ? 1 : 0;
      return out;
    case Kind::S8: case Kind::U8: case Kind::S16: case Kind::U16: case Kind::S32: case Kind::U32:
    case Kind::S64: case Kind::U64: case Kind::Char: case Kind::Flags:
      out.bits = integer(v, t, path);
      return out;
    case Kind::F32: case Kind::F64:
      if (!v.is_number()) mismatch(t, path, v);
      out.f = t.kind == Kind::F32 ? static_cast<double>(static_cast<float>(v.as_number())) : v.as_number();
      return out;
    case Kind::String:
      if (!v.is_string()) mismatch(t, path, v);
      if (!engine::is_valid_utf8(v.as_string())) mismatch(t, path, std::string("a string that is not valid UTF-8"));
      out.str = v.as_string();
      return out;
    case Kind::List: {
      if (v.is_string() && t.elem->kind == Kind::U8) {  // bytes
        charge(spent, kValueBytes * v.as_string().size(), path);
        for (unsigned char c : v.as_string()) out.items.push_back(cv::Value::u8(c));
        return out;
      }
      if (!v.is_array()) mismatch(t, path, v);
      const Value::Array& a = v.as_array();
      out.items.reserve(a.size());
      for (size_t i = 0; i < a.size(); ++i) out.items.push_back(lower(a[i], *t.elem, index_path(path, i), spent));
      return out;
    }
    case Kind::Record: return record(v, t, path, spent);
    case Kind::Tuple: {
      if (!v.is_array()) mismatch(t, path, v);
      const Value::Array& a = v.as_array();
      if (a.size() != t.fields.size()) mismatch(t, path, fmt::format("a table of {} items", a.size()));
      for (size_t i = 0; i < a.size(); ++i) out.items.push_back(lower(a[i], *t.fields[i].type, index_path(path, i), spent));
      return out;
    }
    case Kind::Option:
      if (v.is_nil()) return cv::Value::none();
      return cv::Value::some(lower(v, *t.elem, path, spent));
    case Kind::Enum:
      if (v.is_string()) {
        for (uint32_t i = 0; i < t.fields.size(); ++i) {
          if (t.fields[i].name == v.as_string()) return cv::Value::enumeration(i);
        }
        throw ValueError(fmt::format("{}: unknown case `{}` (the cases of {} are: {})", path, v.as_string(), cv::type_name(t), field_names(t)));
      }
      out.bits = integer(v, t, path);
      return out;
    case Kind::Variant: case Kind::Result: return one_case(v, t, path, spent);
    case Kind::Own: case Kind::Borrow:
      throw ValueError(fmt::format("{}: a resource handle ({}) cannot be passed in from outside the component's process", path, cv::type_name(t)));
    default:
      throw ValueError(fmt::format("{}: {} is not a value type", path, cv::type_name(t)));
  }
}

}  // namespace

cv::Value to_component_value(const Value& v, const Type& t, const std::string& path) {
  uint64_t spent = 0;
  return lower(v, t, path, spent);
}

std::vector<cv::Value> to_component_args(const Type& func, std::span<const Value> args) {
  const auto& params = func.params();
  if (args.size() != params.size()) {
    throw ValueError(fmt::format("parameter count mismatch: expected {}, got {}", params.size(), args.size()));
  }
  std::vector<cv::Value> out;
  out.reserve(args.size());
  uint64_t spent = 0;
  for (size_t i = 0; i < args.size(); ++i) out.push_back(lower(args[i], *params[i].type, params[i].name, spent));
  return out;
}

Value from_component_value(const cv::Value& v, const Type& t, const std::string& path) {
  switch (t.kind) {
    case Kind::Bool: return Value(v.bits != 0);
    case Kind::S8: case Kind::S16: case Kind::S32: case Kind::S64: return Value(v.as_signed());
    case Kind::U64:
      if (v.bits > static_cast<uint64_t>(INT64_MAX)) {
        throw ValueError(fmt::format("{}: u64 {} does not fit a Lua integer (above 2^63-1)", path, v.bits));
      }
      return Value(static_cast<int64_t>(v.bits));
    case Kind::U8: case Kind::U16: case Kind::U32: case Kind::Char: case Kind::Enum: case Kind::Flags:
      return Value(static_cast<int64_t>(v.bits));
    case Kind::F32: case Kind::F64: return Value(v.f);
    case Kind::String: return Value(v.str);
    case Kind::List: {
      Value::Array a;
      a.reserve(v.items.size());
      for (size_t i = 0; i < v.items.size(); ++i) a.push_back(from_component_value(v.items[i], *t.elem, index_path(path, i)));
      return Value(std::move(a));
    }
    case Kind::Tuple: {
      Value::Array a;
      for (size_t i = 0; i < v.items.size(); ++i) a.push_back(from_component_value(v.items[i], *t.fields.at(i).type, index_path(path, i)));
      return Value(std::move(a));
    }
    case Kind::Record: {
      Value::Map m;
      for (size_t i = 0; i < v.items.size(); ++i) {
        const Field& f = t.fields.at(i);
        m.emplace_back(f.name, from_component_value(v.items[i], *f.type, field_path(path, f.name)));
      }
      return Value(std::move(m));
    }
    case Kind::Option:
      if (!v.payload()) return {};
      return from_component_value(*v.payload(), *t.elem, path);
    case Kind::Variant: case Kind::Result: {
      const Field& c = t.fields.at(v.case_index());
      const std::string& name = case_name(t, v.case_index());
      Value payload = v.payload() && c.type ? from_component_value(*v.payload(), *c.type, field_path(path, name)) : Value(true);
      return Value(Value::Map{{name, std::move(payload)}});
    }
    case Kind::Own: case Kind::Borrow:
      return Value(Value::Map{{"resource", Value(t.elem->resource_name)}, {"handle", Value(static_cast<int64_t>(v.bits))}});
    default:
      throw ValueError(fmt::format("{}: {} is not a value type", path, cv::type_name(t)));
  }
}

Value from_component_results(const Type& func, const std::vector<cv::Value>& results) {
  if (!func.result() || results.empty()) return {};
  return from_component_value(results.front(), *func.result());
}

component::Value bytes_value(const std::string& s) {
  std::vector<component::Value> items;
  items.reserve(s.size());
  for (unsigned char c : s) items.push_back(component::Value::u8(c));
  return component::Value::list(std::move(items));
}

std::string bytes_of(const component::Value& list) {
  std::string out;
  out.reserve(list.items.size());
  for (const component::Value& b : list.items) out.push_back(static_cast<char>(b.bits));
  return out;
}

}  // namespace wippy::procs
