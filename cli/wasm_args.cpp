#include "cli/wasm_args.h"

#include <bit>
#include <cerrno>
#include <charconv>
#include <algorithm>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>

#include <CLI/CLI.hpp>

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

namespace {

// Words CLI11 would misread are marked before parsing and unmarked after: a word that
// starts with a single '-' (other than a negative number) would be a short option, but
// `wippy wasm` passes it to the guest (only -h is ours); a word in brackets would be
// split at its commas, but it is one WAVE value such as `[1, 2]`.
constexpr char kArgMark = '\x01';

std::vector<std::string> mark_words(std::span<const std::string> words) {
  std::vector<std::string> out;
  bool only_args = false;
  for (const std::string& w : words) {
    only_args = only_args || w == "--";
    bool single_dash = !only_args && w.size() >= 2 && w[0] == '-' && w[1] != '-' && w != "-h";
    out.push_back(single_dash || (!w.empty() && w[0] == '[') ? kArgMark + w : w);
  }
  return out;
}

std::string unmark(std::string w) { return !w.empty() && w[0] == kArgMark ? w.substr(1) : w; }

// CLI11's message -> ours (one line, naming the option).
std::string describe(const CLI::ParseError& e) {
  std::string what = unmark(e.what());
  if (dynamic_cast<const CLI::ExtrasError*>(&e)) {
    std::string word = what.substr(what.find(": ") + 2);
    word = unmark(word.substr(0, word.find(' ')));
    return "unknown option " + word + " (guest arguments that start with - go after --)";
  }
  if (dynamic_cast<const CLI::ArgumentMismatch*>(&e) && what.find("missing") != std::string::npos)
    return "option " + what.substr(0, what.find(':')) + " needs a value";
  return what;
}

WasmOptions::Mount parse_mount(const std::string& name, const std::string& value, bool read_only) {
  WasmOptions::Mount m;
  size_t sep = value.find("::");
  m.host = value.substr(0, sep);
  m.guest = sep == std::string::npos ? m.host : value.substr(sep + 2);
  if (m.host.empty() || m.guest.empty())
    throw UsageError("option " + name + " needs HOST[::GUEST], got '" + value + "'");
  if (m.guest[0] != '/') m.guest = "/" + m.guest;
  while (m.guest.size() > 1 && m.guest.back() == '/') m.guest.pop_back();
  m.read_only = read_only;
  return m;
}

// NAME=VALUE as it is; NAME alone takes the host's value (and is left out when the
// host has none).
std::optional<std::string> parse_env(const std::string& value) {
  if (value.empty() || value[0] == '=') throw UsageError("option --env needs NAME[=VALUE], got '" + value + "'");
  if (value.find('=') != std::string::npos) return value;
  const char* host = std::getenv(value.c_str());
  if (!host) return std::nullopt;
  return value + "=" + host;
}

// A number with an optional unit: `units` maps each suffix to its multiplier.
std::optional<uint64_t> parse_with_unit(std::string_view s, std::initializer_list<std::pair<std::string_view, uint64_t>> units) {
  size_t digits = 0;
  while (digits < s.size() && s[digits] >= '0' && s[digits] <= '9') digits++;
  std::optional<uint64_t> n = parse_u64(s.substr(0, digits));
  if (!n) return std::nullopt;
  std::string_view unit = s.substr(digits);
  for (const auto& [suffix, mult] : units) {
    if (unit != suffix) continue;
    if (*n > UINT64_MAX / mult) return std::nullopt;
    return *n * mult;
  }
  return std::nullopt;
}

uint32_t parse_max_memory(const std::string& value) {
  constexpr uint64_t K = 1024;
  std::optional<uint64_t> bytes = parse_with_unit(value, {{"", 1}, {"K", K}, {"Ki", K}, {"KiB", K}, {"M", K * K},
                                                          {"Mi", K * K}, {"MiB", K * K}, {"G", K * K * K},
                                                          {"Gi", K * K * K}, {"GiB", K * K * K}});
  if (!bytes || *bytes < engine::kPageSize)
    throw UsageError("option --max-memory needs a size of at least one 64KiB page (such as 64K, 16M or 1G), got '" +
                     value + "'");
  return static_cast<uint32_t>(std::min<uint64_t>(*bytes / engine::kPageSize, engine::kMaxPages));
}

uint64_t parse_timeout_ms(const std::string& value) {
  std::optional<uint64_t> ms = parse_with_unit(value, {{"ms", 1}, {"s", 1000}, {"m", 60000}});
  if (!ms || *ms == 0)
    throw UsageError("option --timeout needs a positive duration (such as 500ms, 2s or 1m), got '" + value + "'");
  return *ms;
}

}  // namespace

WasmOptions parse_wasm_options(std::span<const std::string> words) {
  WasmOptions opt;
  CLI::App app{"", "wippy wasm"};
  app.set_help_flag();  // -h/--help print kWasmUsage (wasm_command.cpp)
  std::string invoke, fuel, slice, max_memory, timeout;
  std::vector<std::string> dirs, ro_dirs, env, positionals;
  bool no_fuel_metering = false;
  constexpr auto kLast = CLI::MultiOptionPolicy::TakeLast;  // a repeated option: the last one counts
  app.add_flag("-h,--help", opt.help);
  app.add_flag("--stats", opt.stats);
  app.add_flag("--no-fuel-metering", no_fuel_metering);
  app.add_flag("--eager-translation", opt.eager_translation);
  CLI::Option* invoke_opt = app.add_option("--invoke", invoke)->multi_option_policy(kLast);
  CLI::Option* fuel_opt = app.add_option("--fuel", fuel)->multi_option_policy(kLast);
  CLI::Option* slice_opt = app.add_option("--slice", slice)->multi_option_policy(kLast);
  CLI::Option* memory_opt = app.add_option("--max-memory", max_memory)->multi_option_policy(kLast);
  CLI::Option* timeout_opt = app.add_option("--timeout", timeout)->multi_option_policy(kLast);
  app.add_option("--dir", dirs)->allow_extra_args(false);
  app.add_option("--ro-dir", ro_dirs)->allow_extra_args(false);
  app.add_option("--env", env)->allow_extra_args(false);
  app.add_option("args", positionals);
  std::vector<std::string> reversed = mark_words(words);  // CLI11 takes them last first
  std::reverse(reversed.begin(), reversed.end());
  try {
    app.parse(reversed);
  } catch (const CLI::ParseError& e) {
    throw UsageError(describe(e));
  }
  auto value = [](const std::string& v) { return unmark(v); };
  for (std::string& p : positionals) p = unmark(p);

  if (!positionals.empty()) {
    opt.file = positionals.front();
    opt.args.assign(positionals.begin() + 1, positionals.end());
  }
  opt.fuel_metering = !no_fuel_metering;
  if (invoke_opt->count()) {
    if (invoke.empty()) throw UsageError("option --invoke needs a function name");
    opt.invoke = value(invoke);
  }
  for (const std::string& d : dirs) opt.mounts.push_back(parse_mount("--dir", value(d), false));
  for (const std::string& d : ro_dirs) opt.mounts.push_back(parse_mount("--ro-dir", value(d), true));
  for (const std::string& e : env) {
    if (std::optional<std::string> var = parse_env(value(e))) opt.env.push_back(*var);
  }
  if (fuel_opt->count()) {
    std::optional<uint64_t> n = parse_u64(value(fuel));
    if (!n) throw UsageError("option --fuel needs a non-negative integer, got '" + value(fuel) + "'");
    opt.fuel = *n;
  }
  if (slice_opt->count()) {
    std::optional<uint64_t> n = parse_u64(value(slice));
    if (!n || *n == 0 || *n > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))
      throw UsageError("option --slice needs a positive integer, got '" + value(slice) + "'");
    opt.slice = static_cast<int64_t>(*n);
  }
  if (memory_opt->count()) opt.max_memory_pages = parse_max_memory(value(max_memory));
  if (timeout_opt->count()) opt.timeout_ms = parse_timeout_ms(value(timeout));
  if (opt.file.empty() && !opt.help) throw UsageError("missing FILE.wasm");
  if (!opt.fuel_metering && (opt.fuel || opt.slice || opt.timeout_ms))
    throw UsageError("--no-fuel-metering cannot be combined with --fuel, --slice or --timeout");
  return opt;
}

uint64_t parse_value(engine::ValType t, std::string_view text) {
  auto bad = [&]() {
    return UsageError(std::string("invalid ") + engine::val_type_name(t) + " argument '" +
                      std::string(text) + "'");
  };
  switch (t) {
    case engine::ValType::I32: {
      auto v = parse_int(text, std::numeric_limits<int32_t>::min(), std::numeric_limits<uint32_t>::max());
      if (!v) throw bad();
      return static_cast<uint32_t>(*v);
    }
    case engine::ValType::I64: {
      auto v = parse_int(text, std::numeric_limits<int64_t>::min(), std::numeric_limits<uint64_t>::max());
      if (!v) throw bad();
      return *v;
    }
    case engine::ValType::F32: {
      auto v = parse_float<float>(text);
      if (!v) throw bad();
      return std::bit_cast<uint32_t>(*v);
    }
    case engine::ValType::F64: {
      auto v = parse_float<double>(text);
      if (!v) throw bad();
      return std::bit_cast<uint64_t>(*v);
    }
    default:
      throw UsageError(std::string("parameters of type ") + engine::val_type_name(t) +
                       " cannot be given on the command line");
  }
}

std::string format_value(engine::ValType t, const uint64_t* cells) {
  char buf[64];
  switch (t) {
    case engine::ValType::I32:
      return std::to_string(static_cast<int32_t>(static_cast<uint32_t>(cells[0])));
    case engine::ValType::I64:
      return std::to_string(static_cast<int64_t>(cells[0]));
    case engine::ValType::F32: {
      float f = std::bit_cast<float>(static_cast<uint32_t>(cells[0]));
      if (std::isnan(f)) return std::signbit(f) ? "-nan" : "nan";
      auto r = std::to_chars(buf, buf + sizeof buf, f);
      return std::string(buf, r.ptr);
    }
    case engine::ValType::F64: {
      double d = std::bit_cast<double>(cells[0]);
      if (std::isnan(d)) return std::signbit(d) ? "-nan" : "nan";
      auto r = std::to_chars(buf, buf + sizeof buf, d);
      return std::string(buf, r.ptr);
    }
    case engine::ValType::V128:
      std::snprintf(buf, sizeof buf, "v128:0x%016" PRIx64 "%016" PRIx64, cells[1], cells[0]);
      return buf;
    case engine::ValType::FuncRef:
    case engine::ValType::ExternRef:
      if (cells[0] == 0) return "null";
      std::snprintf(buf, sizeof buf, "%s:0x%" PRIx64, engine::val_type_name(t), cells[0]);
      return buf;
  }
  return "?";
}

}  // namespace wippy::cli
