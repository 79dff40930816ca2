// Spec-test values: parsing, matching (including NaN classes) and printing.
#include "spec-tests/values.h"

#include <bit>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <stdexcept>

namespace wippy::spectest {

namespace {

using Kind = Expected::Kind;

uint64_t parse_bits(const nlohmann::json& v) {
  if (!v.is_string()) throw std::runtime_error("value is not a string: " + v.dump());
  const std::string& s = v.get_ref<const std::string&>();
  const char* first = s.data();
  const char* last = s.data() + s.size();
  if (!s.empty() && s[0] == '-') {
    int64_t x = 0;
    auto [p, ec] = std::from_chars(first, last, x);
    if (ec != std::errc() || p != last) throw std::runtime_error("bad number: " + s);
    return static_cast<uint64_t>(x);
  }
  uint64_t x = 0;
  auto [p, ec] = std::from_chars(first, last, x);
  if (ec != std::errc() || p != last) throw std::runtime_error("bad number: " + s);
  return x;
}

uint64_t mask_of(unsigned bits) { return bits >= 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1; }

bool is_canonical_nan32(uint32_t b) { return (b & 0x7fffffffu) == 0x7fc00000u; }
bool is_arithmetic_nan32(uint32_t b) { return (b & 0x7fc00000u) == 0x7fc00000u; }
bool is_canonical_nan64(uint64_t b) {
  return (b & 0x7fffffffffffffffull) == 0x7ff8000000000000ull;
}
bool is_arithmetic_nan64(uint64_t b) {
  return (b & 0x7ff8000000000000ull) == 0x7ff8000000000000ull;
}

Kind nan_kind(const nlohmann::json& v) {
  if (v.is_string()) {
    const auto& s = v.get_ref<const std::string&>();
    if (s == "nan:canonical") return Kind::CanonicalNan;
    if (s == "nan:arithmetic") return Kind::ArithmeticNan;
  }
  return Kind::Exact;
}

// Checks one float (or integer) value of `bits` width against an expectation.
bool match_scalar(Kind kind, uint64_t want, uint64_t got, unsigned bits) {
  got &= mask_of(bits);
  switch (kind) {
    case Kind::Exact: return got == (want & mask_of(bits));
    case Kind::CanonicalNan:
      return bits == 32 ? is_canonical_nan32(static_cast<uint32_t>(got)) : is_canonical_nan64(got);
    case Kind::ArithmeticNan:
      return bits == 32 ? is_arithmetic_nan32(static_cast<uint32_t>(got)) : is_arithmetic_nan64(got);
    case Kind::Null: return got == 0;
    case Kind::NonNull: return got != 0;
  }
  return false;
}

// Lane i (of `bits` width) of a v128 held in two cells.
uint64_t lane_of(std::span<const uint64_t> cells, unsigned bits, size_t i) {
  unsigned char bytes[16];
  std::memcpy(bytes, &cells[0], 8);
  std::memcpy(bytes + 8, &cells[1], 8);
  uint64_t v = 0;
  std::memcpy(&v, bytes + i * (bits / 8), bits / 8);  // little-endian host
  return v;
}

void lane_info(std::string_view lane_type, ValType& type, unsigned& bits) {
  if (lane_type == "i8") { type = ValType::I32; bits = 8; }
  else if (lane_type == "i16") { type = ValType::I32; bits = 16; }
  else if (lane_type == "i32") { type = ValType::I32; bits = 32; }
  else if (lane_type == "i64") { type = ValType::I64; bits = 64; }
  else if (lane_type == "f32") { type = ValType::F32; bits = 32; }
  else if (lane_type == "f64") { type = ValType::F64; bits = 64; }
  else throw std::runtime_error("unknown v128 lane type: " + std::string(lane_type));
}

std::string hex(uint64_t v, unsigned bits) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "0x%0*llx", static_cast<int>(bits / 4),
                static_cast<unsigned long long>(v));
  return buf;
}

std::string float_text(uint64_t bits, unsigned width) {
  char buf[64];
  double d = width == 32 ? static_cast<double>(std::bit_cast<float>(static_cast<uint32_t>(bits)))
                         : std::bit_cast<double>(bits);
  std::snprintf(buf, sizeof buf, "%.17g", d);
  return hex(bits, width) + " (" + buf + ")";
}

std::string scalar_text(ValType t, uint64_t bits) {
  switch (t) {
    case ValType::I32: {
      uint32_t u = static_cast<uint32_t>(bits);
      std::string s = std::to_string(u);
      if (static_cast<int32_t>(u) < 0) s += " (" + std::to_string(static_cast<int32_t>(u)) + ")";
      return s;
    }
    case ValType::I64: {
      std::string s = std::to_string(bits);
      if (static_cast<int64_t>(bits) < 0) s += " (" + std::to_string(static_cast<int64_t>(bits)) + ")";
      return s;
    }
    case ValType::F32: return float_text(bits & 0xffffffffu, 32);
    case ValType::F64: return float_text(bits, 64);
    case ValType::FuncRef: return bits == 0 ? "null" : hex(bits, 64);
    case ValType::ExternRef: return bits == 0 ? "null" : std::to_string(bits - 1);
    case ValType::V128: break;
  }
  return hex(bits, 64);
}

std::string kind_text(Kind k) {
  switch (k) {
    case Kind::CanonicalNan: return "nan:canonical";
    case Kind::ArithmeticNan: return "nan:arithmetic";
    case Kind::Null: return "null";
    case Kind::NonNull: return "<non-null>";
    case Kind::Exact: break;
  }
  return "";
}

}  // namespace

ValType parse_type(std::string_view name) {
  if (name == "i32") return ValType::I32;
  if (name == "i64") return ValType::I64;
  if (name == "f32") return ValType::F32;
  if (name == "f64") return ValType::F64;
  if (name == "v128") return ValType::V128;
  if (name == "funcref") return ValType::FuncRef;
  if (name == "externref") return ValType::ExternRef;
  throw std::runtime_error("unsupported value type: " + std::string(name));
}

std::vector<uint64_t> parse_arg(const nlohmann::json& value) {
  ValType t = parse_type(value.at("type").get<std::string>());
  const nlohmann::json& v = value.at("value");
  switch (t) {
    case ValType::I32:
    case ValType::F32: return {parse_bits(v) & 0xffffffffu};
    case ValType::I64:
    case ValType::F64: return {parse_bits(v)};
    case ValType::FuncRef:
    case ValType::ExternRef: {
      if (v.is_string() && v.get_ref<const std::string&>() == "null") return {0};
      if (t == ValType::FuncRef) throw std::runtime_error("funcref argument must be null");
      return {parse_bits(v) + 1};
    }
    case ValType::V128: {
      ValType lt;
      unsigned bits;
      lane_info(value.at("lane_type").get<std::string>(), lt, bits);
      unsigned char bytes[16] = {};
      if (!v.is_array() || v.size() * bits != 128) throw std::runtime_error("bad v128 value");
      for (size_t i = 0; i < v.size(); ++i) {
        uint64_t lane = parse_bits(v[i]);
        std::memcpy(bytes + i * (bits / 8), &lane, bits / 8);
      }
      uint64_t lo, hi;
      std::memcpy(&lo, bytes, 8);
      std::memcpy(&hi, bytes + 8, 8);
      return {lo, hi};
    }
  }
  throw std::runtime_error("unsupported argument");
}

Expected parse_expected(const nlohmann::json& value) {
  Expected e;
  e.type = parse_type(value.at("type").get<std::string>());
  auto it = value.find("value");
  if (is_ref(e.type)) {
    if (it == value.end()) {
      e.kind = Kind::NonNull;
    } else if (it->is_string() && it->get_ref<const std::string&>() == "null") {
      e.kind = Kind::Null;
    } else if (e.type == ValType::ExternRef) {
      e.bits = parse_bits(*it) + 1;
    } else {
      throw std::runtime_error("cannot expect a specific funcref: " + value.dump());
    }
    return e;
  }
  if (it == value.end()) throw std::runtime_error("expected value missing: " + value.dump());
  if (e.type == ValType::V128) {
    lane_info(value.at("lane_type").get<std::string>(), e.lane_type, e.lane_bits);
    if (!it->is_array() || it->size() * e.lane_bits != 128) throw std::runtime_error("bad v128 value");
    for (const auto& lane : *it) {
      Expected::Lane l;
      l.kind = nan_kind(lane);
      if (l.kind == Kind::Exact) l.bits = parse_bits(lane) & mask_of(e.lane_bits);
      e.lanes.push_back(l);
    }
    return e;
  }
  e.kind = nan_kind(*it);
  if (e.kind == Kind::Exact) {
    e.bits = parse_bits(*it);
    if (e.type == ValType::I32 || e.type == ValType::F32) e.bits &= 0xffffffffu;
  }
  return e;
}

bool matches(const Expected& expected, ValType actual, std::span<const uint64_t> cells) {
  if (actual != expected.type) return false;
  if (cells.size() != interp::cell_count(actual)) return false;
  if (actual == ValType::V128) {
    for (size_t i = 0; i < expected.lanes.size(); ++i) {
      const auto& lane = expected.lanes[i];
      if (!match_scalar(lane.kind, lane.bits, lane_of(cells, expected.lane_bits, i), expected.lane_bits)) {
        return false;
      }
    }
    return true;
  }
  unsigned bits = (actual == ValType::I32 || actual == ValType::F32) ? 32 : 64;
  return match_scalar(expected.kind, expected.bits, cells[0], bits);
}

std::string format_value(ValType type, std::span<const uint64_t> cells) {
  std::string out = interp::val_type_name(type);
  out += ':';
  if (type == ValType::V128) {
    if (cells.size() < 2) return out + "<missing>";
    out += hex(cells[1], 64) + hex(cells[0], 64).substr(2);
    return out;
  }
  if (cells.empty()) return out + "<missing>";
  return out + scalar_text(type, cells[0]);
}

std::string format_expected(const Expected& e) {
  std::string out = interp::val_type_name(e.type);
  out += ':';
  if (e.type == ValType::V128) {
    out += "[";
    for (size_t i = 0; i < e.lanes.size(); ++i) {
      if (i) out += ' ';
      const auto& l = e.lanes[i];
      if (l.kind != Kind::Exact) out += kind_text(l.kind);
      else if (e.lane_type == ValType::F32 || e.lane_type == ValType::F64) out += hex(l.bits, e.lane_bits);
      else out += std::to_string(l.bits);
    }
    return out + "]";
  }
  if (e.kind != Kind::Exact) return out + kind_text(e.kind);
  return out + scalar_text(e.type, e.bits);
}

}  // namespace wippy::spectest
