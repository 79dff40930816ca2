// Typed YAML field reads with error reporting.
#include "registry/fields.h"

#include <algorithm>
#include <charconv>
#include <cstring>

namespace wippy::registry::detail {

std::optional<uint64_t> parse_uint(const std::string& text) {
  if (text.empty()) return std::nullopt;
  uint64_t v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc() || p != end) return std::nullopt;
  return v;
}

std::optional<uint64_t> parse_duration_ms(const std::string& text) {
  size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return std::nullopt;
  std::optional<uint64_t> n = parse_uint(text.substr(0, digits));
  if (!n) return std::nullopt;
  std::string unit = text.substr(digits);
  uint64_t mul = 0;
  if (unit.empty() || unit == "ms") mul = 1;
  else if (unit == "s") mul = 1000;
  else if (unit == "m") mul = 60'000;
  else if (unit == "h") mul = 3'600'000;
  else return std::nullopt;
  if (*n > UINT64_MAX / mul) return std::nullopt;
  return *n * mul;
}

std::optional<YAML::Node> Fields::get(const YAML::Node& map, const char* key) {
  if (!map.IsDefined() || !map.IsMap()) return std::nullopt;
  YAML::Node v = map[key];
  if (!v.IsDefined() || v.IsNull()) return std::nullopt;
  return v;
}

std::optional<std::string> Fields::str(const YAML::Node& map, const char* key,
                                       const std::string& field, bool required) const {
  std::optional<YAML::Node> v = get(map, key);
  if (!v) {
    if (required) error(field + " is required");
    return std::nullopt;
  }
  if (!v->IsScalar()) {
    error(field + " must be a string");
    return std::nullopt;
  }
  if (required && v->Scalar().empty()) {
    error(field + " is required (it is empty)");
    return std::nullopt;
  }
  return v->Scalar();
}

std::optional<bool> Fields::boolean(const YAML::Node& map, const char* key,
                                    const std::string& field) const {
  std::optional<YAML::Node> v = get(map, key);
  if (!v) return std::nullopt;
  if (v->IsScalar()) {
    const std::string& s = v->Scalar();
    if (s == "true" || s == "True" || s == "TRUE" || s == "yes") return true;
    if (s == "false" || s == "False" || s == "FALSE" || s == "no") return false;
  }
  error(field + " must be true or false");
  return std::nullopt;
}

std::optional<uint64_t> Fields::uint(const YAML::Node& map, const char* key,
                                     const std::string& field, uint64_t min, uint64_t max) const {
  std::optional<YAML::Node> v = get(map, key);
  if (!v) return std::nullopt;
  std::optional<uint64_t> n;
  if (v->IsScalar()) {
    std::string s = v->Scalar();
    std::erase(s, '_');
    n = parse_uint(s);
  }
  if (!n) {
    error(field + " must be a non-negative integer");
    return std::nullopt;
  }
  if (*n < min || *n > max) {
    error(field + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
          ", got " + std::to_string(*n));
    return std::nullopt;
  }
  return n;
}

std::optional<std::vector<std::string>> Fields::str_list(const YAML::Node& map, const char* key,
                                                         const std::string& field) const {
  std::optional<YAML::Node> v = get(map, key);
  if (!v) return std::nullopt;
  if (!v->IsSequence()) {
    error(field + " must be a list of strings");
    return std::nullopt;
  }
  std::vector<std::string> out;
  for (const YAML::Node& item : *v) {
    if (!item.IsScalar()) {
      error(field + " must be a list of strings");
      return std::nullopt;
    }
    out.push_back(item.Scalar());
  }
  return out;
}

std::optional<YAML::Node> Fields::map(const YAML::Node& m, const char* key,
                                      const std::string& field) const {
  std::optional<YAML::Node> v = get(m, key);
  if (!v) return std::nullopt;
  if (!v->IsMap()) {
    error(field + " must be a map");
    return std::nullopt;
  }
  return v;
}

std::optional<YAML::Node> Fields::list(const YAML::Node& m, const char* key,
                                       const std::string& field) const {
  std::optional<YAML::Node> v = get(m, key);
  if (!v) return std::nullopt;
  if (!v->IsSequence()) {
    error(field + " must be a list");
    return std::nullopt;
  }
  return v;
}

void Fields::refuse_unknown(const YAML::Node& m, const std::vector<std::string_view>& known,
                            const std::string& field) const {
  if (!m.IsDefined() || !m.IsMap()) return;
  for (const auto& kv : m) {
    std::string key = kv.first.IsScalar() ? kv.first.Scalar() : std::string("?");
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string names;
    for (std::string_view k : known) {
      if (!names.empty()) names += ", ";
      names += k;
    }
    error((field.empty() ? key : field + "." + key) + ": unknown field (known: " + names + ")");
  }
}

}  // namespace wippy::registry::detail
