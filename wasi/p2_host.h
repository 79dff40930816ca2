// Internal to wasi/: what the WASI 0.2 interface families (p2_cli.cpp, p2_io.cpp,
// p2_clocks.cpp, p2_filesystem.cpp, p2_random.cpp) share: the per-instance resource
// tables, how a function is defined for one imported interface, values of the WIT
// types several interfaces use, and suspending on a BlockingOp.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "component/error.h"
#include "component/instance.h"
#include "wasi/context.h"
#include "wasi/errno.h"
#include "wasi/p2_host_stream.h"
#include "wasi/pending.h"
#include "wasi/trace.h"

namespace wippy::wasi::p2 {

using component::CallError;
using component::HostContext;
using component::HostReply;
using component::Value;
using Args = std::vector<Value>;

// Handles of one resource kind that one instance may hold at once; beyond it the
// call traps (`more than 65536 open input-streams`), so a guest that never drops
// them cannot make the host allocate without bound.
inline constexpr size_t kMaxHandles = 65536;
// One stream read returns at most this many bytes (a short read, as WASI allows);
// check-write permits as much per write. Each byte is a component::Value on its way
// in or out, so this bounds what the host holds for one call.
inline constexpr uint64_t kMaxStreamBytes = 64 * 1024;

// A table of host resources of one kind; the representation the guest sees is the
// slot index + 1 (0 is never a handle).
template <class T>
class HandleTable {
 public:
  explicit HandleTable(const char* what) : what_(what) {}
  uint32_t add(std::shared_ptr<T> item) {
    if (live_ >= kMaxHandles) throw CallError(std::string("more than ") + std::to_string(kMaxHandles) + " open " + what_ + "s");
    live_++;
    if (!free_.empty()) {
      uint32_t i = free_.back();
      free_.pop_back();
      slots_[i] = std::move(item);
      return i + 1;
    }
    slots_.push_back(std::move(item));
    return static_cast<uint32_t>(slots_.size());
  }
  // The item behind `rep`; throws CallError (a trap) for a handle the host never made.
  const std::shared_ptr<T>& get(uint64_t rep) const {
    if (rep == 0 || rep > slots_.size() || !slots_[rep - 1]) throw CallError(std::string("unknown ") + what_ + " handle " + std::to_string(rep));
    return slots_[rep - 1];
  }
  void remove(uint32_t rep) {
    if (rep == 0 || rep > slots_.size() || !slots_[rep - 1]) return;
    slots_[rep - 1].reset();
    free_.push_back(rep - 1);
    live_--;
  }
  size_t live() const { return live_; }

 private:
  const char* what_;
  std::vector<std::shared_ptr<T>> slots_;
  std::vector<uint32_t> free_;
  size_t live_ = 0;
};

// wasi:io/streams input-stream: stdin, a file (read-via-stream) or a pipe/device, or
// a host stream (an HTTP body, a socket).
struct InputStream {
  enum class Kind { Stdin, File, Host } kind = Kind::Stdin;
  std::shared_ptr<Descriptor> file;
  std::shared_ptr<HostStream> host;  // Host
  uint64_t offset = 0;  // File (regular files: pread at it)
  bool closed = false;  // end of input seen
};

// wasi:io/streams output-stream: stdout, stderr or a file (write-via-stream,
// append-via-stream) or pipe/device, or a host stream (an HTTP body, a socket).
struct OutputStream {
  enum class Kind { Stdout, Stderr, File, Host } kind = Kind::Stdout;
  std::shared_ptr<Descriptor> file;
  std::shared_ptr<HostStream> host;  // Host
  uint64_t offset = 0;
  bool append = false;
};

// wasi:io/poll pollable: ready at once, at a monotonic-clock instant, or when a host
// descriptor is ready, or when a host object is (Host: a stream, a pending HTTP
// response).
struct Pollable {
  enum class Kind { Ready, Deadline, Readable, Writable, Host } kind = Kind::Ready;
  uint64_t deadline_ns = 0;           // Deadline: monotonic-clock instant
  int fd = -1;                        // Readable, Writable
  std::shared_ptr<Descriptor> keep;   // keeps `fd` open (null for stdin)
  std::shared_ptr<HostWaitable> host; // Host: ready when host->ready(host_write)
  bool host_write = false;
};

// wasi:io/error error: a message and, for file errors, the errno behind it; for a
// failed HTTP body stream, its wasi:http error-code (http-error-code).
struct IoError {
  std::string message;
  std::optional<Errno> code;
  std::optional<Value> http_error;
};

// wasi:filesystem/types descriptor: a file or directory with its descriptor-flags.
struct FsDescriptor {
  std::shared_ptr<Descriptor> d;
  uint32_t flags = 0;  // descriptor-flags bits (kFlagRead, ...)
};
inline constexpr uint32_t kFlagRead = 1, kFlagWrite = 2, kFlagMutateDirectory = 32;

// wasi:sockets resources (p2_sockets.h).
struct Network {};
struct TcpSocket;
struct UdpSocket;
struct DatagramStream;
struct ResolveStream;

struct DirectoryEntryStream {
  std::vector<DirEntry> entries;
  size_t next = 0;
};

struct HttpTables;  // p2_http.cpp

// Everything one instance's WASI 0.2 host functions share.
struct State {
  explicit State(WasiContext& c) : ctx(c) {}
  WasiContext& ctx;
  HandleTable<InputStream> inputs{"input-stream"};
  HandleTable<OutputStream> outputs{"output-stream"};
  HandleTable<Pollable> pollables{"pollable"};
  HandleTable<IoError> errors{"error"};
  HandleTable<FsDescriptor> descriptors{"descriptor"};
  HandleTable<DirectoryEntryStream> dir_streams{"directory-entry-stream"};
  HandleTable<Network> networks{"network"};
  HandleTable<TcpSocket> tcp_sockets{"tcp-socket"};
  HandleTable<UdpSocket> udp_sockets{"udp-socket"};
  HandleTable<DatagramStream> incoming_datagrams{"incoming-datagram-stream"};
  HandleTable<DatagramStream> outgoing_datagrams{"outgoing-datagram-stream"};
  HandleTable<ResolveStream> resolve_streams{"resolve-address-stream"};
  // Address -> the name a lookup of this instance resolved it from, so that a
  // connect to it is checked against name rules too (p2_sockets_lookup.cpp).
  std::map<std::string, std::string> resolved_names;
  std::shared_ptr<HttpTables> http;  // made by the first wasi:http call
};

// Defines the functions of one imported interface, under the exact name the
// component imports it by.
struct Iface {
  component::Linker& linker;
  std::string name;  // "wasi:io/streams@0.2.3"
  std::shared_ptr<State> st;

  std::string trace_who;  // non-empty: every call is logged at level trace (wasi/trace.h)

  using Fn = std::function<HostReply(State& st, HostContext& ctx, const Args& args)>;
  void fn(const std::string& func, Fn f) {
    component::SuspendableHostFunction host = [st = st, f = std::move(f)](HostContext& ctx, const Args& args) {
      return f(*st, ctx, args);
    };
    if (!trace_who.empty()) host = traced_p2(trace_who, name + "#" + func, std::move(host));
    linker.define_suspendable(name, func, std::move(host));
  }
  template <class T>
  void resource(const std::string& resource, HandleTable<T> State::*table) {
    linker.define_resource_drop(name, resource, [st = st, table](uint32_t rep) { ((*st).*table).remove(rep); });
  }
};

// A new pollable, ready at the monotonic-clock instant `at` (p2_io.cpp).
uint32_t subscribe_instant(State& st, uint64_t at);
// New resources for a host object (p2_io.cpp): an input-stream, an output-stream,
// and a pollable ready when `w` is ready to read (or write).
uint32_t add_host_input(State& st, std::shared_ptr<HostStream> s);
uint32_t add_host_output(State& st, std::shared_ptr<HostStream> s);
uint32_t subscribe_host(State& st, std::shared_ptr<HostWaitable> w, bool write);

// Each family defines the functions of `iface` (the interface name without package
// and version: "streams", "environment") if it is one of its own.
void define_cli(Iface& i, std::string_view iface);
void define_io(Iface& i, std::string_view iface);
void define_clocks(Iface& i, std::string_view iface);
void define_filesystem(Iface& i, std::string_view iface);
void define_random(Iface& i, std::string_view iface);
void define_sockets(Iface& i, std::string_view iface);
void define_http(Iface& i, std::string_view iface);

// --- values ---------------------------------------------------------------------------

Value bytes_value(const uint8_t* data, size_t n);
// A list<u8> argument as bytes.
std::string value_bytes(const Value& list);
// An own<T> result: the signature's resource, this representation.
inline Value own(uint32_t rep) { return Value::own(nullptr, rep); }
// The representation behind a borrow<T> or own<T> argument.
inline uint64_t rep_of(const Value& handle) { return handle.bits; }
// A host-side u64 argument or result.
inline Value u64(uint64_t v) { return Value::u64(v); }

// wasi:filesystem/types error-code for an errno (NotCapable, the sandbox refusing a
// path that leaves its mount, is `not-permitted`; a read-only mount `read-only`).
uint32_t error_code(Errno e);
// result<_, error-code>::err and friends.
inline Value fs_err(Errno e) { return Value::err(Value::enumeration(error_code(e))); }

// stream-error: closed, or last-operation-failed(error) with a new error resource.
Value stream_closed();
Value stream_failed(State& st, std::string message, std::optional<Errno> code = std::nullopt,
                    std::optional<Value> http_error = std::nullopt);

// The monotonic clock now (ns), as wasi:clocks/monotonic-clock reports it.
uint64_t monotonic_now(const WasiContext& ctx);

// Charges `bytes` of host work to the call (1 unit per 64 bytes, as preview1); false
// when the fuel limit refused it (return at once: the call traps).
bool charge_bytes(HostContext& ctx, uint64_t bytes);
// What a function returns after a refused charge (never seen: the call traps).
inline HostReply no_fuel() { return HostReply(std::vector<Value>{}); }

// Suspends the call on `op`; when it is done, `results()` (run on the guest's thread)
// gives the function's result values.
HostReply suspend_on(std::unique_ptr<BlockingOp> op, std::function<std::vector<Value>()> results);

// Whether `fd` is ready to read (or write) now, without waiting.
bool fd_ready(int fd, bool write);

}  // namespace wippy::wasi::p2
