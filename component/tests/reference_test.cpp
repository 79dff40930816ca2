// Our canonical ABI against the reference: reference.mjs runs the types guest as
// `jco transpile` made it (JS bindings + core wasm on node) and prints each call's
// arguments and result; we make the same call and must lift the same result.
#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>

#include "component/instance.h"
#include "component/tests/guest_util.h"

namespace wippy::component {
namespace {

using json = nlohmann::json;

// jco's JS names for record fields and flags: lowerCamelCase of the WIT name.
std::string camel(const std::string& kebab) {
  std::string out;
  bool up = false;
  for (char c : kebab) {
    if (c == '-') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

uint32_t first_code_point(const std::string& s) {
  auto b = [&](size_t i) { return static_cast<uint8_t>(s.at(i)); };
  uint8_t c = b(0);
  if (c < 0x80) return c;
  if (c < 0xE0) return (c & 0x1F) << 6 | (b(1) & 0x3F);
  if (c < 0xF0) return (c & 0x0F) << 12 | (b(1) & 0x3F) << 6 | (b(2) & 0x3F);
  return (c & 0x07) << 18 | (b(1) & 0x3F) << 12 | (b(2) & 0x3F) << 6 | (b(3) & 0x3F);
}

std::string utf8(uint32_t cp) {
  std::string s;
  if (cp < 0x80) {
    s += static_cast<char>(cp);
  } else if (cp < 0x800) {
    s += static_cast<char>(0xC0 | cp >> 6);
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    s += static_cast<char>(0xE0 | cp >> 12);
    s += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    s += static_cast<char>(0xF0 | cp >> 18);
    s += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
    s += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    s += static_cast<char>(0x80 | (cp & 0x3F));
  }
  return s;
}

// The neutral JSON form of reference.mjs -> Value, directed by the type.
Value from_json(const json& j, const Type& t) {
  auto case_index = [&](const std::string& name) {
    for (size_t i = 0; i < t.fields.size(); ++i) {
      if (t.fields[i].name == name) return static_cast<uint32_t>(i);
    }
    throw std::runtime_error("no case " + name + " in " + type_name(t));
  };
  switch (t.kind) {
    case Kind::Bool: return Value::boolean(j.get<bool>());
    case Kind::S8: return Value::s8(j.get<int8_t>());
    case Kind::U8: return Value::u8(j.get<uint8_t>());
    case Kind::S16: return Value::s16(j.get<int16_t>());
    case Kind::U16: return Value::u16(j.get<uint16_t>());
    case Kind::S32: return Value::s32(j.get<int32_t>());
    case Kind::U32: return Value::u32(j.get<uint32_t>());
    case Kind::S64: return Value::s64(std::stoll(j.get<std::string>()));
    case Kind::U64: return Value::u64(std::stoull(j.get<std::string>()));
    case Kind::F32: return Value::f32(j.get<float>());
    case Kind::F64: return Value::f64(j.get<double>());
    case Kind::Char: return Value::character(first_code_point(j.get<std::string>()));
    case Kind::String: return Value::string(j.get<std::string>());
    case Kind::List: {
      std::vector<Value> items;
      for (const json& e : j) items.push_back(from_json(e, *t.elem));
      return Value::list(std::move(items));
    }
    case Kind::Tuple: {
      std::vector<Value> items;
      for (size_t i = 0; i < t.fields.size(); ++i) items.push_back(from_json(j.at(i), *t.fields[i].type));
      return Value::tuple(std::move(items));
    }
    case Kind::Record: {
      std::vector<Value> items;
      // An absent field is an option's none (reference.mjs drops undefined).
      for (const Field& f : t.fields) items.push_back(from_json(j.value(camel(f.name), json(nullptr)), *f.type));
      return Value::record(std::move(items));
    }
    case Kind::Flags: {
      uint32_t mask = 0;
      for (size_t i = 0; i < t.fields.size(); ++i) {
        std::string k = camel(t.fields[i].name);
        if (j.contains(k) && j[k].get<bool>()) mask |= 1u << i;
      }
      return Value::flags(mask);
    }
    case Kind::Enum: return Value::enumeration(case_index(j.get<std::string>()));
    case Kind::Option: return j.is_null() ? Value::none() : Value::some(from_json(j, *t.elem));
    case Kind::Variant: case Kind::Result: {
      std::string tag = j.at("tag").get<std::string>();
      uint32_t c = t.kind == Kind::Result ? (tag == "ok" ? 0 : 1) : case_index(tag);
      Value v = t.kind == Kind::Result ? (c == 0 ? Value::ok() : Value::err()) : Value::variant(c);
      if (t.fields[c].type) v.items.push_back(from_json(j.at("val"), *t.fields[c].type));
      return v;
    }
    default: throw std::runtime_error("no JSON form for " + type_name(t));
  }
}

// Value -> the neutral JSON form.
json to_json(const Value& v, const Type& t) {
  switch (t.kind) {
    case Kind::Bool: return v.bits != 0;
    case Kind::S8: case Kind::S16: case Kind::S32: return v.as_signed();
    case Kind::U8: case Kind::U16: case Kind::U32: return v.bits;
    case Kind::S64: return std::to_string(v.as_signed());
    case Kind::U64: return std::to_string(v.bits);
    case Kind::F32: case Kind::F64: return v.f;
    case Kind::Char: return utf8(static_cast<uint32_t>(v.bits));
    case Kind::String: return v.str;
    case Kind::List: {
      json a = json::array();
      for (const Value& e : v.items) a.push_back(to_json(e, *t.elem));
      return a;
    }
    case Kind::Tuple: {
      json a = json::array();
      for (size_t i = 0; i < v.items.size(); ++i) a.push_back(to_json(v.items[i], *t.fields[i].type));
      return a;
    }
    case Kind::Record: {
      json o = json::object();
      for (size_t i = 0; i < v.items.size(); ++i) {
        json f = to_json(v.items[i], *t.fields[i].type);
        if (!f.is_null()) o[camel(t.fields[i].name)] = f;
      }
      return o;
    }
    case Kind::Flags: {
      json o = json::object();
      for (size_t i = 0; i < t.fields.size(); ++i) o[camel(t.fields[i].name)] = bool(v.bits >> i & 1);
      return o;
    }
    case Kind::Enum: return t.fields.at(v.case_index()).name;
    case Kind::Option: return v.payload() ? to_json(*v.payload(), *t.elem) : json(nullptr);
    case Kind::Variant: case Kind::Result: {
      const Field& c = t.fields.at(v.case_index());
      json o = {{"tag", t.kind == Kind::Result ? (v.case_index() == 0 ? "ok" : "err") : c.name}};
      if (v.payload()) o["val"] = to_json(*v.payload(), *c.type);
      return o;
    }
    default: throw std::runtime_error("no JSON form for " + type_name(t));
  }
}

std::vector<json> run_reference() {
  std::string cmd = std::string(WIPPY_NODE) + " " + WIPPY_REFERENCE_SCRIPT + " " + WIPPY_TYPES_JS;
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + cmd);
  std::string out;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  if (status != 0) throw std::runtime_error("reference run failed: " + cmd);
  std::vector<json> lines;
  size_t start = 0;
  for (size_t nl; (nl = out.find('\n', start)) != std::string::npos; start = nl + 1) {
    lines.push_back(json::parse(out.substr(start, nl - start)));
  }
  return lines;
}

TEST(Reference, LiftsWhatJcoOnNodeLifts) {
  std::vector<json> calls = run_reference();
  ASSERT_GE(calls.size(), 20u);

  test::TypesHost host;
  ComponentInstance inst(test::load_guest("types.component.wasm"), host.linker());

  for (const json& c : calls) {
    std::string name = c.at("name").get<std::string>();
    SCOPED_TRACE(c.dump());
    const Type& ft = inst.func_type(name);
    std::vector<Value> args;
    for (size_t i = 0; i < ft.params().size(); ++i) args.push_back(from_json(c.at("args").at(i), *ft.params()[i].type));
    std::vector<Value> results = inst.call(name, args);
    ASSERT_EQ(results.size(), 1u);
    EXPECT_EQ(to_json(results[0], *ft.result()), c.at("result"));
  }
}

}  // namespace
}  // namespace wippy::component
