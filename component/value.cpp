// WIT-like text of component values, for messages and test output.
#include "component/value.h"

#include <fmt/format.h>

namespace wippy::component {

namespace {

std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string join_items(const Value& v, const Type& t, const char* open, const char* close, bool named) {
  std::string s = open;
  for (size_t i = 0; i < v.items.size(); ++i) {
    if (i) s += ", ";
    const Type& et = t.kind == Kind::List ? *t.elem : *t.fields.at(i).type;
    if (named) s += t.fields.at(i).name + ": ";
    s += to_string(v.items[i], et);
  }
  return s + close;
}

}  // namespace

std::string to_string(const Value& v, const Type& t) {
  if (v.kind != t.kind) return fmt::format("<{} value for {}>", kind_name(v.kind), type_name(t));
  switch (t.kind) {
    case Kind::Bool: return v.bits ? "true" : "false";
    case Kind::S8: case Kind::S16: case Kind::S32: case Kind::S64: return std::to_string(v.as_signed());
    case Kind::U8: case Kind::U16: case Kind::U32: case Kind::U64: return std::to_string(v.bits);
    case Kind::F32: case Kind::F64: return fmt::format("{}", v.f);
    case Kind::Char: return fmt::format("U+{:04X}", v.bits);
    case Kind::String: return quote(v.str);
    case Kind::List: return join_items(v, t, "[", "]", false);
    case Kind::Tuple: return join_items(v, t, "(", ")", false);
    case Kind::Record: return join_items(v, t, "{", "}", true);
    case Kind::Flags: {
      std::string s = "{";
      for (size_t i = 0; i < t.fields.size(); ++i) {
        if (!(v.bits >> i & 1)) continue;
        if (s.size() > 1) s += ", ";
        s += t.fields[i].name;
      }
      return s + "}";
    }
    case Kind::Variant: case Kind::Enum: case Kind::Option: case Kind::Result: {
      if (v.case_index() >= t.fields.size()) return fmt::format("<case {}>", v.case_index());
      const Field& c = t.fields[v.case_index()];
      if (!v.payload() || !c.type) return c.name;
      return c.name + "(" + to_string(*v.payload(), *c.type) + ")";
    }
    case Kind::Own: case Kind::Borrow: return fmt::format("{}<{}>#{}", kind_name(t.kind), t.elem->resource_name, v.bits);
    default: return "?";
  }
}

}  // namespace wippy::component
