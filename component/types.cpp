// Canonical ABI layout of component value types (CanonicalABI.md "Alignment",
// "Element Size", "Flattening") and their WIT spelling.
#include "component/types.h"

#include <algorithm>
#include <stdexcept>

namespace wippy::component {

using interp::ValType;

const char* kind_name(Kind k) {
  switch (k) {
    case Kind::Bool: return "bool";
    case Kind::S8: return "s8";
    case Kind::U8: return "u8";
    case Kind::S16: return "s16";
    case Kind::U16: return "u16";
    case Kind::S32: return "s32";
    case Kind::U32: return "u32";
    case Kind::S64: return "s64";
    case Kind::U64: return "u64";
    case Kind::F32: return "f32";
    case Kind::F64: return "f64";
    case Kind::Char: return "char";
    case Kind::String: return "string";
    case Kind::List: return "list";
    case Kind::Record: return "record";
    case Kind::Tuple: return "tuple";
    case Kind::Variant: return "variant";
    case Kind::Enum: return "enum";
    case Kind::Option: return "option";
    case Kind::Result: return "result";
    case Kind::Flags: return "flags";
    case Kind::Own: return "own";
    case Kind::Borrow: return "borrow";
    case Kind::Resource: return "resource";
    case Kind::Func: return "func";
    case Kind::Instance: return "instance";
    case Kind::Component: return "component";
    case Kind::CoreModule: return "core module";
  }
  return "?";
}

const char* sort_name(Sort s) {
  switch (s) {
    case Sort::CoreModule: return "core module";
    case Sort::Func: return "func";
    case Sort::Value: return "value";
    case Sort::Type: return "type";
    case Sort::Component: return "component";
    case Sort::Instance: return "instance";
  }
  return "?";
}

const ExternDesc* Type::find_export(std::string_view name) const {
  for (const ExternDesc& e : exports) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

uint32_t align_to(uint32_t offset, uint32_t align) { return (offset + align - 1) / align * align; }

uint32_t discriminant_size(size_t cases) {
  if (cases <= 0x100) return 1;
  if (cases <= 0x10000) return 2;
  return 4;
}

uint32_t max_case_align(const Type& t) {
  uint32_t a = 1;
  for (const Field& c : t.fields) {
    if (c.type) a = std::max(a, c.type->align);
  }
  return a;
}

uint32_t variant_payload_offset(const Type& t) {
  return align_to(discriminant_size(t.fields.size()), max_case_align(t));
}

namespace {

void check_size(uint64_t size) {
  if (size > kMaxElemSize) throw std::length_error("type too large: element size exceeds 2^28 bytes");
}

// The join of two flattened core types (CanonicalABI.md "flatten_variant").
ValType join(ValType a, ValType b) {
  if (a == b) return a;
  if ((a == ValType::I32 && b == ValType::F32) || (a == ValType::F32 && b == ValType::I32)) return ValType::I32;
  return ValType::I64;
}

void append_flat(Type& t, const Type& part) {
  if (part.flat_overflow || t.flat.size() + part.flat.size() > kFlatCap) {
    t.flat_overflow = true;
    return;
  }
  t.flat.insert(t.flat.end(), part.flat.begin(), part.flat.end());
}

void layout_primitive(Type& t) {
  switch (t.kind) {
    case Kind::Bool: case Kind::S8: case Kind::U8: t.size = t.align = 1; t.flat = {ValType::I32}; break;
    case Kind::S16: case Kind::U16: t.size = t.align = 2; t.flat = {ValType::I32}; break;
    case Kind::S32: case Kind::U32: case Kind::Char: t.size = t.align = 4; t.flat = {ValType::I32}; break;
    case Kind::S64: case Kind::U64: t.size = t.align = 8; t.flat = {ValType::I64}; break;
    case Kind::F32: t.size = t.align = 4; t.flat = {ValType::F32}; break;
    case Kind::F64: t.size = t.align = 8; t.flat = {ValType::F64}; break;
    case Kind::String: case Kind::List: t.size = 8; t.align = 4; t.flat = {ValType::I32, ValType::I32}; break;
    case Kind::Own: case Kind::Borrow: t.size = t.align = 4; t.flat = {ValType::I32}; break;
    default: break;
  }
}

void layout_record(Type& t) {
  uint64_t s = 0;
  uint32_t a = 1;
  for (const Field& f : t.fields) {
    s = align_to(static_cast<uint32_t>(s), f.type->align) + uint64_t{f.type->size};
    check_size(s);
    a = std::max(a, f.type->align);
    append_flat(t, *f.type);
  }
  t.align = a;
  t.size = align_to(static_cast<uint32_t>(s), a);
}

void layout_variant(Type& t) {
  uint32_t disc = discriminant_size(t.fields.size());
  uint32_t case_align = max_case_align(t);
  uint32_t payload = 0;
  std::vector<ValType> joined;
  bool overflow = false;
  for (const Field& c : t.fields) {
    if (!c.type) continue;
    payload = std::max(payload, c.type->size);
    if (c.type->flat_overflow) overflow = true;
    for (size_t i = 0; i < c.type->flat.size(); ++i) {
      if (i < joined.size()) joined[i] = join(joined[i], c.type->flat[i]);
      else joined.push_back(c.type->flat[i]);
    }
  }
  t.align = std::max(disc, case_align);
  uint64_t s = uint64_t{align_to(disc, case_align)} + payload;
  check_size(s);
  t.size = align_to(static_cast<uint32_t>(s), t.align);
  t.flat = {ValType::I32};
  if (overflow || joined.size() + 1 > kFlatCap) {
    t.flat_overflow = true;
  } else {
    t.flat.insert(t.flat.end(), joined.begin(), joined.end());
  }
}

void layout_flags(Type& t) {
  size_t n = t.fields.size();
  t.size = t.align = n <= 8 ? 1 : n <= 16 ? 2 : 4;
  t.flat = {ValType::I32};
}

}  // namespace

TypePtr make_primitive(Kind k) {
  Type t;
  t.kind = k;
  layout_primitive(t);
  return std::make_shared<const Type>(std::move(t));
}

TypePtr make_value_type(Type t) {
  uint32_t depth = 0;
  for (const Field& f : t.fields) {
    if (f.type) depth = std::max(depth, f.type->depth);
  }
  for (const TypePtr& p : {t.elem, t.ok, t.err}) {
    if (p) depth = std::max(depth, p->depth);
  }
  t.depth = depth + 1;
  if (t.depth > kMaxTypeDepth) {
    throw std::length_error("type nesting too deep (limit " + std::to_string(kMaxTypeDepth) + ")");
  }
  t.flat.clear();
  t.flat_overflow = false;
  if (is_primitive(t.kind) || t.kind == Kind::List || t.kind == Kind::Own || t.kind == Kind::Borrow) {
    layout_primitive(t);
  } else if (is_record_like(t.kind)) {
    layout_record(t);
  } else if (is_variant_like(t.kind)) {
    layout_variant(t);
  } else if (t.kind == Kind::Flags) {
    layout_flags(t);
  }
  return std::make_shared<const Type>(std::move(t));
}

std::string type_name(const Type& t) {
  auto list = [&](const char* open) {
    std::string s = std::string(kind_name(t.kind)) + open;
    for (size_t i = 0; i < t.fields.size(); ++i) {
      if (i) s += ", ";
      s += t.kind == Kind::Tuple ? type_name(*t.fields[i].type) : t.fields[i].name;
    }
    return s + (open[0] == '<' ? ">" : "}");
  };
  switch (t.kind) {
    case Kind::List: return "list<" + type_name(*t.elem) + ">";
    case Kind::Option: return "option<" + type_name(*t.elem) + ">";
    case Kind::Result:
      return "result<" + (t.ok ? type_name(*t.ok) : "_") + ", " + (t.err ? type_name(*t.err) : "_") + ">";
    case Kind::Tuple: return list("<");
    case Kind::Record: case Kind::Variant: case Kind::Enum: case Kind::Flags: return list("{");
    case Kind::Own: return "own<" + t.elem->resource_name + ">";
    case Kind::Borrow: return "borrow<" + t.elem->resource_name + ">";
    case Kind::Resource: return "resource " + t.resource_name;
    default: return kind_name(t.kind);
  }
}

FlatSignature flatten_func(const Type& func, FlatContext context) {
  FlatSignature sig;
  size_t n = 0;
  bool overflow = false;
  for (const Field& p : func.params()) {
    overflow = overflow || p.type->flat_overflow;
    n += p.type->flat.size();
    if (!overflow && n <= kMaxFlatParams) sig.params.insert(sig.params.end(), p.type->flat.begin(), p.type->flat.end());
  }
  if (overflow || n > kMaxFlatParams) {
    sig.params = {ValType::I32};
    sig.params_in_memory = true;
  }
  if (func.result()) {
    const Type& r = *func.result();
    if (r.flat_overflow || r.flat.size() > kMaxFlatResults) {
      sig.results_in_memory = true;
      if (context == FlatContext::Lift) sig.results = {ValType::I32};
      else sig.params.push_back(ValType::I32);
    } else {
      sig.results = r.flat;
    }
  }
  return sig;
}

}  // namespace wippy::component
