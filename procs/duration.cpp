// Go-style duration text <-> nanoseconds.
#include "procs/duration.h"

#include <array>
#include <utility>

namespace wippy::procs {

namespace {

constexpr std::array<std::pair<std::string_view, uint64_t>, 8> kUnits{{
    {"ns", 1},
    {"us", 1000},
    {"\xC2\xB5s", 1000},  // µs (micro sign)
    {"\xCE\xBCs", 1000},  // μs (Greek mu)
    {"ms", 1000000},
    {"s", 1000000000},
    {"m", 60000000000},
    {"h", 3600000000000},
}};

constexpr const char* kHint = "expected numbers with units (ns, us, ms, s, m, h) such as 250ms, 10s or 1m30s";

bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::optional<int64_t> fail(std::string* error, std::string_view text, const std::string& why) {
  if (error) *error = "invalid duration \"" + std::string(text) + "\": " + why;
  return std::nullopt;
}

}  // namespace

std::optional<int64_t> parse_duration(std::string_view text, std::string* error) {
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return 0;
  if (s.empty()) return fail(error, text, kHint);
  // Accumulated in unsigned 64 bits; the magnitude may reach 2^63 for a negative value.
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  uint64_t total = 0;
  while (!s.empty()) {
    // The integer part (may overflow only if its digits alone do).
    uint64_t whole = 0;
    size_t i = 0;
    bool overflow = false;
    while (i < s.size() && is_digit(s[i])) {
      if (whole > (UINT64_MAX - 9) / 10) overflow = true;
      else whole = whole * 10 + static_cast<uint64_t>(s[i] - '0');
      ++i;
    }
    bool had_whole = i > 0;
    // The fraction: up to 18 digits kept (more cannot change a nanosecond count).
    uint64_t frac = 0, scale = 1;
    bool had_frac = false;
    if (i < s.size() && s[i] == '.') {
      ++i;
      while (i < s.size() && is_digit(s[i])) {
        had_frac = true;
        if (scale < 1000000000000000000ull) {
          frac = frac * 10 + static_cast<uint64_t>(s[i] - '0');
          scale *= 10;
        }
        ++i;
      }
    }
    if (!had_whole && !had_frac) return fail(error, text, kHint);
    size_t u = i;
    while (u < s.size() && !is_digit(s[u]) && s[u] != '.') ++u;
    std::string_view unit = s.substr(i, u - i);
    if (unit.empty()) return fail(error, text, "missing unit after " + std::string(s.substr(0, i)) + " (" + kHint + ")");
    uint64_t mul = 0;
    for (const auto& [name, m] : kUnits)
      if (name == unit) mul = m;
    if (mul == 0) return fail(error, text, "unknown unit \"" + std::string(unit) + "\" (" + kHint + ")");
    if (overflow || (whole > 0 && whole > limit / mul)) return fail(error, text, "overflows 2^63 nanoseconds");
    uint64_t part = whole * mul;
    if (frac > 0) {
      // frac/scale of a unit, rounded down; computed in long double to avoid overflow.
      part += static_cast<uint64_t>(static_cast<long double>(frac) * static_cast<long double>(mul) /
                                    static_cast<long double>(scale));
    }
    if (part > limit - total) return fail(error, text, "overflows 2^63 nanoseconds");
    total += part;
    s.remove_prefix(u);
  }
  if (negative) return total == (uint64_t{1} << 63) ? INT64_MIN : -static_cast<int64_t>(total);
  return static_cast<int64_t>(total);
}

std::string format_duration(int64_t ns) {
  if (ns == 0) return "0s";
  bool negative = ns < 0;
  uint64_t u = negative ? uint64_t{0} - static_cast<uint64_t>(ns) : static_cast<uint64_t>(ns);
  std::string out;
  if (u < 1000000000) {
    // Below a second: the largest unit that divides it evenly, or the smallest.
    if (u % 1000000 == 0) out = std::to_string(u / 1000000) + "ms";
    else if (u % 1000 == 0) out = std::to_string(u / 1000) + "us";
    else out = std::to_string(u) + "ns";
  } else {
    uint64_t h = u / 3600000000000, rest = u % 3600000000000;
    uint64_t m = rest / 60000000000;
    rest %= 60000000000;
    uint64_t sec = rest / 1000000000, sub = rest % 1000000000;
    if (h) out += std::to_string(h) + "h";
    if (h || m) out += std::to_string(m) + "m";
    out += std::to_string(sec);
    if (sub) {
      std::string digits = std::to_string(sub);
      digits.insert(0, 9 - digits.size(), '0');
      while (digits.back() == '0') digits.pop_back();
      out += "." + digits;
    }
    out += "s";
  }
  return negative ? "-" + out : out;
}

}  // namespace wippy::procs
