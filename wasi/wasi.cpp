// add_to_linker and the stream helpers of context.h.
#include "wasi/wasi.h"

#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "wasi/host.h"

namespace wippy::wasi {

namespace detail {

interp::FuncType sig(std::string_view params, std::string_view results) {
  auto conv = [](std::string_view s) {
    std::vector<interp::ValType> out;
    for (char c : s) {
      switch (c) {
        case 'i': out.push_back(interp::ValType::I32); break;
        case 'j': out.push_back(interp::ValType::I64); break;
        default: throw std::logic_error("wasi: bad signature character");
      }
    }
    return out;
  };
  return interp::FuncType{conv(params), conv(results)};
}

}  // namespace detail

void add_to_linker(engine::Linker& linker, WasiContext& ctx) {
  detail::add_cli(linker, ctx);
  detail::add_fd(linker, ctx);
  detail::add_clock(linker, ctx);
  detail::add_random(linker, ctx);
  detail::add_unsupported(linker);  // last: fills in whatever the groups above did not define
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
