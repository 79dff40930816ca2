// add_to_linker and the stream helpers of context.h.
#include "wasi/wasi.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "log/log.h"
#include "wasi/host.h"
#include "wasi/sandbox.h"

namespace wippy::wasi {

namespace detail {

engine::FuncType sig(std::string_view params, std::string_view results) {
  auto conv = [](std::string_view s) {
    std::vector<engine::ValType> out;
    for (char c : s) {
      switch (c) {
        case 'i': out.push_back(engine::ValType::I32); break;
        case 'j': out.push_back(engine::ValType::I64); break;
        default: throw std::logic_error("wasi: bad signature character");
      }
    }
    return out;
  };
  return engine::FuncType{conv(params), conv(results)};
}

bool Definer::wanted(std::string_view name) const {
  const Preview1Func* f = find_preview1(name);
  if (!f) throw std::logic_error("wasi: not a preview1 function: " + std::string(name));
  return (f->groups & enabled) != 0;
}

}  // namespace detail

void add_to_linker(engine::Linker& linker, WasiContext& ctx, GroupMask enabled) {
  detail::Definer d{linker, enabled, trace_who(ctx)};
  detail::add_cli(d, ctx);
  detail::add_fs_fd(d, ctx);
  detail::add_fs_path(d, ctx);
  detail::add_poll(d, ctx);
  detail::add_sock(d, ctx);
  detail::add_clock(d, ctx);
  detail::add_random(d, ctx);
  for (const Preview1Func& f : preview1_functions()) {
    if ((f.groups & enabled) && !linker.has(kModuleName, std::string(f.name)))
      throw std::logic_error("wasi: preview1 function not defined: " + std::string(f.name));
  }
}

void WasiContext::mount(const std::string& host_dir, const std::string& guest, bool read_only) {
  if (guest.empty() || guest[0] != '/')
    throw std::runtime_error("wasi mount: guest path must be absolute: " + guest);
  int fd = ::open(host_dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    throw std::runtime_error("wasi mount: cannot open directory " + host_dir + ": " + std::strerror(errno));
  auto d = std::make_shared<Descriptor>();
  d->kind = Descriptor::Kind::Directory;
  d->host = std::make_shared<HostFd>(fd);
  d->filetype = Filetype::Directory;
  d->rights_base = rights::kDirectory;
  d->rights_inheriting = rights::All;
  d->read_only = read_only;
  d->preopen = guest;
  uint32_t num;
  if (fds.insert(std::move(d), num) != Errno::Success) throw std::runtime_error("wasi mount: too many descriptors");
}

void WasiContext::set_cwd(const std::string& guest_cwd) {
  // The mount with the longest guest path that is guest_cwd or one of its parents.
  std::shared_ptr<Descriptor> mount;
  std::string rest;
  for (uint32_t n = 0; n < fds.slots(); ++n) {
    std::shared_ptr<Descriptor> d = fds.share(n);
    if (!d || d->preopen.empty() || d->preopen[0] != '/') continue;
    const std::string& p = d->preopen;
    bool covers = p == "/" || guest_cwd == p || (guest_cwd.starts_with(p) && guest_cwd[p.size()] == '/');
    if (!covers || (mount && mount->preopen.size() >= p.size())) continue;
    mount = d;
    rest = guest_cwd.substr(p == "/" ? 1 : p.size());
  }
  if (!mount) return;
  while (!rest.empty() && rest[0] == '/') rest.erase(0, 1);
  int fd = -1;
  Errno e = sandbox::open_beneath(mount->fd(), rest.empty() ? "." : rest, O_PATH | O_DIRECTORY, 0, true, fd);
  if (e != Errno::Success) {
    const std::string& m = mount->preopen;
    std::string why = e == Errno::NotCapable ? "it leads out of the mount " + m
                      : e == Errno::NoEnt    ? "no such directory inside the mount " + m
                      : e == Errno::NotDir   ? "not a directory inside the mount " + m
                                             : "cannot open it inside the mount " + m + " (wasi errno " +
                                                 std::to_string(static_cast<int>(e)) + ")";
    throw std::runtime_error("wasi cwd " + guest_cwd + ": " + why);
  }
  auto d = std::make_shared<Descriptor>();
  d->kind = Descriptor::Kind::Directory;
  d->host = std::make_shared<HostFd>(fd);
  d->filetype = Filetype::Directory;
  d->rights_base = mount->rights_base;
  d->rights_inheriting = mount->rights_inheriting;
  d->read_only = mount->read_only;
  d->preopen.assign(1, '.');  // assign(count, char): GCC 12 warns falsely (-Wrestrict) on = "."
  uint32_t num;
  if (fds.insert(std::move(d), num) != Errno::Success) throw std::runtime_error("wasi cwd: too many descriptors");
}

OutputSink line_sink(std::string prefix, std::function<void(std::string_view)> line) {
  struct State {
    std::string prefix;
    std::function<void(std::string_view)> line;
    std::string partial;  // at most kMaxLineBytes
    void emit(std::string_view rest) {
      std::string out = prefix;
      out += partial;
      out += rest;
      partial.clear();
      line(out);
    }
    ~State() {
      if (!partial.empty()) emit({});
    }
  };
  auto st = std::make_shared<State>(State{std::move(prefix), std::move(line), {}});
  // Only the new bytes are scanned, and a line is cut at kMaxLineBytes: linear time and
  // bounded memory whatever the guest writes.
  return [st](std::string_view bytes) {
    for (size_t nl; (nl = bytes.find('\n')) != std::string_view::npos; bytes.remove_prefix(nl + 1)) {
      std::string_view head = bytes.substr(0, nl);
      while (st->partial.size() + head.size() > kMaxLineBytes) {  // an over-long line: in pieces
        size_t k = kMaxLineBytes - st->partial.size();
        st->emit(head.substr(0, k));
        head.remove_prefix(k);
      }
      st->emit(head);
    }
    while (st->partial.size() + bytes.size() > kMaxLineBytes) {
      size_t k = kMaxLineBytes - st->partial.size();
      st->emit(bytes.substr(0, k));
      bytes.remove_prefix(k);
    }
    st->partial.append(bytes);
    return true;
  };
}

OutputSink file_sink(std::FILE* file) {
  // Flushed at once: the guest's libc already buffers, and a long-running command's
  // output should appear when it writes it.
  return [file](std::string_view bytes) {
    if (bytes.empty()) return true;
    return std::fwrite(bytes.data(), 1, bytes.size(), file) == bytes.size() && std::fflush(file) == 0;
  };
}

InputSource file_source(std::FILE* file) {
  // One read(2) per call, so that interactive input returns what is available
  // instead of waiting for a full buffer.
  int fd = fileno(file);
  return [fd](std::span<uint8_t> buf) -> int64_t {
    if (buf.empty()) return 0;
    for (;;) {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      if (n >= 0) return n;
      if (errno != EINTR) return -1;
    }
  };
}

OutputSink string_sink(std::string& out) {
  return [&out](std::string_view bytes) {
    out.append(bytes);
    return true;
  };
}

InputSource string_source(std::string data) {
  auto pos = std::make_shared<size_t>(0);
  return [data = std::move(data), pos](std::span<uint8_t> buf) -> int64_t {
    size_t n = std::min(buf.size(), data.size() - *pos);
    std::copy_n(data.data() + *pos, n, buf.data());
    *pos += n;
    return static_cast<int64_t>(n);
  };
}

}  // namespace wippy::wasi
