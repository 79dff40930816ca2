#include "procs/value.h"

#include <cmath>
#include <cstdio>
#include <unordered_set>

namespace wippy::procs {

const char* Value::type_name(Type t) {
  switch (t) {
    case Type::Nil: return "nil";
    case Type::Bool: return "boolean";
    case Type::Int: return "integer";
    case Type::Double: return "number";
    case Type::String: return "string";
    case Type::Array: return "array";
    case Type::Map: return "map";
  }
  return "?";
}

const Value* Value::get(std::string_view key) const {
  if (!is_map()) return nullptr;
  for (const auto& [k, v] : as_map())
    if (k == key) return &v;
  return nullptr;
}

namespace {

void quote(std::string& out, const std::string& s) {
  out += '"';
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned char>(c));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

// Appends `v`, stopping once `out` holds `max` characters (a value with shared
// nodes may be far longer written out than it is in memory).
void append(std::string& out, const Value& v, size_t max) {
  if (out.size() >= max) return;
  switch (v.type()) {
    case Value::Type::Nil: out += "nil"; break;
    case Value::Type::Bool: out += v.as_bool() ? "true" : "false"; break;
    case Value::Type::Int: out += std::to_string(v.as_int()); break;
    case Value::Type::Double: {
      char buf[32];
      double d = v.as_double();
      if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 1e15)
        std::snprintf(buf, sizeof buf, "%.1f", d);
      else
        std::snprintf(buf, sizeof buf, "%.17g", d);
      out += buf;
      break;
    }
    case Value::Type::String: quote(out, v.as_string()); break;
    case Value::Type::Array: {
      out += '[';
      bool first = true;
      for (const Value& e : v.as_array()) {
        if (out.size() >= max) return;
        if (!first) out += ", ";
        first = false;
        append(out, e, max);
      }
      out += ']';
      break;
    }
    case Value::Type::Map: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.as_map()) {
        if (out.size() >= max) return;
        if (!first) out += ", ";
        first = false;
        out += k;
        out += " = ";
        append(out, e, max);
      }
      out += '}';
      break;
    }
  }
}

// Adds what `v` holds that `seen` does not hold yet (shared nodes count once).
size_t footprint_of(const Value& v, std::unordered_set<const void*>& seen) {
  size_t n = Value::kValueBytes;
  if (v.node_shared() && !seen.insert(v.node()).second) return n;
  switch (v.type()) {
    case Value::Type::String: n += v.as_string().size(); break;
    case Value::Type::Array:
      for (const Value& e : v.as_array()) n += footprint_of(e, seen);
      break;
    case Value::Type::Map:
      for (const auto& [k, e] : v.as_map()) n += Value::kKeyBytes + k.size() + footprint_of(e, seen);
      break;
    default: break;
  }
  return n;
}

}  // namespace

std::string Value::to_string(size_t max_chars) const {
  std::string out;
  append(out, *this, max_chars);
  if (out.size() >= max_chars) {
    out.resize(max_chars);
    out += "...";
  }
  return out;
}

size_t Value::footprint() const {
  std::unordered_set<const void*> seen;
  return footprint_of(*this, seen);
}

const void* Value::node() const {
  if (const auto* a = std::get_if<ArrayNode>(&v_)) return a->get();
  if (const auto* m = std::get_if<MapNode>(&v_)) return m->get();
  return nullptr;
}

bool Value::node_shared() const {
  if (const auto* a = std::get_if<ArrayNode>(&v_)) return a->use_count() > 1;
  if (const auto* m = std::get_if<MapNode>(&v_)) return m->use_count() > 1;
  return false;
}

bool Value::operator==(const Value& other) const {
  if (type() != other.type()) return false;
  switch (type()) {
    case Type::Array: return node() == other.node() || as_array() == other.as_array();
    case Type::Map: return node() == other.node() || as_map() == other.as_map();
    default: return v_ == other.v_;
  }
}

}  // namespace wippy::procs
