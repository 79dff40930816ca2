// A Lua-independent value for messages, spawn arguments and process results:
// nil, boolean, 64-bit integer, double, string, array and (ordered) map.
//
// Arrays and maps are immutable shared nodes: copying a Value copies a pointer, and
// a value may use one node in several places (a message built from shared tables
// keeps its sharing, so its size is linear in its distinct tables). Nodes are never
// changed once shared (the mutable accessors copy a shared node first), so values
// may be handed between threads.
#pragma once

#include <concepts>
#include <cstddef>
#include <cstdint>
#include <memory>
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
  Value(Array a) : v_(std::make_shared<Array>(std::move(a))) {}
  Value(Map m) : v_(std::make_shared<Map>(std::move(m))) {}

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
  const Array& as_array() const { return *std::get<ArrayNode>(v_); }
  Array& as_array() { return unshare<Array>(); }
  const Map& as_map() const { return *std::get<MapNode>(v_); }
  Map& as_map() { return unshare<Map>(); }

  // The array or map node (its identity, for conversions that keep sharing), or null.
  const void* node() const;
  // True when the node is also held elsewhere (in this value or another one).
  bool node_shared() const;

  // Map lookup: the first entry with `key`, or null (also for non-maps).
  const Value* get(std::string_view key) const;

  // Deep equality; an integer never equals a double (1 != 1.0), as in the wire format.
  bool operator==(const Value& other) const;

  // Debug text: nil, true, 42, 1.5, "text", [1, 2], {a = 1, b = "x"}; a shared node
  // is written out at every use. Text beyond `max_chars` is cut and ends in "...".
  std::string to_string(size_t max_chars = size_t{1} << 20) const;

  // Approximate memory held: kValueBytes per value, plus its string's bytes, plus
  // kKeyBytes and the key's bytes per map entry; a shared node counts once (what a
  // mailbox limit and max_message_bytes count).
  size_t footprint() const;
  static constexpr size_t kValueBytes = 48;
  static constexpr size_t kKeyBytes = 32;

 private:
  using ArrayNode = std::shared_ptr<Array>;
  using MapNode = std::shared_ptr<Map>;
  template <class T>
  T& unshare() {
    auto& node = std::get<std::shared_ptr<T>>(v_);
    if (node.use_count() > 1) node = std::make_shared<T>(*node);
    return *node;
  }

  std::variant<std::monostate, bool, int64_t, double, std::string, ArrayNode, MapNode> v_;
};

// Caps on one value passed between processes (a message payload, the arguments of a
// spawn, a result), checked while it is made from a Lua value; a process.host's
// max_message_bytes and max_message_depth.
struct MessageLimits {
  size_t max_bytes = size_t{16} << 20;  // Value::footprint(); 0: no limit
  unsigned max_depth = 64;              // nested arrays and maps ({} is 1 level)
  static constexpr unsigned kMaxMaxDepth = 1000;  // conversions recurse per level
};

}  // namespace wippy::procs
