// Helpers the WASI 0.2 interface families share (p2_host.h).
#include <poll.h>

#include "wasi/host.h"
#include "wasi/p2_host.h"

namespace wippy::wasi::p2 {

Value bytes_value(const uint8_t* data, size_t n) {
  std::vector<Value> items;
  items.reserve(n);
  for (size_t i = 0; i < n; i++) items.push_back(Value::u8(data[i]));
  return Value::list(std::move(items));
}

std::string value_bytes(const Value& list) {
  std::string out;
  out.reserve(list.items.size());
  for (const Value& b : list.items) out.push_back(static_cast<char>(b.bits));
  return out;
}

// wasi:filesystem/types error-code cases, in WIT order.
namespace code {
enum : uint32_t {
  Access, WouldBlock, Already, BadDescriptor, Busy, Deadlock, Quota, Exist, FileTooLarge, IllegalByteSequence,
  InProgress, Interrupted, Invalid, Io, IsDirectory, Loop, TooManyLinks, MessageSize, NameTooLong, NoDevice,
  NoEntry, NoLock, InsufficientMemory, InsufficientSpace, NotDirectory, NotEmpty, NotRecoverable, Unsupported,
  NoTty, NoSuchDevice, Overflow, NotPermitted, Pipe, ReadOnly, InvalidSeek, TextFileBusy, CrossDevice,
};
}  // namespace code

uint32_t error_code(Errno e) {
  switch (e) {
    case Errno::Acces: return code::Access;
    case Errno::Again: return code::WouldBlock;
    case Errno::Already: return code::Already;
    case Errno::Badf: return code::BadDescriptor;
    case Errno::Busy: return code::Busy;
    case Errno::Deadlk: return code::Deadlock;
    case Errno::Dquot: return code::Quota;
    case Errno::Exist: return code::Exist;
    case Errno::Fbig: return code::FileTooLarge;
    case Errno::Ilseq: return code::IllegalByteSequence;
    case Errno::InProgress: return code::InProgress;
    case Errno::Intr: return code::Interrupted;
    case Errno::Inval: return code::Invalid;
    case Errno::IsDir: return code::IsDirectory;
    case Errno::Loop: return code::Loop;
    case Errno::Mlink: return code::TooManyLinks;
    case Errno::MsgSize: return code::MessageSize;
    case Errno::NameTooLong: return code::NameTooLong;
    case Errno::NoDev: return code::NoDevice;
    case Errno::NoEnt: return code::NoEntry;
    case Errno::NoLck: return code::NoLock;
    case Errno::NoMem: case Errno::Mfile: case Errno::Nfile: return code::InsufficientMemory;
    case Errno::NoSpc: return code::InsufficientSpace;
    case Errno::NotDir: return code::NotDirectory;
    case Errno::NotEmpty: return code::NotEmpty;
    case Errno::NotRecoverable: return code::NotRecoverable;
    case Errno::NotSup: case Errno::NoSys: return code::Unsupported;
    case Errno::NoTty: return code::NoTty;
    case Errno::Nxio: return code::NoSuchDevice;
    case Errno::Overflow: return code::Overflow;
    case Errno::Perm: case Errno::NotCapable: return code::NotPermitted;
    case Errno::Pipe: return code::Pipe;
    case Errno::Rofs: return code::ReadOnly;
    case Errno::Spipe: return code::InvalidSeek;
    case Errno::TxtBsy: return code::TextFileBusy;
    case Errno::Xdev: return code::CrossDevice;
    default: return code::Io;
  }
}

Value stream_closed() { return Value::variant(1); }

Value stream_failed(State& st, std::string message, std::optional<Errno> code, std::optional<Value> http_error) {
  auto e = std::make_shared<IoError>();
  e->message = std::move(message);
  e->code = code;
  e->http_error = std::move(http_error);
  return Value::variant(0, own(st.errors.add(std::move(e))));
}

uint64_t monotonic_now(const WasiContext& ctx) {
  uint64_t ns = 0;
  detail::clock_now(ctx, 1, ns);
  return ns;
}

bool charge_bytes(HostContext& ctx, uint64_t bytes) { return ctx.charge(detail::fuel_for_bytes(bytes)); }

HostReply suspend_on(std::unique_ptr<BlockingOp> op, std::function<std::vector<Value>()> results) {
  // std::function needs a copyable callable: the op travels in a shared holder and
  // is taken out exactly once, when the core call suspends.
  auto holder = std::make_shared<std::unique_ptr<BlockingOp>>(std::move(op));
  return HostReply::suspended(
      [holder, results = std::move(results)](component::LowerResults lower) -> std::unique_ptr<engine::HostPending> {
        std::unique_ptr<BlockingOp> taken = std::move(*holder);
        taken->finish = [results, lower = std::move(lower)] { return lower(results()); };
        return taken;
      });
}

bool fd_ready(int fd, bool write) {
  pollfd p{fd, static_cast<short>(write ? POLLOUT : POLLIN), 0};
  return ::poll(&p, 1, 0) > 0;
}

}  // namespace wippy::wasi::p2
