// Process identity: the host's name and a number unique within that host,
// written "{host|N}"; on a clustered node the host part is "node@host" ({node@host|N}).
#pragma once

#include <compare>
#include <cstring>
#include <memory>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace wippy::procs {

// A pid's host name, kept in place up to kInline bytes. Pids are copied into every
// spawn, message and event, and host IDs such as "supervision:processes" (on a
// cluster "node@app:workers") are past std::string's 15-byte small-string limit: as a
// std::string each copy was a heap allocation, four per spawn. Longer names go to the heap.
class HostName {
 public:
  static constexpr size_t kInline = 44;  // a Pid is then 64 bytes, one cache line

  HostName() noexcept = default;
  HostName(std::string_view s) { assign(s); }  // NOLINT: converts, as std::string did
  HostName(const std::string& s) { assign(s); }  // NOLINT
  HostName(const char* s) { assign(s); }  // NOLINT
  HostName(const HostName& o) { *this = o; }
  HostName(HostName&& o) noexcept { *this = std::move(o); }
  HostName& operator=(const HostName& o) {
    if (this != &o) {
      if (o.heap_) {
        assign(o.view());
      } else {
        heap_.reset();
        copy_inline(o);
      }
    }
    return *this;
  }
  HostName& operator=(HostName&& o) noexcept {
    if (this != &o) {
      heap_ = std::move(o.heap_);
      copy_inline(o);
      o.size_ = 0;
    }
    return *this;
  }

  std::string_view view() const noexcept { return {heap_ ? heap_.get() : inline_, size_}; }
  operator std::string_view() const noexcept { return view(); }  // NOLINT
  std::string str() const { return std::string(view()); }
  size_t size() const noexcept { return size_; }
  bool empty() const noexcept { return size_ == 0; }
  size_t find(char c) const noexcept { return view().find(c); }

  friend bool operator==(const HostName& a, const HostName& b) noexcept { return a.view() == b.view(); }
  friend std::strong_ordering operator<=>(const HostName& a, const HostName& b) noexcept {
    return a.view() <=> b.view();
  }

 private:
  void assign(std::string_view s) {
    size_ = static_cast<uint32_t>(s.size());
    if (s.size() <= kInline) {
      heap_.reset();
      std::memcpy(inline_, s.data(), s.size());
    } else {
      heap_ = std::make_unique<char[]>(s.size());
      std::memcpy(heap_.get(), s.data(), s.size());
    }
  }
  // The whole buffer, a fixed size: a few vector moves, no length-dependent loop.
  void copy_inline(const HostName& o) noexcept {
    size_ = o.size_;
    std::memcpy(inline_, o.inline_, kInline);
  }

  std::unique_ptr<char[]> heap_;  // names longer than kInline
  uint32_t size_ = 0;
  char inline_[kInline] = {};
};

struct Pid {
  HostName host;
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
    return std::hash<std::string_view>{}(p.host.view()) * 31u ^ std::hash<uint64_t>{}(p.id);
  }
};

}  // namespace wippy::procs

template <>
struct std::hash<wippy::procs::Pid> : wippy::procs::PidHash {};
