// Lifting and lowering (CanonicalABI.md "Loading", "Storing", "Flat Lifting",
// "Flat Lowering", "Lifting and Lowering Values"). Host strings are UTF-8; guest
// strings may be UTF-8, UTF-16 or latin1+utf16 and are transcoded on the way.
#include "component/abi.h"

#include <bit>
#include <cmath>
#include <cstring>

#include <fmt/format.h>

#include "interp/execution.h"
#include "interp/reader.h"

namespace wippy::component {

using interp::ValType;

namespace {

constexpr uint32_t kCanonicalNan32 = 0x7fc00000;
constexpr uint64_t kCanonicalNan64 = 0x7ff8000000000000;
constexpr uint32_t kUtf16Tag = 1u << 31;
constexpr uint64_t kValueCost = 64;  // host bytes charged per lifted value

[[noreturn]] void fail(const std::string& message) { throw CallError(message); }

// Prefixes a CallError from `fn` with where it happened; `label()` makes that text
// only when there is an error, so the good path formats nothing.
template <typename L, typename F>
auto labelled(L&& label, F&& fn) {
  try {
    return fn();
  } catch (const CallError& e) {
    throw CallError(label() + ": " + e.what());
  }
}

uint32_t cell32(uint64_t c) { return static_cast<uint32_t>(c); }

double lift_f32(uint32_t bits) {
  float f = std::bit_cast<float>(bits);
  if (std::isnan(f)) f = std::bit_cast<float>(kCanonicalNan32);
  return f;
}
double lift_f64(uint64_t bits) {
  double d = std::bit_cast<double>(bits);
  if (std::isnan(d)) d = std::bit_cast<double>(kCanonicalNan64);
  return d;
}
uint32_t lower_f32(double v) {
  float f = static_cast<float>(v);
  return std::isnan(f) ? kCanonicalNan32 : std::bit_cast<uint32_t>(f);
}
uint64_t lower_f64(double v) { return std::isnan(v) ? kCanonicalNan64 : std::bit_cast<uint64_t>(v); }

void check_char(uint64_t c) {
  if (c >= 0x110000 || (c >= 0xD800 && c <= 0xDFFF)) fail(fmt::format("invalid char U+{:X} (not a Unicode scalar value)", c));
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | cp >> 6);
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | cp >> 12);
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | cp >> 18);
    out += static_cast<char>(0x80 | (cp >> 12 & 0x3F));
    out += static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// Code points of a string already known to be valid UTF-8.
std::vector<uint32_t> code_points(const std::string& s) {
  std::vector<uint32_t> cps;
  for (size_t i = 0; i < s.size();) {
    uint8_t c = static_cast<uint8_t>(s[i]);
    int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    uint32_t cp = n == 1 ? c : n == 2 ? c & 0x1F : n == 3 ? c & 0x0F : c & 0x07;
    for (int k = 1; k < n; ++k) cp = cp << 6 | (static_cast<uint8_t>(s[i + k]) & 0x3F);
    cps.push_back(cp);
    i += n;
  }
  return cps;
}

bool valid_utf8(const std::string& s) {
  return interp::is_valid_utf8({reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

// The tuple of a function's parameters (or its result) as laid out in memory.
struct TupleLayout {
  std::vector<uint32_t> offsets;
  uint32_t size = 0;
  uint32_t align = 1;
};
TupleLayout tuple_layout(const std::vector<const Type*>& types) {
  TupleLayout l;
  uint32_t off = 0;
  for (const Type* t : types) {
    off = align_to(off, t->align);
    l.offsets.push_back(off);
    off += t->size;
    l.align = std::max(l.align, t->align);
  }
  l.size = align_to(off, l.align);
  return l;
}

// Bits beyond the labels are ignored when flags are lifted.
uint32_t flags_mask(const Type& t) {
  return t.fields.size() >= 32 ? UINT32_MAX : (1u << t.fields.size()) - 1;
}

size_t flat_count(const std::vector<const Type*>& types) {
  size_t n = 0;
  for (const Type* t : types) n += t->flat_overflow ? kFlatCap + 1 : t->flat.size();
  return n;
}

}  // namespace

std::string ValueNames::operator()(size_t i) const {
  return params ? fmt::format("param `{}`", (*params)[i].name) : "result";
}

// --- Resources ---------------------------------------------------------------------

uint32_t Resources::add(Handle h) {
  if (!free_.empty()) {
    uint32_t i = free_.back();
    free_.pop_back();
    table_[i] = h;
    ++live_;
    return i;
  }
  if (table_.size() > kMaxHandles) fail(fmt::format("more than {} resource handles", kMaxHandles));
  table_.push_back(h);
  ++live_;
  return static_cast<uint32_t>(table_.size() - 1);
}

Resources::Handle& Resources::get(uint32_t index) {
  if (index == 0 || index >= table_.size() || !table_[index].resource) fail(fmt::format("unknown handle {}", index));
  return table_[index];
}

Resources::Handle Resources::remove(uint32_t index) {
  Handle h = get(index);
  table_[index] = Handle{};
  free_.push_back(index);
  --live_;
  return h;
}

// --- running core code ----------------------------------------------------------

std::vector<uint64_t> run_core(interp::Store& store, interp::FuncInst* f, std::span<const uint64_t> args,
                               const std::string& what) {
  interp::Execution ex(store, f, args);
  interp::RunStatus s = ex.run();
  while (s == interp::RunStatus::OutOfBudget) s = ex.run();
  if (s == interp::RunStatus::Trapped) fail(what + " trapped: " + ex.trap().message);
  if (s == interp::RunStatus::Suspended) fail(what + " suspended on a host call, which is not supported here");
  return {ex.results().begin(), ex.results().end()};
}

// --- value checks -----------------------------------------------------------------

void check_value(const Value& v, const Type& t) {
  if (v.kind != t.kind) fail(fmt::format("expected {}, got {}", type_name(t), kind_name(v.kind)));
  auto range = [&](int64_t lo, int64_t hi) {
    int64_t x = v.as_signed();
    if (x < lo || x > hi) fail(fmt::format("{} out of range for {}", x, kind_name(t.kind)));
  };
  auto urange = [&](uint64_t hi) {
    if (v.bits > hi) fail(fmt::format("{} out of range for {}", v.bits, kind_name(t.kind)));
  };
  switch (t.kind) {
    case Kind::Bool: urange(1); break;
    case Kind::S8: range(INT8_MIN, INT8_MAX); break;
    case Kind::S16: range(INT16_MIN, INT16_MAX); break;
    case Kind::S32: range(INT32_MIN, INT32_MAX); break;
    case Kind::U8: urange(UINT8_MAX); break;
    case Kind::U16: urange(UINT16_MAX); break;
    case Kind::U32: urange(UINT32_MAX); break;
    case Kind::Char: check_char(v.bits); break;
    case Kind::String:
      if (!valid_utf8(v.str)) fail("string is not valid UTF-8");
      break;
    case Kind::Record: case Kind::Tuple:
      if (v.items.size() != t.fields.size()) {
        fail(fmt::format("{} has {} fields, got {}", type_name(t), t.fields.size(), v.items.size()));
      }
      break;
    case Kind::Variant: case Kind::Enum: case Kind::Option: case Kind::Result: {
      if (v.bits >= t.fields.size()) fail(fmt::format("case {} out of range for {}", v.bits, type_name(t)));
      const Field& c = t.fields[v.case_index()];
      if (bool(c.type) != !v.items.empty() || v.items.size() > 1) {
        fail(fmt::format("case `{}` of {} {} a payload", c.name, type_name(t), c.type ? "needs" : "takes no"));
      }
      break;
    }
    case Kind::Flags:
      if (t.fields.size() < 32 && v.bits >> t.fields.size()) fail(fmt::format("flags 0x{:x} out of range for {}", v.bits, type_name(t)));
      urange(UINT32_MAX);
      break;
    case Kind::Own: case Kind::Borrow:
      if (v.resource && v.resource != t.elem.get()) {
        fail(fmt::format("expected a handle of {}, got one of {}", t.elem->resource_name, v.resource->resource_name));
      }
      urange(UINT32_MAX);
      break;
    default: break;
  }
}

// --- memory -------------------------------------------------------------------------

interp::Memory& Abi::memory() {
  if (!opts_.memory) fail("no memory to lift from or lower into");
  return *opts_.memory;
}

bool Abi::in_memory(uint64_t ptr, uint64_t len) {
  uint64_t size = memory().size;
  return ptr <= size && len <= size - ptr;
}

void Abi::check_range(uint64_t ptr, uint64_t len, const char* what) {
  uint64_t size = memory().size;
  if (!in_memory(ptr, len)) {
    fail(fmt::format("{} at 0x{:x} ({} bytes) is outside memory ({} bytes)", what, ptr, len, size));
  }
}

uint64_t Abi::load_int(uint32_t ptr, uint32_t size) {
  check_range(ptr, size, "value");
  uint64_t v = 0;
  std::memcpy(&v, memory().data + ptr, size);  // little-endian host
  return v;
}

void Abi::store_int(uint32_t ptr, uint32_t size, uint64_t v) {
  check_range(ptr, size, "value");
  std::memcpy(memory().data + ptr, &v, size);
}

uint32_t Abi::allocate(uint32_t align, uint32_t size) {
  if (!opts_.realloc) fail("no realloc to allocate guest memory with");
  uint64_t args[4] = {0, 0, align, size};
  std::vector<uint64_t> r = run_core(store_, opts_.realloc, args, "cabi_realloc");
  if (r.size() != 1) fail("cabi_realloc has the wrong type");
  uint32_t ptr = cell32(r[0]);
  if (ptr % align != 0) fail(fmt::format("cabi_realloc returned 0x{:x}, not aligned to {}", ptr, align));
  check_range(ptr, size, "cabi_realloc result");
  return ptr;
}

void Abi::charge(uint64_t bytes) {
  lifted_bytes_ += bytes;
  if (lifted_bytes_ > kMaxLiftedBytes) fail(fmt::format("lifted values exceed {} MiB", kMaxLiftedBytes >> 20));
}

// --- strings --------------------------------------------------------------------------

Value Abi::lift_string(uint32_t ptr, uint32_t tagged_units) {
  bool utf16 = opts_.encoding == StringEncoding::Utf16 ||
               (opts_.encoding == StringEncoding::Latin1Utf16 && (tagged_units & kUtf16Tag));
  uint32_t units = opts_.encoding == StringEncoding::Latin1Utf16 ? tagged_units & ~kUtf16Tag : tagged_units;
  uint64_t bytes = utf16 ? uint64_t{units} * 2 : units;
  if (bytes > kMaxByteLength) fail(fmt::format("string of {} bytes exceeds the limit of {}", bytes, kMaxByteLength));
  if (opts_.encoding != StringEncoding::Utf8 && ptr % 2 != 0) fail(fmt::format("string at 0x{:x} is not 2-aligned", ptr));
  check_range(ptr, bytes, "string");
  charge(kValueCost + bytes * 2);
  const uint8_t* p = memory().data + ptr;
  Value v = Value::string("");
  if (opts_.encoding == StringEncoding::Utf8) {
    if (!interp::is_valid_utf8({p, bytes})) fail("string is not valid UTF-8");
    v.str.assign(reinterpret_cast<const char*>(p), bytes);
  } else if (!utf16) {
    for (uint32_t i = 0; i < units; ++i) append_utf8(v.str, p[i]);
  } else {
    for (uint32_t i = 0; i < units; ++i) {
      uint32_t u = p[2 * i] | p[2 * i + 1] << 8;
      if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units) {
        uint32_t lo = p[2 * i + 2] | p[2 * i + 3] << 8;
        if (lo >= 0xDC00 && lo <= 0xDFFF) {
          append_utf8(v.str, 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00));
          ++i;
          continue;
        }
      }
      if (u >= 0xD800 && u <= 0xDFFF) fail(fmt::format("string is not valid UTF-16 (unpaired surrogate at unit {})", i));
      append_utf8(v.str, u);
    }
  }
  return v;
}

std::pair<uint32_t, uint32_t> Abi::lower_string(const std::string& s) {
  if (!valid_utf8(s)) fail("string is not valid UTF-8");
  if (opts_.encoding == StringEncoding::Utf8) {
    if (s.size() > kMaxByteLength) fail("string too long");
    uint32_t ptr = allocate(1, static_cast<uint32_t>(s.size()));
    std::memcpy(memory().data + ptr, s.data(), s.size());
    return {ptr, static_cast<uint32_t>(s.size())};
  }
  std::vector<uint32_t> cps = code_points(s);
  bool latin1 = opts_.encoding == StringEncoding::Latin1Utf16;
  for (uint32_t cp : cps) latin1 = latin1 && cp < 0x100;
  if (latin1) {
    uint32_t ptr = allocate(2, static_cast<uint32_t>(cps.size()));
    for (size_t i = 0; i < cps.size(); ++i) memory().data[ptr + i] = static_cast<uint8_t>(cps[i]);
    return {ptr, static_cast<uint32_t>(cps.size())};
  }
  std::vector<uint16_t> units;
  for (uint32_t cp : cps) {
    if (cp >= 0x10000) {
      units.push_back(static_cast<uint16_t>(0xD800 + ((cp - 0x10000) >> 10)));
      units.push_back(static_cast<uint16_t>(0xDC00 + ((cp - 0x10000) & 0x3FF)));
    } else {
      units.push_back(static_cast<uint16_t>(cp));
    }
  }
  if (units.size() * 2 > kMaxByteLength) fail("string too long");
  uint32_t ptr = allocate(2, static_cast<uint32_t>(units.size() * 2));
  for (size_t i = 0; i < units.size(); ++i) {
    memory().data[ptr + 2 * i] = static_cast<uint8_t>(units[i]);
    memory().data[ptr + 2 * i + 1] = static_cast<uint8_t>(units[i] >> 8);
  }
  uint32_t n = static_cast<uint32_t>(units.size());
  return {ptr, opts_.encoding == StringEncoding::Latin1Utf16 ? n | kUtf16Tag : n};
}

// --- lists ----------------------------------------------------------------------------

Value Abi::lift_list(const Type& elem, uint32_t ptr, uint32_t length) {
  uint64_t bytes = uint64_t{length} * elem.size;
  if (bytes > kMaxByteLength) fail(fmt::format("list of {} elements ({} bytes) exceeds the limit of {} bytes", length, bytes, kMaxByteLength));
  if (ptr % elem.align != 0) fail(fmt::format("list at 0x{:x} is not {}-aligned", ptr, elem.align));
  if (!in_memory(ptr, bytes)) check_range(ptr, bytes, fmt::format("list of {} {}", length, type_name(elem)).c_str());
  charge(kValueCost * (uint64_t{length} + 1));
  Value v = Value::list({});
  v.items.reserve(length);
  for (uint32_t i = 0; i < length; ++i) {
    v.items.push_back(labelled([&] { return fmt::format("element {}", i); }, [&] { return load(elem, ptr + i * elem.size); }));
  }
  return v;
}

std::pair<uint32_t, uint32_t> Abi::lower_list(const Value& v, const Type& elem) {
  uint64_t bytes = uint64_t{v.items.size()} * elem.size;
  if (bytes > kMaxByteLength) fail("list too long");
  uint32_t ptr = allocate(elem.align, static_cast<uint32_t>(bytes));
  for (size_t i = 0; i < v.items.size(); ++i) {
    labelled([&] { return fmt::format("element {}", i); }, [&] {
      store(v.items[i], elem, ptr + static_cast<uint32_t>(i) * elem.size);
      return 0;
    });
  }
  return {ptr, static_cast<uint32_t>(v.items.size())};
}

// --- handles --------------------------------------------------------------------------

Value Abi::lift_own(const Type& t, uint32_t index) {
  Resources::Handle& h = resources_.get(index);
  if (h.resource != t.elem.get()) fail(fmt::format("handle {} is a {}, expected {}", index, h.resource->resource_name, t.elem->resource_name));
  if (!h.own) fail(fmt::format("handle {} is borrowed, expected an owned handle", index));
  Resources::Handle taken = resources_.remove(index);
  return Value::own(taken.resource, taken.rep);
}

Value Abi::lift_borrow(const Type& t, uint32_t index) {
  Resources::Handle& h = resources_.get(index);
  if (h.resource != t.elem.get()) fail(fmt::format("handle {} is a {}, expected {}", index, h.resource->resource_name, t.elem->resource_name));
  return Value::borrow(h.resource, h.rep);
}

uint32_t Abi::lower_handle(const Value& v, const Type& t) {
  const Type* res = t.elem.get();
  uint32_t rep = static_cast<uint32_t>(v.bits);
  if (t.kind == Kind::Own) return resources_.add({res, rep, true});
  // A borrow of a resource this component implements is its representation.
  if (resources_.defined.count(res)) return rep;
  uint32_t index = resources_.add({res, rep, false});
  borrows_.push_back(index);
  return index;
}

// --- load / store ---------------------------------------------------------------------

Value Abi::load(const Type& t, uint32_t ptr) {
  if (!in_memory(ptr, t.size)) check_range(ptr, t.size, type_name(t).c_str());  // names it
  charge(kValueCost);
  switch (t.kind) {
    case Kind::Bool: return Value::boolean(load_int(ptr, 1) != 0);
    case Kind::U8: return Value::u8(static_cast<uint8_t>(load_int(ptr, 1)));
    case Kind::S8: return Value::s8(static_cast<int8_t>(load_int(ptr, 1)));
    case Kind::U16: return Value::u16(static_cast<uint16_t>(load_int(ptr, 2)));
    case Kind::S16: return Value::s16(static_cast<int16_t>(load_int(ptr, 2)));
    case Kind::U32: return Value::u32(static_cast<uint32_t>(load_int(ptr, 4)));
    case Kind::S32: return Value::s32(static_cast<int32_t>(load_int(ptr, 4)));
    case Kind::U64: return Value::u64(load_int(ptr, 8));
    case Kind::S64: return Value::s64(static_cast<int64_t>(load_int(ptr, 8)));
    case Kind::F32: return Value::f32(static_cast<float>(lift_f32(static_cast<uint32_t>(load_int(ptr, 4)))));
    case Kind::F64: return Value::f64(lift_f64(load_int(ptr, 8)));
    case Kind::Char: {
      uint64_t c = load_int(ptr, 4);
      check_char(c);
      return Value::character(static_cast<uint32_t>(c));
    }
    case Kind::String: return lift_string(cell32(load_int(ptr, 4)), cell32(load_int(ptr + 4, 4)));
    case Kind::List: return lift_list(*t.elem, cell32(load_int(ptr, 4)), cell32(load_int(ptr + 4, 4)));
    case Kind::Record: case Kind::Tuple: {
      Value v = t.kind == Kind::Record ? Value::record({}) : Value::tuple({});
      uint32_t off = 0;
      for (const Field& f : t.fields) {
        off = align_to(off, f.type->align);
        v.items.push_back(labelled([&] { return fmt::format("field `{}`", f.name); }, [&] { return load(*f.type, ptr + off); }));
        off += f.type->size;
      }
      return v;
    }
    case Kind::Variant: case Kind::Enum: case Kind::Option: case Kind::Result: {
      uint64_t c = load_int(ptr, discriminant_size(t.fields.size()));
      if (c >= t.fields.size()) fail(fmt::format("{} case {} out of range ({} cases)", kind_name(t.kind), c, t.fields.size()));
      Value v;
      v.kind = t.kind;
      v.bits = c;
      const Field& cs = t.fields[c];
      if (cs.type) {
        uint32_t at = ptr + variant_payload_offset(t);
        v.items.push_back(labelled([&] { return fmt::format("case `{}`", cs.name); }, [&] { return load(*cs.type, at); }));
      }
      return v;
    }
    case Kind::Flags: return Value::flags(static_cast<uint32_t>(load_int(ptr, t.size)) & flags_mask(t));
    case Kind::Own: return lift_own(t, cell32(load_int(ptr, 4)));
    case Kind::Borrow: return lift_borrow(t, cell32(load_int(ptr, 4)));
    default: fail(fmt::format("cannot load a {}", kind_name(t.kind)));
  }
}

void Abi::store(const Value& v, const Type& t, uint32_t ptr) {
  check_value(v, t);
  if (!in_memory(ptr, t.size)) check_range(ptr, t.size, type_name(t).c_str());  // names it
  switch (t.kind) {
    case Kind::Bool: case Kind::U8: case Kind::S8: case Kind::U16: case Kind::S16:
    case Kind::U32: case Kind::S32: case Kind::U64: case Kind::S64: case Kind::Char: case Kind::Flags:
      store_int(ptr, t.size, v.bits);
      break;
    case Kind::F32: store_int(ptr, 4, lower_f32(v.f)); break;
    case Kind::F64: store_int(ptr, 8, lower_f64(v.f)); break;
    case Kind::String: case Kind::List: {
      auto [p, n] = t.kind == Kind::String ? lower_string(v.str) : lower_list(v, *t.elem);
      store_int(ptr, 4, p);  // realloc may have grown memory: store after it
      store_int(ptr + 4, 4, n);
      break;
    }
    case Kind::Record: case Kind::Tuple: {
      uint32_t off = 0;
      for (size_t i = 0; i < t.fields.size(); ++i) {
        const Field& f = t.fields[i];
        off = align_to(off, f.type->align);
        labelled([&] { return fmt::format("field `{}`", f.name); }, [&] {
          store(v.items[i], *f.type, ptr + off);
          return 0;
        });
        off += f.type->size;
      }
      break;
    }
    case Kind::Variant: case Kind::Enum: case Kind::Option: case Kind::Result: {
      store_int(ptr, discriminant_size(t.fields.size()), v.bits);
      const Field& c = t.fields[v.case_index()];
      if (c.type) {
        labelled([&] { return fmt::format("case `{}`", c.name); }, [&] {
          store(v.items[0], *c.type, ptr + variant_payload_offset(t));
          return 0;
        });
      }
      break;
    }
    case Kind::Own: case Kind::Borrow: store_int(ptr, 4, lower_handle(v, t)); break;
    default: fail(fmt::format("cannot store a {}", kind_name(t.kind)));
  }
}

// --- flat -----------------------------------------------------------------------------

Value Abi::lift_flat(const Type& t, std::span<const uint64_t> cells, size_t& pos) {
  auto next = [&]() -> uint64_t {
    if (pos >= cells.size()) fail("too few core values");
    return cells[pos++];
  };
  switch (t.kind) {
    case Kind::Bool: charge(kValueCost); return Value::boolean(cell32(next()) != 0);
    case Kind::U8: charge(kValueCost); return Value::u8(static_cast<uint8_t>(next()));
    case Kind::S8: charge(kValueCost); return Value::s8(static_cast<int8_t>(next()));
    case Kind::U16: charge(kValueCost); return Value::u16(static_cast<uint16_t>(next()));
    case Kind::S16: charge(kValueCost); return Value::s16(static_cast<int16_t>(next()));
    case Kind::U32: charge(kValueCost); return Value::u32(cell32(next()));
    case Kind::S32: charge(kValueCost); return Value::s32(static_cast<int32_t>(next()));
    case Kind::U64: charge(kValueCost); return Value::u64(next());
    case Kind::S64: charge(kValueCost); return Value::s64(static_cast<int64_t>(next()));
    case Kind::F32: charge(kValueCost); return Value::f32(static_cast<float>(lift_f32(cell32(next()))));
    case Kind::F64: charge(kValueCost); return Value::f64(lift_f64(next()));
    case Kind::Char: {
      uint32_t c = cell32(next());
      check_char(c);
      charge(kValueCost);
      return Value::character(c);
    }
    case Kind::String: {
      uint32_t p = cell32(next());
      return lift_string(p, cell32(next()));
    }
    case Kind::List: {
      uint32_t p = cell32(next());
      return lift_list(*t.elem, p, cell32(next()));
    }
    case Kind::Record: case Kind::Tuple: {
      charge(kValueCost);
      Value v = t.kind == Kind::Record ? Value::record({}) : Value::tuple({});
      for (const Field& f : t.fields) {
        v.items.push_back(labelled([&] { return fmt::format("field `{}`", f.name); }, [&] { return lift_flat(*f.type, cells, pos); }));
      }
      return v;
    }
    case Kind::Variant: case Kind::Enum: case Kind::Option: case Kind::Result: {
      charge(kValueCost);
      size_t end = pos + t.flat.size();
      uint32_t c = cell32(next());
      if (c >= t.fields.size()) fail(fmt::format("{} case {} out of range ({} cases)", kind_name(t.kind), c, t.fields.size()));
      Value v;
      v.kind = t.kind;
      v.bits = c;
      const Field& cs = t.fields[c];
      if (cs.type) {
        // The payload's core values sit in the joined slots: narrower values were
        // widened into wider cells, so each is read back by its own type (the
        // cell's low bits for i32 and f32).
        v.items.push_back(labelled([&] { return fmt::format("case `{}`", cs.name); }, [&] { return lift_flat(*cs.type, cells, pos); }));
      }
      if (end > cells.size()) fail("too few core values");
      pos = end;
      return v;
    }
    case Kind::Flags: charge(kValueCost); return Value::flags(cell32(next()) & flags_mask(t));
    case Kind::Own: return lift_own(t, cell32(next()));
    case Kind::Borrow: return lift_borrow(t, cell32(next()));
    default: fail(fmt::format("cannot lift a {}", kind_name(t.kind)));
  }
}

void Abi::lower_flat(const Value& v, const Type& t, std::vector<uint64_t>& out) {
  check_value(v, t);
  switch (t.kind) {
    case Kind::Bool: case Kind::U8: case Kind::U16: case Kind::U32: case Kind::Char: case Kind::Flags:
    case Kind::S8: case Kind::S16: case Kind::S32:
      out.push_back(cell32(v.bits));  // i32: the low 32 bits, zero-extended in the cell
      break;
    case Kind::U64: case Kind::S64: out.push_back(v.bits); break;
    case Kind::F32: out.push_back(lower_f32(v.f)); break;
    case Kind::F64: out.push_back(lower_f64(v.f)); break;
    case Kind::String: case Kind::List: {
      auto [p, n] = t.kind == Kind::String ? lower_string(v.str) : lower_list(v, *t.elem);
      out.push_back(p);
      out.push_back(n);
      break;
    }
    case Kind::Record: case Kind::Tuple:
      for (size_t i = 0; i < t.fields.size(); ++i) {
        labelled([&] { return fmt::format("field `{}`", t.fields[i].name); }, [&] {
          lower_flat(v.items[i], *t.fields[i].type, out);
          return 0;
        });
      }
      break;
    case Kind::Variant: case Kind::Enum: case Kind::Option: case Kind::Result: {
      size_t end = out.size() + t.flat.size();
      out.push_back(v.bits);
      const Field& c = t.fields[v.case_index()];
      if (c.type) {
        labelled([&] { return fmt::format("case `{}`", c.name); }, [&] {
          lower_flat(v.items[0], *c.type, out);
          return 0;
        });
      }
      out.resize(end, 0);  // unused joined slots are zero
      break;
    }
    case Kind::Own: case Kind::Borrow: out.push_back(lower_handle(v, t)); break;
    default: fail(fmt::format("cannot lower a {}", kind_name(t.kind)));
  }
}

// --- whole parameter and result lists ---------------------------------------------

std::vector<Value> Abi::lift_values(const std::vector<const Type*>& types, const ValueNames& names,
                                    std::span<const uint64_t> cells, size_t max_flat) {
  std::vector<Value> values;
  if (flat_count(types) > max_flat) {
    if (cells.empty()) fail("missing pointer to spilled values");
    uint32_t ptr = cell32(cells[0]);
    TupleLayout l = tuple_layout(types);
    labelled([&] { return std::string(names.params ? "parameters" : "result"); }, [&] {
      if (ptr % l.align != 0) fail(fmt::format("spilled values at 0x{:x} are not {}-aligned", ptr, l.align));
      check_range(ptr, l.size, "spilled values");
      return 0;
    });
    for (size_t i = 0; i < types.size(); ++i) {
      values.push_back(labelled([&] { return names(i); }, [&] { return load(*types[i], ptr + l.offsets[i]); }));
    }
    return values;
  }
  size_t pos = 0;
  for (size_t i = 0; i < types.size(); ++i) {
    values.push_back(labelled([&] { return names(i); }, [&] { return lift_flat(*types[i], cells, pos); }));
  }
  return values;
}

std::vector<uint64_t> Abi::lower_values(const std::vector<const Type*>& types, const ValueNames& names,
                                        const std::vector<Value>& values, size_t max_flat,
                                        std::optional<uint32_t> out_ptr) {
  if (values.size() != types.size()) fail(fmt::format("expected {} values, got {}", types.size(), values.size()));
  std::vector<uint64_t> out;
  if (flat_count(types) > max_flat) {
    TupleLayout l = tuple_layout(types);
    // Check every value before realloc runs guest code.
    for (size_t i = 0; i < types.size(); ++i) labelled([&] { return names(i); }, [&] { check_value(values[i], *types[i]); return 0; });
    uint32_t ptr = out_ptr ? *out_ptr : allocate(l.align, l.size);
    if (ptr % l.align != 0) fail(fmt::format("result pointer 0x{:x} is not {}-aligned", ptr, l.align));
    check_range(ptr, l.size, "result area");
    for (size_t i = 0; i < types.size(); ++i) {
      labelled([&] { return names(i); }, [&] {
        store(values[i], *types[i], ptr + l.offsets[i]);
        return 0;
      });
    }
    if (!out_ptr) out.push_back(ptr);
    return out;
  }
  for (size_t i = 0; i < types.size(); ++i) {
    labelled([&] { return names(i); }, [&] {
      lower_flat(values[i], *types[i], out);
      return 0;
    });
  }
  return out;
}

}  // namespace wippy::component
