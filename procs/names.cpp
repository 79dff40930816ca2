#include "procs/names.h"

namespace wippy::procs {

std::string NameRegistry::add(const std::string& name, const Pid& pid) {
  if (name.empty()) return "a process name may not be empty";
  std::lock_guard lk(mu_);
  auto [it, inserted] = by_name_.emplace(name, pid);
  if (!inserted) {
    if (it->second == pid) return "";
    return "name " + name + " is already registered by " + it->second.to_string();
  }
  by_pid_.emplace(pid, name);
  return "";
}

std::optional<Pid> NameRegistry::lookup(const std::string& name) const {
  std::lock_guard lk(mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

bool NameRegistry::remove(const std::string& name, const Pid& owner) {
  std::lock_guard lk(mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end() || (owner.valid() && it->second != owner)) return false;
  auto [b, e] = by_pid_.equal_range(it->second);
  for (auto p = b; p != e; ++p) {
    if (p->second == name) {
      by_pid_.erase(p);
      break;
    }
  }
  by_name_.erase(it);
  return true;
}

void NameRegistry::release(const Pid& pid) {
  std::lock_guard lk(mu_);
  auto [b, e] = by_pid_.equal_range(pid);
  for (auto p = b; p != e; ++p) by_name_.erase(p->second);
  by_pid_.erase(b, e);
}

}  // namespace wippy::procs
