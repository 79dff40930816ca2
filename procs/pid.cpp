#include "procs/pid.h"

#include <charconv>

namespace wippy::procs {

std::string Pid::to_string() const {
  if (!valid()) return "{}";
  return "{" + host + "|" + std::to_string(id) + "}";
}

std::string_view Pid::node() const {
  size_t at = host.find('@');
  return at == std::string::npos ? std::string_view() : std::string_view(host).substr(0, at);
}

std::string_view Pid::local_host() const {
  size_t at = host.find('@');
  return at == std::string::npos ? std::string_view(host) : std::string_view(host).substr(at + 1);
}

std::optional<Pid> Pid::parse(std::string_view text) {
  if (text.size() < 4 || text.front() != '{' || text.back() != '}') return std::nullopt;
  std::string_view body = text.substr(1, text.size() - 2);
  size_t bar = body.rfind('|');
  if (bar == std::string_view::npos || bar == 0 || bar + 1 == body.size()) return std::nullopt;
  std::string_view num = body.substr(bar + 1);
  uint64_t id = 0;
  auto [end, ec] = std::from_chars(num.data(), num.data() + num.size(), id);
  if (ec != std::errc{} || end != num.data() + num.size() || id == 0) return std::nullopt;
  return Pid{std::string(body.substr(0, bar)), id};
}

}  // namespace wippy::procs
