// Internal to registry/: typed reads of YAML fields that report problems instead of
// throwing. Every message gets the prefix "file: entry id: " and names the field.
#pragma once

#include <yaml-cpp/yaml.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wippy::registry::detail {

class Diagnostics {
 public:
  void add(std::string message) { errors_.push_back(std::move(message)); }
  bool empty() const { return errors_.empty(); }
  size_t size() const { return errors_.size(); }
  std::vector<std::string>& errors() { return errors_; }

 private:
  std::vector<std::string> errors_;
};

class Fields {
 public:
  Fields(std::string prefix, Diagnostics& diag) : prefix_(std::move(prefix)), diag_(diag) {}

  const std::string& prefix() const { return prefix_; }
  // Reports prefix + message.
  void error(const std::string& message) const { diag_.add(prefix_ + message); }
  // Errors reported through this reader (or any other) since it was made.
  size_t errors_so_far() const { return diag_.size(); }

  // The value of `key` in `map`, or nullopt when the key is absent or null.
  static std::optional<YAML::Node> get(const YAML::Node& map, const char* key);

  // `field` is the dotted name used in messages ("wasi.cwd").
  std::optional<std::string> str(const YAML::Node& map, const char* key, const std::string& field,
                                 bool required = false) const;
  std::optional<bool> boolean(const YAML::Node& map, const char* key, const std::string& field) const;
  std::optional<uint64_t> uint(const YAML::Node& map, const char* key, const std::string& field,
                               uint64_t min, uint64_t max) const;
  std::optional<std::vector<std::string>> str_list(const YAML::Node& map, const char* key,
                                                   const std::string& field) const;
  // A map value (nullopt when absent; reports a value of another type).
  std::optional<YAML::Node> map(const YAML::Node& map, const char* key, const std::string& field) const;
  // A list value (nullopt when absent; reports a value of another type).
  std::optional<YAML::Node> list(const YAML::Node& map, const char* key, const std::string& field) const;
  // Reports every key of `map` not in `known` ("<field>.<key>: unknown field (known:
  // ...)"; just "<key>: ..." when `field` is empty, for an entry's own keys).
  void refuse_unknown(const YAML::Node& map, const std::vector<std::string_view>& known,
                      const std::string& field) const;

 private:
  std::string prefix_;
  Diagnostics& diag_;
};

// Parses a non-negative decimal integer scalar; nullopt for anything else.
std::optional<uint64_t> parse_uint(const std::string& text);
// Parses a duration: an integer (milliseconds) or a number with ms, s, m or h.
std::optional<uint64_t> parse_duration_ms(const std::string& text);

}  // namespace wippy::registry::detail
