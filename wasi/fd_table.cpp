// The descriptor table.
#include "wasi/fd_table.h"

#include <sys/resource.h>

#include <algorithm>
#include <atomic>

namespace wippy::wasi {

namespace {

std::atomic<size_t> g_in_use{0};
std::atomic<size_t> g_budget{0};  // 0: not yet read

size_t default_budget() {
  struct rlimit rl {};
  if (::getrlimit(RLIMIT_NOFILE, &rl) != 0 || rl.rlim_cur == RLIM_INFINITY) return 1 << 20;
  size_t limit = static_cast<size_t>(rl.rlim_cur);
  size_t reserve = std::max<size_t>(256, limit / 4);
  return limit > reserve + 16 ? limit - reserve : 16;
}

std::shared_ptr<Descriptor> stdio(Descriptor::Kind kind, uint64_t rights) {
  auto d = std::make_shared<Descriptor>();
  d->kind = kind;
  d->filetype = Filetype::CharacterDevice;
  d->rights_base = rights | rights::FdFdstatSetFlags | rights::FdFilestatGet | rights::PollFdReadwrite;
  return d;
}

}  // namespace

FdTable::FdTable() {
  table_.push_back(stdio(Descriptor::Kind::Stdin, rights::FdRead));
  table_.push_back(stdio(Descriptor::Kind::Stdout, rights::FdWrite));
  table_.push_back(stdio(Descriptor::Kind::Stderr, rights::FdWrite));
}

size_t host_descriptors_in_use() { return g_in_use.load(std::memory_order_relaxed); }

size_t host_descriptor_budget() {
  size_t b = g_budget.load(std::memory_order_relaxed);
  if (b == 0) {
    b = default_budget();
    g_budget.store(b, std::memory_order_relaxed);
  }
  return b;
}

void set_host_descriptor_budget(size_t n) { g_budget.store(n, std::memory_order_relaxed); }

HostFd::HostFd(int fd) : fd_(fd) {
  if (fd_ >= 0) g_in_use.fetch_add(1, std::memory_order_relaxed);
}

HostFd::~HostFd() {
  if (fd_ >= 0) {
    ::close(fd_);
    g_in_use.fetch_sub(1, std::memory_order_relaxed);
  }
}

Descriptor* FdTable::get(uint32_t fd) const { return fd < table_.size() ? table_[fd].get() : nullptr; }

std::shared_ptr<Descriptor> FdTable::share(uint32_t fd) const {
  return fd < table_.size() ? table_[fd] : nullptr;
}

Errno FdTable::insert(std::shared_ptr<Descriptor> d, uint32_t& fd) {
  // `d`'s own host descriptor is already counted.
  if (d->host && host_descriptors_in_use() > host_descriptor_budget()) return Errno::Nfile;
  for (uint32_t i = 0; i < table_.size() && i < max_; i++) {
    if (!table_[i]) {
      table_[i] = std::move(d);
      fd = i;
      return Errno::Success;
    }
  }
  if (table_.size() >= max_) return Errno::Mfile;
  fd = static_cast<uint32_t>(table_.size());
  table_.push_back(std::move(d));
  return Errno::Success;
}

Errno FdTable::close(uint32_t fd) {
  if (!get(fd)) return Errno::Badf;
  table_[fd].reset();
  while (!table_.empty() && !table_.back()) table_.pop_back();
  return Errno::Success;
}

Errno FdTable::renumber(uint32_t from, uint32_t to) {
  if (!get(from) || !get(to)) return Errno::Badf;
  if (from == to) return Errno::Success;
  table_[to] = std::move(table_[from]);
  table_[from].reset();
  while (!table_.empty() && !table_.back()) table_.pop_back();
  return Errno::Success;
}

}  // namespace wippy::wasi
