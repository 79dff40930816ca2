// The guest's descriptor table: numbers the guest sees -> what they refer to (a
// standard stream, a host file or directory). Preopened mounts are directories with a
// guest path; every descriptor opened beneath a read-only mount is read-only too.
#pragma once

#include <unistd.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "wasi/errno.h"

namespace wippy::wasi {

// Host descriptors that guests hold, all processes together, and how many they may
// hold: the host's open-file limit (RLIMIT_NOFILE, read at the first use) less a
// reserve for the runtime itself (a quarter of it, at least 256), so that guests
// together can never make the host fail to open a file (a module, a Lua source).
// Beyond it path_open gives the guest ENFILE.
size_t host_descriptors_in_use();
size_t host_descriptor_budget();
// Replaces the budget (tests); 0 restores the default.
void set_host_descriptor_budget(size_t n);

// An owned host file descriptor, closed on destruction (and counted in
// host_descriptors_in_use while open). Shared (shared_ptr) between the table and
// operations running off the guest's thread, so that closing a guest descriptor never
// pulls a host descriptor from under a read in progress.
class HostFd {
 public:
  explicit HostFd(int fd);
  ~HostFd();
  HostFd(const HostFd&) = delete;
  HostFd& operator=(const HostFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// witx `$filetype`.
enum class Filetype : uint8_t {
  Unknown = 0,
  BlockDevice = 1,
  CharacterDevice = 2,
  Directory = 3,
  RegularFile = 4,
  SocketDgram = 5,
  SocketStream = 6,
  SymbolicLink = 7,
};

// witx `$rights` bits.
namespace rights {
inline constexpr uint64_t FdDatasync = 1ull << 0;
inline constexpr uint64_t FdRead = 1ull << 1;
inline constexpr uint64_t FdSeek = 1ull << 2;
inline constexpr uint64_t FdFdstatSetFlags = 1ull << 3;
inline constexpr uint64_t FdSync = 1ull << 4;
inline constexpr uint64_t FdTell = 1ull << 5;
inline constexpr uint64_t FdWrite = 1ull << 6;
inline constexpr uint64_t FdAdvise = 1ull << 7;
inline constexpr uint64_t FdAllocate = 1ull << 8;
inline constexpr uint64_t PathCreateDirectory = 1ull << 9;
inline constexpr uint64_t PathCreateFile = 1ull << 10;
inline constexpr uint64_t PathLinkSource = 1ull << 11;
inline constexpr uint64_t PathLinkTarget = 1ull << 12;
inline constexpr uint64_t PathOpen = 1ull << 13;
inline constexpr uint64_t FdReaddir = 1ull << 14;
inline constexpr uint64_t PathReadlink = 1ull << 15;
inline constexpr uint64_t PathRenameSource = 1ull << 16;
inline constexpr uint64_t PathRenameTarget = 1ull << 17;
inline constexpr uint64_t PathFilestatGet = 1ull << 18;
inline constexpr uint64_t PathFilestatSetSize = 1ull << 19;
inline constexpr uint64_t PathFilestatSetTimes = 1ull << 20;
inline constexpr uint64_t FdFilestatGet = 1ull << 21;
inline constexpr uint64_t FdFilestatSetSize = 1ull << 22;
inline constexpr uint64_t FdFilestatSetTimes = 1ull << 23;
inline constexpr uint64_t PathSymlink = 1ull << 24;
inline constexpr uint64_t PathRemoveDirectory = 1ull << 25;
inline constexpr uint64_t PathUnlinkFile = 1ull << 26;
inline constexpr uint64_t PollFdReadwrite = 1ull << 27;
inline constexpr uint64_t SockShutdown = 1ull << 28;
inline constexpr uint64_t SockAccept = 1ull << 29;
inline constexpr uint64_t All = (1ull << 30) - 1;

// What a regular file can do, and what a directory can do itself.
inline constexpr uint64_t kFile = FdDatasync | FdRead | FdSeek | FdFdstatSetFlags | FdSync | FdTell | FdWrite |
                                  FdAdvise | FdAllocate | FdFilestatGet | FdFilestatSetSize |
                                  FdFilestatSetTimes | PollFdReadwrite;
inline constexpr uint64_t kDirectory =
    FdFdstatSetFlags | FdSync | FdAdvise | PathCreateDirectory | PathCreateFile | PathLinkSource |
    PathLinkTarget | PathOpen | FdReaddir | PathReadlink | PathRenameSource | PathRenameTarget |
    PathFilestatGet | PathFilestatSetSize | PathFilestatSetTimes | FdFilestatGet | FdFilestatSetTimes |
    PathSymlink | PathRemoveDirectory | PathUnlinkFile;
// Rights that make path_open ask for a writable descriptor.
inline constexpr uint64_t kWriteIntent = FdDatasync | FdWrite | FdAllocate | FdFilestatSetSize;
}  // namespace rights

// witx `$fdflags`.
namespace fdflags {
inline constexpr uint16_t Append = 1 << 0;
inline constexpr uint16_t Dsync = 1 << 1;
inline constexpr uint16_t Nonblock = 1 << 2;
inline constexpr uint16_t Rsync = 1 << 3;
inline constexpr uint16_t Sync = 1 << 4;
inline constexpr uint16_t All = 0x1f;
}  // namespace fdflags

// One entry of a directory listing, as fd_readdir reports it.
struct DirEntry {
  std::string name;
  uint64_t ino = 0;
  Filetype type = Filetype::Unknown;
};

struct Descriptor {
  enum class Kind : uint8_t { Stdin, Stdout, Stderr, File, Directory };
  Kind kind = Kind::File;
  std::shared_ptr<HostFd> host;  // File and Directory
  Filetype filetype = Filetype::Unknown;
  uint64_t rights_base = 0;
  uint64_t rights_inheriting = 0;
  uint16_t flags = 0;      // fdflags
  bool read_only = false;  // beneath a read-only mount: no write, create, rename, delete
  // A File that is a pipe, socket or device: its host descriptor is always
  // non-blocking, and a read or write that would block waits for readiness instead
  // (or fails with EAGAIN if the guest set fdflags::Nonblock).
  bool stream = false;
  std::string preopen;     // the guest path of a preopened mount; empty otherwise

  // fd_readdir's snapshot: taken when a listing starts at cookie 0.
  std::vector<DirEntry> listing;
  bool listing_valid = false;

  bool is_stdio() const { return kind == Kind::Stdin || kind == Kind::Stdout || kind == Kind::Stderr; }
  int fd() const { return host ? host->get() : -1; }
};

class FdTable {
 public:
  // How many descriptor numbers (standard streams and preopens included) a process may
  // use unless its entry sets `wasi.max_open_files`; beyond it path_open gives EMFILE.
  static constexpr uint32_t kDefaultMaxDescriptors = 1024;
  static constexpr uint32_t kMaxMaxDescriptors = 65536;  // the largest setting

  // A table holding the standard streams 0, 1 and 2.
  FdTable();

  // Sets the per-process limit (3 to kMaxMaxDescriptors; open descriptors stay open).
  void set_max_descriptors(uint32_t n) { max_ = n; }
  uint32_t max_descriptors() const { return max_; }

  // The descriptor `fd`, or null if it is not open.
  Descriptor* get(uint32_t fd) const;
  std::shared_ptr<Descriptor> share(uint32_t fd) const;
  // Stores `d` under the lowest free number; Errno::Mfile when the table is full,
  // Errno::Nfile when guests together hold the host descriptor budget.
  Errno insert(std::shared_ptr<Descriptor> d, uint32_t& fd);
  Errno close(uint32_t fd);
  // fd_renumber: `to` (which must be open) becomes `from`, and `from` is closed.
  Errno renumber(uint32_t from, uint32_t to);
  // Number of slots (open or not).
  size_t slots() const { return table_.size(); }

 private:
  std::vector<std::shared_ptr<Descriptor>> table_;
  uint32_t max_ = kDefaultMaxDescriptors;
};

}  // namespace wippy::wasi
