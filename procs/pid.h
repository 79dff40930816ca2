// Process identity: the host's name and a number unique within that host,
// written "{host|N}"; on a clustered node the host part is "node@host" ({node@host|N}).
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace wippy::procs {

struct Pid {
  std::string host;
  uint64_t id = 0;  // 0: no process

  bool valid() const { return id != 0; }
  // The cluster node of "node@host" ("" for an unclustered pid) and the host without it.
  std::string_view node() const;
  std::string_view local_host() const;
  std::string to_string() const;  // "{host|N}"; "{}" for an invalid pid
  // Parses "{host|N}" (N >= 1). Returns nullopt for anything else.
  static std::optional<Pid> parse(std::string_view text);

  auto operator<=>(const Pid&) const = default;
  bool operator==(const Pid&) const = default;
};

struct PidHash {
  size_t operator()(const Pid& p) const noexcept {
    return std::hash<std::string>{}(p.host) * 31u ^ std::hash<uint64_t>{}(p.id);
  }
};

}  // namespace wippy::procs

template <>
struct std::hash<wippy::procs::Pid> : wippy::procs::PidHash {};
