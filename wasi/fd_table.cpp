// The descriptor table.
#include "wasi/fd_table.h"

namespace wippy::wasi {

namespace {

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

Descriptor* FdTable::get(uint32_t fd) const { return fd < table_.size() ? table_[fd].get() : nullptr; }

std::shared_ptr<Descriptor> FdTable::share(uint32_t fd) const {
  return fd < table_.size() ? table_[fd] : nullptr;
}

Errno FdTable::insert(std::shared_ptr<Descriptor> d, uint32_t& fd) {
  for (uint32_t i = 0; i < table_.size(); i++) {
    if (!table_[i]) {
      table_[i] = std::move(d);
      fd = i;
      return Errno::Success;
    }
  }
  if (table_.size() >= kMaxDescriptors) return Errno::Mfile;
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
