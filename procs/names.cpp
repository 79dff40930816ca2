#include "procs/names.h"

namespace wippy::procs {

std::string NameRegistry::add(const std::string& name, const Pid& pid) {
  if (name.empty()) return "a process name may not be empty";
  std::unique_lock lk(mu_);
  auto [it, inserted] = by_name_.emplace(name, pid);
  if (!inserted) {
    if (it->second == pid) return "";
    return "name " + name + " is already registered by " + it->second.to_string();
  }
  by_pid_.emplace(pid, name);
  size_.store(by_name_.size(), std::memory_order_relaxed);
  lk.unlock();
  notify({name});
  return "";
}

std::optional<Pid> NameRegistry::lookup(const std::string& name) const {
  std::lock_guard lk(mu_);
  auto it = by_name_.find(name);
  if (it == by_name_.end()) return std::nullopt;
  return it->second;
}

bool NameRegistry::remove(const std::string& name, const Pid& owner) {
  std::unique_lock lk(mu_);
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
  size_.store(by_name_.size(), std::memory_order_relaxed);
  lk.unlock();
  notify({name});
  return true;
}

void NameRegistry::release(const Pid& pid) {
  // Every process ends here; most never had a name. A name the ending process added
  // was counted before (its own thread), so a zero here means it holds none.
  if (size_.load(std::memory_order_relaxed) == 0) return;
  std::vector<std::string> names;
  {
    std::lock_guard lk(mu_);
    auto [b, e] = by_pid_.equal_range(pid);
    for (auto p = b; p != e; ++p) {
      by_name_.erase(p->second);
      names.push_back(p->second);
    }
    by_pid_.erase(b, e);
    size_.store(by_name_.size(), std::memory_order_relaxed);
  }
  if (!names.empty()) notify(names);
}

void NameRegistry::set_listener(std::function<void(const std::string&)> listener) {
  std::lock_guard lk(mu_);
  listener_ = std::move(listener);
}

void NameRegistry::notify(const std::vector<std::string>& names) const {
  std::function<void(const std::string&)> listener;
  {
    std::lock_guard lk(mu_);
    listener = listener_;
  }
  if (listener)
    for (const std::string& n : names) listener(n);
}

}  // namespace wippy::procs
