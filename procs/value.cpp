#include "procs/value.h"

#include <cmath>
#include <cstdio>

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

void append(std::string& out, const Value& v) {
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
        if (!first) out += ", ";
        first = false;
        append(out, e);
      }
      out += ']';
      break;
    }
    case Value::Type::Map: {
      out += '{';
      bool first = true;
      for (const auto& [k, e] : v.as_map()) {
        if (!first) out += ", ";
        first = false;
        out += k;
        out += " = ";
        append(out, e);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

std::string Value::to_string() const {
  std::string out;
  append(out, *this);
  return out;
}

size_t Value::footprint() const {
  size_t n = sizeof(Value);
  switch (type()) {
    case Type::String: n += as_string().size(); break;
    case Type::Array:
      for (const Value& e : as_array()) n += e.footprint();
      break;
    case Type::Map:
      for (const auto& [k, e] : as_map()) n += sizeof(std::string) + k.size() + e.footprint();
      break;
    default: break;
  }
  return n;
}

}  // namespace wippy::procs
