// Decodes and validates a component (Component Model MVP binary format, version
// 0x0d, layer 1) as WASI 0.2 toolchains emit it. Each section appends to the index
// spaces in order; every index is checked against the entries defined before it,
// and types are resolved into Type trees as they are read.
#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>

#include "component/component.h"
#include "interp/decode_util.h"
#include "interp/reader.h"

namespace wippy::component {

using interp::Reader;

std::string ComponentError::describe() const { return fmt::format("{} (at byte 0x{:x})", what(), offset_); }

const char* space_name(Space s) {
  static const char* const names[] = {"core func", "core table", "core memory", "core global",
                                      "core type", "core module", "core instance", "func",
                                      "value", "type", "component", "instance"};
  return names[static_cast<size_t>(s)];
}

const ExportDef* Component::find_export(std::string_view name) const {
  for (const ExportDef& e : exports) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

bool is_component(std::span<const uint8_t> bytes) {
  static const uint8_t preamble[] = {0x00, 0x61, 0x73, 0x6d, 0x0d, 0x00, 0x01, 0x00};
  return bytes.size() >= 8 && std::equal(preamble, preamble + 8, bytes.begin());
}

namespace {

[[noreturn]] void invalid(const std::string& message, size_t offset) {
  throw ComponentError(ComponentError::Kind::Invalid, message, offset);
}
[[noreturn]] void unsupported(const std::string& what, size_t offset) {
  throw ComponentError(ComponentError::Kind::Unsupported, what + " is not supported", offset);
}

// A count that prefixes a vector: each element takes at least one byte, so a count
// larger than what is left is malformed (and never reserves memory).
uint32_t read_count(Reader& r) {
  size_t at = r.offset();
  uint32_t n = r.u32();
  if (n > r.remaining()) Reader::fail_at("vector length exceeds the section", at);
  return n;
}

// The core sorts of an alias or an inline export.
Space read_core_sort(Reader& r) {
  size_t at = r.offset();
  switch (r.u8()) {
    case 0x00: return Space::CoreFunc;
    case 0x01: return Space::CoreTable;
    case 0x02: return Space::CoreMemory;
    case 0x03: return Space::CoreGlobal;
    case 0x04: unsupported("the core tag sort (exception handling)", at);
    case 0x10: return Space::CoreType;
    case 0x11: return Space::CoreModule;
    case 0x12: return Space::CoreInstance;
    default: Reader::fail_at("malformed core sort", at);
  }
}

Space read_sort(Reader& r) {
  size_t at = r.offset();
  switch (r.u8()) {
    case 0x00: return read_core_sort(r);
    case 0x01: return Space::Func;
    case 0x02: unsupported("the value sort", at);
    case 0x03: return Space::Type;
    case 0x04: return Space::Component;
    case 0x05: return Space::Instance;
    default: Reader::fail_at("malformed sort", at);
  }
}

Space core_space_of(interp::ExternKind k) {
  switch (k) {
    case interp::ExternKind::Func: return Space::CoreFunc;
    case interp::ExternKind::Table: return Space::CoreTable;
    case interp::ExternKind::Memory: return Space::CoreMemory;
    case interp::ExternKind::Global: return Space::CoreGlobal;
  }
  return Space::CoreFunc;
}

Space space_of(Sort s) {
  switch (s) {
    case Sort::CoreModule: return Space::CoreModule;
    case Sort::Func: return Space::Func;
    case Sort::Value: return Space::Value;
    case Sort::Type: return Space::Type;
    case Sort::Component: return Space::Component;
    case Sort::Instance: return Space::Instance;
  }
  return Space::Func;
}

// The sort of an instance or component export that lives in `s`.
Sort sort_of(Space s) {
  switch (s) {
    case Space::Func: return Sort::Func;
    case Space::Type: return Sort::Type;
    case Space::Instance: return Sort::Instance;
    case Space::Component: return Sort::Component;
    default: return Sort::CoreModule;
  }
}

// Import and export names: a plain name or an interface name; attributes
// (implements, version suffix) are read and ignored.
std::string read_extern_name(Reader& r) {
  size_t at = r.offset();
  uint8_t b = r.u8();
  if (b > 0x02) Reader::fail_at("malformed import/export name prefix", at);
  std::string name = r.name();
  if (name.empty()) invalid("empty import/export name", at);
  if (b == 0x02) {
    uint32_t n = read_count(r);
    for (uint32_t i = 0; i < n; ++i) {
      size_t attr_at = r.offset();
      uint8_t kind = r.u8();
      if (kind > 0x02) Reader::fail_at("malformed name attribute", attr_at);
      r.name();
    }
  }
  return name;
}

bool contains_string_or_list(const Type& t) {
  if (t.kind == Kind::String || t.kind == Kind::List) return true;
  for (const Field& f : t.fields) {
    if (f.type && contains_string_or_list(*f.type)) return true;
  }
  return false;
}

// One scope of type definitions: a component, or a component/instance type.
struct Frame {
  std::vector<TypePtr> types;
  std::vector<bool> core_type_is_module;
  std::vector<interp::FuncType> core_types;
  std::vector<TypePtr> instances;  // instance types (in type scopes: from declarators)
  Component* component = nullptr;  // component scopes
};

class Decoder {
 public:
  explicit Decoder(const interp::DecodeOptions& core) : core_options_(core) {}
  std::shared_ptr<Component> decode(Reader& r);

 private:
  void section(Reader& r, uint8_t id, size_t section_at);
  void core_module(Reader& r, size_t at);
  void core_instances(Reader& r);
  void core_types(Reader& r, Frame& frame);
  void read_core_type(Reader& r, Frame& frame);
  void skip_module_type(Reader& r);
  void instances(Reader& r);
  void aliases(Reader& r);
  void alias(Reader& r, Frame& frame, bool declarator);
  void types(Reader& r);
  void canons(Reader& r);
  CanonOptions canon_options(Reader& r);
  void imports(Reader& r);
  void exports(Reader& r);

  TypePtr read_deftype(Reader& r, Frame& frame, bool declarator);
  TypePtr read_valtype(Reader& r, Frame& frame);
  TypePtr read_defvaltype(Reader& r, Frame& frame);
  TypePtr read_functype(Reader& r, Frame& frame);
  TypePtr read_decl_type(Reader& r, bool component_type);
  ExternDesc read_externtype(Reader& r, Frame& frame, const std::string& name);
  std::string read_label(Reader& r);
  TypePtr type_at(Frame& frame, uint32_t index, size_t at);
  TypePtr finish(Type t, size_t at);

  Frame& frame() { return *frames_.back(); }
  // Nested components and component/instance types recurse: their depth is bounded.
  void enter(Frame* f, size_t at) {
    if (frames_.size() >= kMaxScopeDepth) invalid(fmt::format("components and types nested more than {} deep", kMaxScopeDepth), at);
    frames_.push_back(f);
  }
  static constexpr size_t kMaxScopeDepth = 100;
  Component& comp() { return *frame().component; }
  uint32_t& count(Space s) { return comp().counts[static_cast<size_t>(s)]; }
  void check_index(Space s, uint32_t index, size_t at) {
    if (index >= comp().count(s)) invalid(fmt::format("unknown {} {}", space_name(s), index), at);
  }
  // Appends a definition to its index space.
  Definition& define(Definition::How how, Space space, size_t at) {
    Definition d;
    d.how = how;
    d.space = space;
    d.space_index = count(space)++;
    d.offset = at;
    comp().definitions.push_back(std::move(d));
    return comp().definitions.back();
  }
  void push_typed(Space space, TypePtr type) {
    if (space == Space::Func) comp().func_types.push_back(std::move(type));
    else if (space == Space::Instance) comp().instance_types.push_back(std::move(type));
    else if (space == Space::Type) frame().types.push_back(std::move(type));
  }
  TypePtr type_of(Space space, uint32_t index) {
    if (space == Space::Func) return comp().func_types[index];
    if (space == Space::Instance) return comp().instance_types[index];
    if (space == Space::Type) return frame().types[index];
    if (space == Space::Component) return comp().components[component_slot_[index]]->exports_type;
    return nullptr;
  }

  std::vector<Frame*> frames_;
  // Per core instance: its exports (name -> space), for alias validation.
  std::vector<std::map<std::string, Space, std::less<>>> core_instance_exports_;
  // Per component index: the slot in Component::components.
  std::vector<uint32_t> component_slot_;
  // Per core module index: the module.
  std::vector<std::shared_ptr<const interp::Module>> module_slot_;
  const interp::DecodeOptions core_options_;  // for every core module
};

TypePtr Decoder::finish(Type t, size_t at) {
  try {
    return make_value_type(std::move(t));
  } catch (const std::length_error& e) {
    invalid(e.what(), at);
  }
}

TypePtr Decoder::type_at(Frame& f, uint32_t index, size_t at) {
  if (index >= f.types.size()) invalid(fmt::format("unknown type {}", index), at);
  return f.types[index];
}

std::string Decoder::read_label(Reader& r) {
  size_t at = r.offset();
  std::string l = r.name();
  if (l.empty()) invalid("empty label", at);
  return l;
}

TypePtr Decoder::read_valtype(Reader& r, Frame& f) {
  size_t at = r.offset();
  int64_t v = r.s33();
  if (v >= 0) {
    TypePtr t = type_at(f, static_cast<uint32_t>(v), at);
    if (!is_value_kind(t->kind)) invalid(fmt::format("type {} is a {}, not a value type", v, kind_name(t->kind)), at);
    return t;
  }
  static const Kind prims[] = {Kind::Bool, Kind::S8, Kind::U8, Kind::S16, Kind::U16, Kind::S32, Kind::U32,
                               Kind::S64, Kind::U64, Kind::F32, Kind::F64, Kind::Char, Kind::String};
  static const std::vector<TypePtr> cache = [] {
    std::vector<TypePtr> c;
    for (Kind k : prims) c.push_back(make_primitive(k));
    return c;
  }();
  int64_t i = -1 - v;  // 0x7f (-1) is bool, 0x73 (-13) is string
  if (i >= 0 && i < 13) return cache[static_cast<size_t>(i)];
  if (v == -0x1c) unsupported("error-context", at);
  Reader::fail_at("malformed value type", at);
}

TypePtr Decoder::read_defvaltype(Reader& r, Frame& f) {
  size_t at = r.offset();
  uint8_t op = r.peek();
  if (op >= 0x73 || op == 0x64) return read_valtype(r, f);
  r.u8();
  Type t;
  auto labels = [&](Kind k) {
    t.kind = k;
    uint32_t n = read_count(r);
    if (n == 0) invalid(fmt::format("{} without cases", kind_name(k)), at);
    if (k == Kind::Flags && n > 32) invalid("flags with more than 32 labels", at);
    for (uint32_t i = 0; i < n; ++i) t.fields.push_back({read_label(r), nullptr});
  };
  switch (op) {
    case 0x72: {
      t.kind = Kind::Record;
      uint32_t n = read_count(r);
      if (n == 0) invalid("record without fields", at);
      for (uint32_t i = 0; i < n; ++i) {
        std::string l = read_label(r);
        t.fields.push_back({l, read_valtype(r, f)});
      }
      break;
    }
    case 0x71: {
      t.kind = Kind::Variant;
      uint32_t n = read_count(r);
      if (n == 0) invalid("variant without cases", at);
      for (uint32_t i = 0; i < n; ++i) {
        std::string l = read_label(r);
        TypePtr payload;
        size_t opt_at = r.offset();
        uint8_t has = r.u8();
        if (has == 0x01) payload = read_valtype(r, f);
        else if (has != 0x00) Reader::fail_at("malformed optional value type", opt_at);
        size_t refines_at = r.offset();
        if (r.u8() != 0x00) unsupported("variant case `refines`", refines_at);
        t.fields.push_back({l, payload});
      }
      break;
    }
    case 0x70: t.kind = Kind::List; t.elem = read_valtype(r, f); break;
    case 0x67: unsupported("fixed-length lists", at);
    case 0x6f: {
      t.kind = Kind::Tuple;
      uint32_t n = read_count(r);
      if (n == 0) invalid("tuple without elements", at);
      for (uint32_t i = 0; i < n; ++i) t.fields.push_back({std::to_string(i), read_valtype(r, f)});
      break;
    }
    case 0x6e: labels(Kind::Flags); break;
    case 0x6d: labels(Kind::Enum); break;
    case 0x6b:
      t.kind = Kind::Option;
      t.elem = read_valtype(r, f);
      t.fields = {{"none", nullptr}, {"some", t.elem}};
      break;
    case 0x6a: {
      t.kind = Kind::Result;
      for (TypePtr* p : {&t.ok, &t.err}) {
        size_t opt_at = r.offset();
        uint8_t has = r.u8();
        if (has == 0x01) *p = read_valtype(r, f);
        else if (has != 0x00) Reader::fail_at("malformed optional value type", opt_at);
      }
      t.fields = {{"ok", t.ok}, {"error", t.err}};
      break;
    }
    case 0x69: case 0x68: {
      t.kind = op == 0x69 ? Kind::Own : Kind::Borrow;
      size_t idx_at = r.offset();
      t.elem = type_at(f, r.u32(), idx_at);
      if (t.elem->kind != Kind::Resource) invalid(fmt::format("{} of a non-resource type", kind_name(t.kind)), idx_at);
      break;
    }
    case 0x66: case 0x65: unsupported("streams and futures (async)", at);
    case 0x63: unsupported("map types", at);
    default: Reader::fail_at(fmt::format("malformed type opcode 0x{:02x}", op), at);
  }
  if (t.kind == Kind::Record || is_variant_like(t.kind) || t.kind == Kind::Flags) {
    std::set<std::string_view> seen;
    for (const Field& fl : t.fields) {
      if (!seen.insert(fl.name).second) invalid(fmt::format("duplicate {} label `{}`", kind_name(t.kind), fl.name), at);
    }
  }
  return finish(std::move(t), at);
}

TypePtr Decoder::read_functype(Reader& r, Frame& f) {
  Type t;
  t.kind = Kind::Func;
  uint32_t n = read_count(r);
  std::set<std::string> seen;
  for (uint32_t i = 0; i < n; ++i) {
    size_t label_at = r.offset();
    std::string l = read_label(r);
    if (!seen.insert(l).second) invalid(fmt::format("duplicate parameter `{}`", l), label_at);
    t.fields.push_back({l, read_valtype(r, f)});
  }
  size_t result_at = r.offset();
  uint8_t b = r.u8();
  if (b == 0x00) {
    t.elem = read_valtype(r, f);
  } else if (b == 0x01) {
    if (r.u32() != 0) unsupported("named function results (pre-0.2 binary format)", result_at);
  } else {
    Reader::fail_at("malformed function result list", result_at);
  }
  return std::make_shared<const Type>(std::move(t));
}

ExternDesc Decoder::read_externtype(Reader& r, Frame& f, const std::string& name) {
  size_t at = r.offset();
  ExternDesc d;
  d.name = name;
  uint8_t b = r.u8();
  auto typed = [&](Kind want) {
    size_t idx_at = r.offset();
    TypePtr t = type_at(f, r.u32(), idx_at);
    if (t->kind != want) invalid(fmt::format("`{}`: expected a {} type, got {}", name, kind_name(want), kind_name(t->kind)), idx_at);
    return t;
  };
  switch (b) {
    case 0x00: {
      if (r.u8() != 0x11) Reader::fail_at("malformed core module extern type", at);
      size_t idx_at = r.offset();
      uint32_t i = r.u32();
      if (i >= f.core_type_is_module.size() || !f.core_type_is_module[i]) invalid(fmt::format("core type {} is not a module type", i), idx_at);
      d.sort = Sort::CoreModule;
      auto m = std::make_shared<Type>();
      m->kind = Kind::CoreModule;
      d.type = m;
      break;
    }
    case 0x01: d.sort = Sort::Func; d.type = typed(Kind::Func); break;
    case 0x02: unsupported("value imports and exports", at);
    case 0x03: {
      d.sort = Sort::Type;
      size_t bound_at = r.offset();
      uint8_t bound = r.u8();
      if (bound == 0x00) {
        size_t idx_at = r.offset();
        d.type = type_at(f, r.u32(), idx_at);
      } else if (bound == 0x01) {
        auto res = std::make_shared<Type>();  // a fresh abstract resource
        res->kind = Kind::Resource;
        res->resource_name = name;
        d.type = res;
      } else {
        Reader::fail_at("malformed type bound", bound_at);
      }
      break;
    }
    case 0x04: d.sort = Sort::Component; d.type = typed(Kind::Component); break;
    case 0x05: d.sort = Sort::Instance; d.type = typed(Kind::Instance); break;
    default: Reader::fail_at("malformed extern type", at);
  }
  return d;
}

// A component type (0x41) or instance type (0x42): declarators in their own scope.
TypePtr Decoder::read_decl_type(Reader& r, bool component_type) {
  Frame f;
  enter(&f, r.offset());
  auto t = std::make_shared<Type>();
  t->kind = component_type ? Kind::Component : Kind::Instance;
  uint32_t n = read_count(r);
  std::set<std::string> import_names, export_names;
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    uint8_t b = r.u8();
    if (b == 0x03 && component_type) {
      std::string name = read_extern_name(r);
      if (!import_names.insert(name).second) invalid(fmt::format("duplicate import `{}`", name), at);
      ExternDesc d = read_externtype(r, f, name);
      if (d.sort == Sort::Type) f.types.push_back(d.type);
      if (d.sort == Sort::Instance) f.instances.push_back(d.type);
      t->imports.push_back(std::move(d));
      continue;
    }
    switch (b) {
      case 0x00: read_core_type(r, f); break;
      case 0x01: {
        size_t type_at_ = r.offset();
        if (r.peek() == 0x3f) invalid("resource type definition inside a component or instance type", type_at_);
        f.types.push_back(read_deftype(r, f, true));
        break;
      }
      case 0x02: alias(r, f, true); break;
      case 0x04: {
        std::string name = read_extern_name(r);
        if (!export_names.insert(name).second) invalid(fmt::format("duplicate export `{}`", name), at);
        ExternDesc d = read_externtype(r, f, name);
        if (d.sort == Sort::Type) f.types.push_back(d.type);
        if (d.sort == Sort::Instance) f.instances.push_back(d.type);
        t->exports.push_back(std::move(d));
        break;
      }
      default: Reader::fail_at("malformed type declarator", at);
    }
  }
  frames_.pop_back();
  return t;
}

TypePtr Decoder::read_deftype(Reader& r, Frame& f, bool declarator) {
  size_t at = r.offset();
  uint8_t b = r.peek();
  switch (b) {
    case 0x3f: {
      r.u8();
      if (declarator) invalid("resource type definition inside a component or instance type", at);
      auto t = std::make_shared<Type>();
      t->kind = Kind::Resource;
      size_t rep_at = r.offset();
      if (r.u8() != 0x7f) invalid("resource representation must be i32", rep_at);
      size_t dtor_at = r.offset();
      uint8_t has = r.u8();
      if (has == 0x01) {
        uint32_t dtor = r.u32();
        check_index(Space::CoreFunc, dtor, dtor_at);
        t->dtor = dtor;
      } else if (has != 0x00) {
        Reader::fail_at("malformed resource destructor", dtor_at);
      }
      t->resource_name = fmt::format("resource{}", f.types.size());
      return t;
    }
    case 0x40: r.u8(); return read_functype(r, f);
    case 0x43: unsupported("async function types", at);
    case 0x41: r.u8(); return read_decl_type(r, true);
    case 0x42: r.u8(); return read_decl_type(r, false);
    default: return read_defvaltype(r, f);
  }
}

void Decoder::read_core_type(Reader& r, Frame& f) {
  size_t at = r.offset();
  uint8_t b = r.u8();
  if (b == 0x60) {
    interp::FuncType ft;
    uint32_t np = read_count(r);
    for (uint32_t i = 0; i < np; ++i) ft.params.push_back(interp::read_val_type(r));
    uint32_t nr = read_count(r);
    for (uint32_t i = 0; i < nr; ++i) ft.results.push_back(interp::read_val_type(r));
    f.core_types.push_back(std::move(ft));
    f.core_type_is_module.push_back(false);
  } else if (b == 0x50) {
    skip_module_type(r);
    f.core_types.emplace_back();
    f.core_type_is_module.push_back(true);
  } else if (b == 0x4e || b == 0x00 || b == 0x4f || b == 0x5e || b == 0x5f) {
    unsupported("GC core types", at);
  } else {
    Reader::fail_at("malformed core type", at);
  }
}

// A core module type's declarations are read for well-formedness only: nothing
// here checks a module against one (module imports are not supported).
void Decoder::skip_module_type(Reader& r) {
  Frame inner;
  uint32_t n = read_count(r);
  auto core_externtype = [&](Reader& rr) {
    size_t at = rr.offset();
    switch (rr.u8()) {
      case 0x00: rr.u32(); break;
      case 0x01: interp::read_ref_type(rr); interp::read_limits(rr); break;
      case 0x02: interp::read_limits(rr); break;
      case 0x03: interp::read_val_type(rr); rr.u8(); break;
      case 0x04: unsupported("the core tag sort (exception handling)", at);
      default: Reader::fail_at("malformed core extern type", at);
    }
  };
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    switch (r.u8()) {
      case 0x00: r.name(); r.name(); core_externtype(r); break;
      case 0x01:
        if (r.peek() == 0x50) invalid("module type inside a module type", r.offset());
        read_core_type(r, inner);
        break;
      case 0x02:
        if (r.u8() != 0x10 || r.u8() != 0x01) Reader::fail_at("malformed core alias", at);
        r.u32();
        r.u32();
        break;
      case 0x03: r.name(); core_externtype(r); break;
      default: Reader::fail_at("malformed module type declaration", at);
    }
  }
}

void Decoder::core_module(Reader& r, size_t at) {
  Reader body = r.sub(r.remaining());
  std::span<const uint8_t> bytes = body.bytes(body.remaining());
  uint32_t index = comp().count(Space::CoreModule);
  std::shared_ptr<const interp::Module> m;
  try {
    m = interp::decode_module(bytes, core_options_);
  } catch (const interp::ModuleError& e) {
    throw ComponentError(e.kind() == interp::ModuleError::Kind::Malformed ? ComponentError::Kind::Malformed
                                                                          : ComponentError::Kind::Invalid,
                         fmt::format("core module {}: {}", index, e.what()), body.offset() - bytes.size() + e.offset());
  }
  Definition& d = define(Definition::How::CoreModule, Space::CoreModule, at);
  d.detail = static_cast<uint32_t>(comp().core_modules.size());
  comp().core_modules.push_back(m);
  module_slot_.push_back(m);
}

void Decoder::core_instances(Reader& r) {
  uint32_t n = read_count(r);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    CoreInstanceDef def;
    std::map<std::string, Space, std::less<>> exports;
    uint8_t b = r.u8();
    if (b == 0x00) {
      size_t mod_at = r.offset();
      def.module = r.u32();
      check_index(Space::CoreModule, def.module, mod_at);
      uint32_t na = read_count(r);
      std::map<std::string, uint32_t, std::less<>> args;
      for (uint32_t k = 0; k < na; ++k) {
        size_t arg_at = r.offset();
        std::string name = r.name();
        if (r.u8() != 0x12) Reader::fail_at("core instantiate argument must be an instance", arg_at);
        uint32_t inst = r.u32();
        check_index(Space::CoreInstance, inst, arg_at);
        if (!args.emplace(name, inst).second) invalid(fmt::format("duplicate core instantiate argument `{}`", name), arg_at);
        def.args.push_back({name, inst});
      }
      const interp::Module& m = *module_slot_[def.module];
      for (const interp::Import& imp : m.imports) {
        auto it = args.find(imp.module);
        if (it == args.end()) invalid(fmt::format("core module {} imports `{}` but no argument provides it", def.module, imp.module), at);
        const auto& provided = core_instance_exports_[it->second];
        auto e = provided.find(imp.name);
        if (e == provided.end() || e->second != core_space_of(imp.kind)) {
          invalid(fmt::format("core module {}: import {}.{} ({}) is not exported by core instance {}", def.module,
                              imp.module, imp.name, interp::extern_kind_name(imp.kind), it->second),
                  at);
        }
      }
      for (const interp::Export& e : m.exports) exports[e.name] = core_space_of(e.kind);
    } else if (b == 0x01) {
      def.instantiate = false;
      uint32_t ne = read_count(r);
      for (uint32_t k = 0; k < ne; ++k) {
        size_t exp_at = r.offset();
        std::string name = r.name();
        Space s = read_core_sort(r);
        uint32_t idx = r.u32();
        check_index(s, idx, exp_at);
        if (s != Space::CoreFunc && s != Space::CoreTable && s != Space::CoreMemory && s != Space::CoreGlobal) {
          invalid(fmt::format("core instance export `{}` of sort {}", name, space_name(s)), exp_at);
        }
        if (!exports.emplace(name, s).second) invalid(fmt::format("duplicate core export `{}`", name), exp_at);
        def.exports.push_back({name, s, idx});
      }
    } else {
      Reader::fail_at("malformed core instance", at);
    }
    Definition& d = define(Definition::How::CoreInstance, Space::CoreInstance, at);
    d.detail = static_cast<uint32_t>(comp().core_instances.size());
    comp().core_instances.push_back(std::move(def));
    core_instance_exports_.push_back(std::move(exports));
  }
}

void Decoder::core_types(Reader& r, Frame& f) {
  uint32_t n = read_count(r);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    read_core_type(r, f);
    define(Definition::How::Type, Space::CoreType, at);
  }
}

void Decoder::instances(Reader& r) {
  uint32_t n = read_count(r);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    InstanceDef def;
    auto type = std::make_shared<Type>();
    type->kind = Kind::Instance;
    uint8_t b = r.u8();
    if (b == 0x00) {
      size_t comp_at = r.offset();
      def.component = r.u32();
      check_index(Space::Component, def.component, comp_at);
      uint32_t na = read_count(r);
      std::set<std::string> names;
      for (uint32_t k = 0; k < na; ++k) {
        size_t arg_at = r.offset();
        std::string name = r.name();
        Space s = read_sort(r);
        uint32_t idx = r.u32();
        check_index(s, idx, arg_at);
        if (!names.insert(name).second) invalid(fmt::format("duplicate instantiate argument `{}`", name), arg_at);
        def.items.push_back({name, s, idx});
      }
      const Component& nested = *comp().components[component_slot_[def.component]];
      for (const ImportDef& imp : nested.imports) {
        auto it = std::find_if(def.items.begin(), def.items.end(), [&](const auto& a) { return a.name == imp.name; });
        if (it == def.items.end()) invalid(fmt::format("component {}: import `{}` has no argument", def.component, imp.name), at);
        if (it->space != space_of(imp.desc.sort)) {
          invalid(fmt::format("component {}: argument `{}` is a {}, the import is a {}", def.component, imp.name,
                              space_name(it->space), sort_name(imp.desc.sort)),
                  at);
        }
      }
      type = std::make_shared<Type>(*nested.exports_type);
    } else if (b == 0x01) {
      def.instantiate = false;
      uint32_t ne = read_count(r);
      for (uint32_t k = 0; k < ne; ++k) {
        size_t exp_at = r.offset();
        std::string name = read_extern_name(r);
        Space s = read_sort(r);
        uint32_t idx = r.u32();
        check_index(s, idx, exp_at);
        if (type->find_export(name)) invalid(fmt::format("duplicate export `{}`", name), exp_at);
        if (s != Space::Func && s != Space::Type && s != Space::Instance && s != Space::Component && s != Space::CoreModule) {
          invalid(fmt::format("instance export `{}` of sort {}", name, space_name(s)), exp_at);
        }
        type->exports.push_back({name, sort_of(s), type_of(s, idx)});
        def.items.push_back({name, s, idx});
      }
    } else {
      Reader::fail_at("malformed instance", at);
    }
    Definition& d = define(Definition::How::Instance, Space::Instance, at);
    d.detail = static_cast<uint32_t>(comp().instances.size());
    comp().instances.push_back(std::move(def));
    comp().instance_types.push_back(type);
  }
}

void Decoder::aliases(Reader& r) {
  uint32_t n = read_count(r);
  for (uint32_t i = 0; i < n; ++i) alias(r, frame(), false);
}

// An alias definition (in a component) or declarator (in a type: only outer aliases
// of types and export aliases of types from a declared instance).
void Decoder::alias(Reader& r, Frame& f, bool declarator) {
  size_t at = r.offset();
  Space s = read_sort(r);
  uint8_t target = r.u8();
  if (target == 0x00) {
    size_t inst_at = r.offset();
    uint32_t inst = r.u32();
    std::string name = r.name();
    if (declarator) {
      if (s != Space::Type) unsupported("export aliases of non-types in type declarators", at);
      if (inst >= f.instances.size()) invalid(fmt::format("unknown instance {}", inst), inst_at);
      const ExternDesc* e = f.instances[inst]->find_export(name);
      if (!e || e->sort != Sort::Type) invalid(fmt::format("instance {} has no type export `{}`", inst, name), at);
      f.types.push_back(e->type);
      return;
    }
    check_index(Space::Instance, inst, inst_at);
    const ExternDesc* e = comp().instance_types[inst]->find_export(name);
    if (!e) invalid(fmt::format("instance {} has no export `{}`", inst, name), at);
    if (space_of(e->sort) != s) invalid(fmt::format("export `{}` of instance {} is a {}, not a {}", name, inst, sort_name(e->sort), space_name(s)), at);
    Definition& d = define(Definition::How::AliasExport, s, at);
    d.instance = inst;
    d.name = name;
    if (s == Space::Component) unsupported("aliases of exported components", at);
    if (s == Space::CoreModule) unsupported("aliases of exported core modules", at);
    push_typed(s, e->type);
  } else if (target == 0x01) {
    if (declarator) Reader::fail_at("core export alias in a type declarator", at);
    size_t inst_at = r.offset();
    uint32_t inst = r.u32();
    std::string name = r.name();
    check_index(Space::CoreInstance, inst, inst_at);
    auto it = core_instance_exports_[inst].find(name);
    if (it == core_instance_exports_[inst].end()) invalid(fmt::format("core instance {} has no export `{}`", inst, name), at);
    if (it->second != s) invalid(fmt::format("export `{}` of core instance {} is a {}, not a {}", name, inst, space_name(it->second), space_name(s)), at);
    Definition& d = define(Definition::How::AliasCoreExport, s, at);
    d.instance = inst;
    d.name = name;
  } else if (target == 0x02) {
    size_t ct_at = r.offset();
    uint32_t ct = r.u32();
    uint32_t idx = r.u32();
    if (ct >= frames_.size()) invalid(fmt::format("outer alias count {} exceeds the enclosing scopes", ct), ct_at);
    Frame& target_frame = *frames_[frames_.size() - 1 - ct];
    if (s == Space::Type) {
      TypePtr t = type_at(target_frame, idx, ct_at);
      if (declarator) {
        f.types.push_back(t);
        return;
      }
      define(Definition::How::AliasOuter, s, at);
      f.types.push_back(t);
    } else if (s == Space::CoreType) {
      if (idx >= target_frame.core_types.size()) invalid(fmt::format("unknown core type {}", idx), ct_at);
      f.core_types.push_back(target_frame.core_types[idx]);
      f.core_type_is_module.push_back(target_frame.core_type_is_module[idx]);
      if (!declarator) define(Definition::How::AliasOuter, s, at);
    } else if ((s == Space::CoreModule || s == Space::Component) && !declarator && target_frame.component) {
      Component& tc = *target_frame.component;
      if (idx >= tc.count(s)) invalid(fmt::format("unknown {} {}", space_name(s), idx), ct_at);
      // Find the definition that made the target entry.
      const Definition* src = nullptr;
      for (const Definition& d : tc.definitions) {
        if (d.space == s && d.space_index == idx) src = &d;
      }
      if (!src || (src->how != Definition::How::CoreModule && src->how != Definition::How::Component)) {
        unsupported(fmt::format("outer alias of an aliased {}", space_name(s)), at);
      }
      Definition& d = define(Definition::How::AliasOuter, s, at);
      if (s == Space::CoreModule) {
        d.outer_module = tc.core_modules[src->detail];
        module_slot_.push_back(d.outer_module);
      } else {
        d.outer_component = tc.components[src->detail];
        component_slot_.push_back(static_cast<uint32_t>(comp().components.size()));
        comp().components.push_back(d.outer_component);
      }
    } else {
      invalid(fmt::format("outer alias of sort {}", space_name(s)), at);
    }
  } else {
    Reader::fail_at("malformed alias target", at);
  }
}

void Decoder::types(Reader& r) {
  uint32_t n = read_count(r);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    TypePtr t = read_deftype(r, frame(), false);
    define(Definition::How::Type, Space::Type, at);
    frame().types.push_back(t);
  }
}

CanonOptions Decoder::canon_options(Reader& r) {
  CanonOptions o;
  bool has_encoding = false;
  uint32_t n = read_count(r);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    uint8_t b = r.u8();
    auto once = [&](bool present) {
      if (present) invalid("duplicate or conflicting canonical option", at);
    };
    switch (b) {
      case 0x00: case 0x01: case 0x02:
        once(has_encoding);
        has_encoding = true;
        o.encoding = b == 0x00 ? StringEncoding::Utf8 : b == 0x01 ? StringEncoding::Utf16 : StringEncoding::Latin1Utf16;
        break;
      case 0x03: {
        once(o.memory.has_value());
        uint32_t m = r.u32();
        check_index(Space::CoreMemory, m, at);
        o.memory = m;
        break;
      }
      case 0x04: case 0x05: {
        std::optional<uint32_t>& slot = b == 0x04 ? o.realloc : o.post_return;
        once(slot.has_value());
        uint32_t fi = r.u32();
        check_index(Space::CoreFunc, fi, at);
        slot = fi;
        break;
      }
      case 0x06: unsupported("the async canonical option", at);
      case 0x07: unsupported("the callback canonical option (async)", at);
      default: Reader::fail_at("malformed canonical option", at);
    }
  }
  return o;
}

void Decoder::canons(Reader& r) {
  uint32_t n = read_count(r);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    Canon c;
    uint8_t op = r.u8();
    switch (op) {
      case 0x00: case 0x01: {
        if (r.u8() != 0x00) Reader::fail_at("malformed canon lift/lower", at);
        size_t func_at = r.offset();
        c.func = r.u32();
        c.op = op == 0x00 ? Canon::Op::Lift : Canon::Op::Lower;
        check_index(op == 0x00 ? Space::CoreFunc : Space::Func, c.func, func_at);
        c.options = canon_options(r);
        if (op == 0x00) {
          size_t type_at_ = r.offset();
          c.type = type_at(frame(), r.u32(), type_at_);
          if (c.type->kind != Kind::Func) invalid("canon lift type is not a function type", type_at_);
        } else {
          c.type = comp().func_types[c.func];
        }
        const Type& ft = *c.type;
        bool params_need = ft.params().end() != std::find_if(ft.params().begin(), ft.params().end(), [](const Field& p) { return contains_string_or_list(*p.type); });
        bool result_needs = ft.result() && contains_string_or_list(*ft.result());
        FlatSignature sig = flatten_func(ft, c.op == Canon::Op::Lift ? FlatContext::Lift : FlatContext::Lower);
        bool memory = params_need || result_needs || sig.params_in_memory || sig.results_in_memory;
        if (memory && !c.options.memory) invalid("canonical function with strings, lists or spilled values needs a memory option", at);
        // Lowering into the guest allocates: the params of a lift, the results of a lower.
        bool allocates = c.op == Canon::Op::Lift ? (params_need || sig.params_in_memory) : result_needs;
        if (allocates && !c.options.realloc) invalid("canonical function that passes strings or lists into the guest needs a realloc option", at);
        if (c.op == Canon::Op::Lower && c.options.post_return) invalid("post-return on canon lower", at);
        Definition& d = define(Definition::How::Canon, op == 0x00 ? Space::Func : Space::CoreFunc, at);
        d.detail = static_cast<uint32_t>(comp().canons.size());
        if (op == 0x00) comp().func_types.push_back(c.type);
        break;
      }
      case 0x02: case 0x03: case 0x04: {
        c.op = op == 0x02 ? Canon::Op::ResourceNew : op == 0x03 ? Canon::Op::ResourceDrop : Canon::Op::ResourceRep;
        size_t type_at_ = r.offset();
        c.type = type_at(frame(), r.u32(), type_at_);
        if (c.type->kind != Kind::Resource) invalid("canon resource operation on a non-resource type", type_at_);
        Definition& d = define(Definition::How::Canon, Space::CoreFunc, at);
        d.detail = static_cast<uint32_t>(comp().canons.size());
        break;
      }
      case 0x07: unsupported("canon resource.drop async", at);
      default: unsupported(fmt::format("canonical built-in 0x{:02x} (async, threads or error-context)", op), at);
    }
    comp().canons.push_back(std::move(c));
  }
}

void Decoder::imports(Reader& r) {
  uint32_t n = read_count(r);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    std::string name = read_extern_name(r);
    for (const ImportDef& imp : comp().imports) {
      if (imp.name == name) invalid(fmt::format("duplicate import `{}`", name), at);
    }
    ExternDesc d = read_externtype(r, frame(), name);
    if (d.sort == Sort::CoreModule) unsupported("core module imports", at);
    if (d.sort == Sort::Component) unsupported("component imports", at);
    Space s = space_of(d.sort);
    Definition& def = define(Definition::How::Import, s, at);
    def.detail = static_cast<uint32_t>(comp().imports.size());
    def.name = name;
    push_typed(s, d.type);
    comp().imports.push_back({name, std::move(d)});
  }
}

void Decoder::exports(Reader& r) {
  uint32_t n = read_count(r);
  for (uint32_t i = 0; i < n; ++i) {
    size_t at = r.offset();
    std::string name = read_extern_name(r);
    if (comp().find_export(name)) invalid(fmt::format("duplicate export `{}`", name), at);
    Space s = read_sort(r);
    size_t idx_at = r.offset();
    uint32_t idx = r.u32();
    check_index(s, idx, idx_at);
    if (s != Space::Func && s != Space::Type && s != Space::Instance && s != Space::Component && s != Space::CoreModule) {
      invalid(fmt::format("export `{}` of sort {}", name, space_name(s)), at);
    }
    TypePtr type = type_of(s, idx);
    size_t opt_at = r.offset();
    uint8_t has = r.u8();
    if (has == 0x01) {
      ExternDesc ascribed = read_externtype(r, frame(), name);
      if (space_of(ascribed.sort) != s) invalid(fmt::format("export `{}`: ascribed type is a {}", name, sort_name(ascribed.sort)), at);
    } else if (has != 0x00) {
      Reader::fail_at("malformed optional export type", opt_at);
    }
    Definition& d = define(Definition::How::Export, s, at);
    d.detail = static_cast<uint32_t>(comp().exports.size());
    d.instance = idx;
    d.name = name;
    if (s == Space::Component) {
      component_slot_.push_back(component_slot_[idx]);
    } else if (s == Space::CoreModule) {
      module_slot_.push_back(module_slot_[idx]);
    } else {
      push_typed(s, type);
    }
    comp().exports.push_back({name, s, idx});
  }
}

void Decoder::section(Reader& r, uint8_t id, size_t section_at) {
  switch (id) {
    case 0: r.name(); break;  // custom: skipped (the component name section is optional)
    case 1: core_module(r, section_at); break;
    case 2: core_instances(r); break;
    case 3: core_types(r, frame()); break;
    case 4: {
      Reader body = r.sub(r.remaining());
      size_t at = body.offset();
      std::shared_ptr<Component> nested = decode(body);
      Definition& d = define(Definition::How::Component, Space::Component, at);
      d.detail = static_cast<uint32_t>(comp().components.size());
      component_slot_.push_back(d.detail);
      comp().components.push_back(std::move(nested));
      break;
    }
    case 5: instances(r); break;
    case 6: aliases(r); break;
    case 7: types(r); break;
    case 8: canons(r); break;
    case 9: unsupported("the component start section (value definitions)", section_at);
    case 10: imports(r); break;
    case 11: exports(r); break;
    case 12: unsupported("the value section", section_at);
    default: Reader::fail_at(fmt::format("malformed section id {}", id), section_at);
  }
  if (id != 0 && !r.at_end()) Reader::fail_at("section size mismatch", r.offset());
}

std::shared_ptr<Component> Decoder::decode(Reader& r) {
  auto c = std::make_shared<Component>();
  Frame f;
  f.component = c.get();
  enter(&f, r.offset());
  // Per-component bookkeeping is saved and restored around a nested component.
  auto saved_core = std::move(core_instance_exports_);
  auto saved_components = std::move(component_slot_);
  auto saved_modules = std::move(module_slot_);
  core_instance_exports_.clear();
  component_slot_.clear();
  module_slot_.clear();

  size_t start = r.offset();
  auto magic = r.bytes(4);
  static const uint8_t wasm_magic[] = {0x00, 0x61, 0x73, 0x6d};
  if (!std::equal(magic.begin(), magic.end(), wasm_magic)) Reader::fail_at("magic header not detected", start);
  size_t version_at = r.offset();
  auto version = r.bytes(4);
  if (version[2] != 0x01 || version[3] != 0x00) Reader::fail_at("not a component (layer field is not 1)", version_at + 2);
  if (version[0] != 0x0d || version[1] != 0x00) {
    throw ComponentError(ComponentError::Kind::Unsupported,
                         fmt::format("unsupported component binary version 0x{:02x} (expected 0x0d)", version[0]), version_at);
  }
  while (!r.at_end()) {
    size_t section_at = r.offset();
    uint8_t id = r.u8();
    size_t size_at = r.offset();
    uint32_t size = r.u32();
    if (size > r.remaining()) Reader::fail_at("section size exceeds the component", size_at);
    Reader body = r.sub(size);
    section(body, id, section_at);
  }

  auto exports_type = std::make_shared<Type>();
  exports_type->kind = Kind::Instance;
  for (size_t i = 0; i < c->exports.size(); ++i) {
    const ExportDef& e = c->exports[i];
    TypePtr t = e.space == Space::Func ? c->func_types[e.index] : e.space == Space::Instance ? c->instance_types[e.index]
              : e.space == Space::Type ? f.types[e.index] : nullptr;
    exports_type->exports.push_back({e.name, sort_of(e.space), t});
  }
  c->exports_type = exports_type;
  c->types = std::move(f.types);
  c->core_types = std::move(f.core_types);

  frames_.pop_back();
  core_instance_exports_ = std::move(saved_core);
  component_slot_ = std::move(saved_components);
  module_slot_ = std::move(saved_modules);
  return c;
}

}  // namespace

std::shared_ptr<const Component> decode_component(std::span<const uint8_t> bytes,
                                                  const engine::DecodeOptions& core) {
  try {
    interp::check_module_size(bytes.size());
  } catch (const interp::ModuleError& e) {
    throw ComponentError(ComponentError::Kind::Invalid, e.what(), 0);
  }
  try {
    Reader r(bytes);
    Decoder d(core);
    return d.decode(r);
  } catch (const interp::ModuleError& e) {
    throw ComponentError(e.kind() == interp::ModuleError::Kind::Malformed ? ComponentError::Kind::Malformed
                                                                          : ComponentError::Kind::Invalid,
                         e.what(), e.offset());
  }
}

}  // namespace wippy::component
