// A Lua-independent value for messages, spawn arguments and process results:
// nil, boolean, 64-bit integer, double, string, array and (ordered) map.
#pragma once

#include <concepts>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

namespace wippy::procs {

class Value {
 public:
  using Array = std::vector<Value>;
  using Map = std::vector<std::pair<std::string, Value>>;  // keeps insertion order
  enum class Type : uint8_t { Nil, Bool, Int, Double, String, Array, Map };

  Value() = default;  // nil
  Value(std::nullptr_t) {}
  Value(bool b) : v_(b) {}
  // Any integer type (int, long, long long = lua_Integer, size_t...); unsigned values
  // above INT64_MAX wrap around.
  template <std::integral T>
    requires(!std::same_as<T, bool>)
  Value(T i) : v_(static_cast<int64_t>(i)) {}
  Value(double d) : v_(d) {}
  Value(std::string s) : v_(std::move(s)) {}
  Value(std::string_view s) : v_(std::string(s)) {}
  Value(const char* s) : v_(std::string(s)) {}
  Value(Array a) : v_(std::move(a)) {}
  Value(Map m) : v_(std::move(m)) {}

  Type type() const { return static_cast<Type>(v_.index()); }
  static const char* type_name(Type t);  // "nil", "boolean", "integer", "number", "string", "array", "map"
  const char* type_name() const { return type_name(type()); }

  bool is_nil() const { return type() == Type::Nil; }
  bool is_bool() const { return type() == Type::Bool; }
  bool is_int() const { return type() == Type::Int; }
  bool is_double() const { return type() == Type::Double; }
  bool is_number() const { return is_int() || is_double(); }
  bool is_string() const { return type() == Type::String; }
  bool is_array() const { return type() == Type::Array; }
  bool is_map() const { return type() == Type::Map; }

  // Accessors throw std::bad_variant_access on a type mismatch.
  bool as_bool() const { return std::get<bool>(v_); }
  int64_t as_int() const { return std::get<int64_t>(v_); }
  double as_double() const { return std::get<double>(v_); }
  double as_number() const { return is_int() ? static_cast<double>(as_int()) : as_double(); }
  const std::string& as_string() const { return std::get<std::string>(v_); }
  const Array& as_array() const { return std::get<Array>(v_); }
  Array& as_array() { return std::get<Array>(v_); }
  const Map& as_map() const { return std::get<Map>(v_); }
  Map& as_map() { return std::get<Map>(v_); }

  // Map lookup: the first entry with `key`, or null (also for non-maps).
  const Value* get(std::string_view key) const;

  // Deep equality; an integer never equals a double (1 != 1.0), as in the wire format.
  bool operator==(const Value& other) const { return v_ == other.v_; }

  // Debug text: nil, true, 42, 1.5, "text", [1, 2], {a = 1, b = "x"}.
  std::string to_string() const;

  // Approximate memory held: this value plus its strings and elements (what a
  // mailbox limit counts).
  size_t footprint() const;

 private:
  std::variant<std::monostate, bool, int64_t, double, std::string, Array, Map> v_;
};

}  // namespace wippy::procs
