#include "procs/pid.h"

#include <charconv>

namespace wippy::procs {

std::string Pid::to_string() const {
  if (!valid()) return "{}";
  std::string s = "{";
  s.append(host.view()).append("|").append(std::to_string(id)).append("}");
  return s;
}

std::string_view Pid::node() const {
  size_t at = host.find('@');
  return at == std::string::npos ? std::string_view() : host.view().substr(0, at);
}

std::string_view Pid::local_host() const {
  size_t at = host.find('@');
  return at == std::string::npos ? host.view() : host.view().substr(at + 1);
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
  return Pid{HostName(body.substr(0, bar)), id};
}

}  // namespace wippy::procs
