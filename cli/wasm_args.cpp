#include "cli/wasm_args.h"

#include <bit>
#include <cerrno>
#include <charconv>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

namespace wippy::cli {
namespace {

std::optional<uint64_t> parse_u64(std::string_view s) {
  int base = 10;
  if (s.size() > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    s.remove_prefix(2);
    base = 16;
  }
  uint64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
  if (s.empty() || ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// A signed or unsigned integer in [min, umax], as its two's-complement bits.
std::optional<uint64_t> parse_int(std::string_view s, int64_t min, uint64_t umax) {
  bool neg = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  std::optional<uint64_t> mag = parse_u64(s);
  if (!mag) return std::nullopt;
  if (neg) {
    if (*mag > static_cast<uint64_t>(-(min + 1)) + 1) return std::nullopt;
    return 0 - *mag;
  }
  if (*mag > umax) return std::nullopt;
  return *mag;
}

template <class F>
std::optional<F> parse_float(std::string_view s) {
  if (s.empty() || s.find('\0') != std::string_view::npos) return std::nullopt;
  std::string text(s);
  char* end = nullptr;
  errno = 0;
  F v;
  if constexpr (std::is_same_v<F, float>) {
    v = std::strtof(text.c_str(), &end);
  } else {
    v = std::strtod(text.c_str(), &end);
  }
  if (end != text.c_str() + text.size()) return std::nullopt;
  // ERANGE for overflow to infinity is an error; underflow to a subnormal or zero is fine.
  if (errno == ERANGE && std::isinf(v)) return std::nullopt;
  return v;
}

}  // namespace

WasmOptions parse_wasm_options(std::span<const std::string> words) {
  WasmOptions opt;
  bool have_file = false;
  bool only_args = false;
  auto positional = [&](const std::string& w) {
    if (!have_file) {
      opt.file = w;
      have_file = true;
    } else {
      opt.args.push_back(w);
    }
  };
  for (size_t i = 0; i < words.size(); i++) {
    const std::string& w = words[i];
    if (only_args || w.size() < 2 || w[0] != '-' || (w[1] != '-' && w != "-h")) {
      positional(w);
      continue;
    }
    if (w == "--") {
      only_args = true;
      continue;
    }
    if (w == "-h" || w == "--help") {
      opt.help = true;
      continue;
    }
    if (w == "--stats") {
      opt.stats = true;
      continue;
    }
    if (w == "--no-fuel-metering") {
      opt.fuel_metering = false;
      continue;
    }
    // Options with a value: --name VALUE or --name=VALUE.
    std::string name = w, value;
    bool has_value = false;
    if (size_t eq = w.find('='); eq != std::string::npos) {
      name = w.substr(0, eq);
      value = w.substr(eq + 1);
      has_value = true;
    }
    if (name != "--invoke" && name != "--fuel" && name != "--slice" && name != "--dir" && name != "--ro-dir" &&
        name != "--env")
      throw UsageError("unknown option " + name + " (guest arguments that start with -- go after --)");
    if (!has_value) {
      if (i + 1 >= words.size()) throw UsageError("option " + name + " needs a value");
      value = words[++i];
    }
    if (name == "--invoke") {
      if (value.empty()) throw UsageError("option --invoke needs a function name");
      opt.invoke = value;
    } else if (name == "--dir" || name == "--ro-dir") {
      WasmOptions::Mount m;
      size_t sep = value.find("::");
      m.host = value.substr(0, sep);
      m.guest = sep == std::string::npos ? m.host : value.substr(sep + 2);
      if (m.host.empty() || m.guest.empty()) throw UsageError("option " + name + " needs HOST[::GUEST]");
      if (m.guest[0] != '/') m.guest = "/" + m.guest;
      while (m.guest.size() > 1 && m.guest.back() == '/') m.guest.pop_back();
      m.read_only = name == "--ro-dir";
      opt.mounts.push_back(std::move(m));
    } else if (name == "--env") {
      if (value.find('=') == std::string::npos || value[0] == '=')
        throw UsageError("option --env needs NAME=VALUE, got '" + value + "'");
      opt.env.push_back(value);
    } else {
      std::optional<uint64_t> n = parse_u64(value);
      if (!n) throw UsageError("option " + name + " needs a non-negative integer, got '" + value + "'");
      if (name == "--fuel") {
        opt.fuel = *n;
      } else {
        if (*n == 0 || *n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
          throw UsageError("option --slice needs a positive integer, got '" + value + "'");
        opt.slice = static_cast<int64_t>(*n);
      }
    }
  }
  if (!have_file && !opt.help) throw UsageError("missing FILE.wasm");
  if (!opt.fuel_metering && (opt.fuel || opt.slice))
    throw UsageError("--no-fuel-metering cannot be combined with --fuel or --slice");
  return opt;
}

uint64_t parse_value(interp::ValType t, std::string_view text) {
  auto bad = [&]() {
    return UsageError(std::string("invalid ") + interp::val_type_name(t) + " argument '" +
                      std::string(text) + "'");
  };
  switch (t) {
    case interp::ValType::I32: {
      auto v = parse_int(text, std::numeric_limits<int32_t>::min(), std::numeric_limits<uint32_t>::max());
      if (!v) throw bad();
      return static_cast<uint32_t>(*v);
    }
    case interp::ValType::I64: {
      auto v = parse_int(text, std::numeric_limits<int64_t>::min(), std::numeric_limits<uint64_t>::max());
      if (!v) throw bad();
      return *v;
    }
    case interp::ValType::F32: {
      auto v = parse_float<float>(text);
      if (!v) throw bad();
      return std::bit_cast<uint32_t>(*v);
    }
    case interp::ValType::F64: {
      auto v = parse_float<double>(text);
      if (!v) throw bad();
      return std::bit_cast<uint64_t>(*v);
    }
    default:
      throw UsageError(std::string("parameters of type ") + interp::val_type_name(t) +
                       " cannot be given on the command line");
  }
}

std::string format_value(interp::ValType t, const uint64_t* cells) {
  char buf[64];
  switch (t) {
    case interp::ValType::I32:
      return std::to_string(static_cast<int32_t>(static_cast<uint32_t>(cells[0])));
    case interp::ValType::I64:
      return std::to_string(static_cast<int64_t>(cells[0]));
    case interp::ValType::F32: {
      float f = std::bit_cast<float>(static_cast<uint32_t>(cells[0]));
      if (std::isnan(f)) return std::signbit(f) ? "-nan" : "nan";
      auto r = std::to_chars(buf, buf + sizeof buf, f);
      return std::string(buf, r.ptr);
    }
    case interp::ValType::F64: {
      double d = std::bit_cast<double>(cells[0]);
      if (std::isnan(d)) return std::signbit(d) ? "-nan" : "nan";
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      return std::string(buf, r.ptr);
    }
    case interp::ValType::V128:
      std::snprintf(buf, sizeof buf, "v128:0x%016" PRIx64 "%016" PRIx64, cells[1], cells[0]);
      return buf;
    case interp::ValType::FuncRef:
    case interp::ValType::ExternRef:
      if (cells[0] == 0) return "null";
      std::snprintf(buf, sizeof buf, "%s:0x%" PRIx64, interp::val_type_name(t), cells[0]);
      return buf;
  }
  return "?";
}

}  // namespace wippy::cli
