// Process names (Lua's process.registry): a name maps to one live process; a name is
// released when its process ends. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "procs/pid.h"

namespace wippy::procs {

class NameRegistry {
 public:
  // "" on success, else why not ("name X is already registered by {h|1}").
  std::string add(const std::string& name, const Pid& pid);
  std::optional<Pid> lookup(const std::string& name) const;
  // Removes `name` if `owner` holds it (any owner when `owner` is invalid).
  bool remove(const std::string& name, const Pid& owner);
  // Releases every name of `pid` (when it ends).
  void release(const Pid& pid);
  // Called (outside the registry's lock, on the changing thread) with each name that
  // was added or removed; the cluster node uses it to answer lookups of other nodes.
  void set_listener(std::function<void(const std::string& name)> listener);

 private:
  void notify(const std::vector<std::string>& names) const;

  mutable std::mutex mu_;
  std::function<void(const std::string&)> listener_;  // under mu_
  std::map<std::string, Pid, std::less<>> by_name_;
  std::multimap<Pid, std::string> by_pid_;
  std::atomic<size_t> size_{0};  // by_name_.size(), read without the lock by release
};

}  // namespace wippy::procs
