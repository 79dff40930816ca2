// The state a wasi_snapshot_preview1 command sees: its arguments, environment,
// standard streams, clocks, randomness, and the exit code it asked for.
//
// One WasiContext belongs to one running instance; the host functions registered by
// add_to_linker() keep a reference to it, so it must outlive every instance that was
// linked against it.
#pragma once

#include <cstdint>
#include <cstdio>
#include <chrono>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "engine/host.h"
#include "wasi/fd_table.h"
#include "wasi/net_policy.h"

namespace wippy::wasi {

// Receives bytes the guest writes to a standard stream. Returns false on an I/O
// error (the guest then sees EIO).
using OutputSink = std::function<bool(std::string_view bytes)>;
// Fills `buf` with up to buf.size() bytes of input. Returns the number of bytes read
// (0 = end of input) or -1 on an I/O error.
using InputSource = std::function<int64_t(std::span<uint8_t> buf)>;
// Returns the time of a clock in nanoseconds, or nullopt if the clock is not supported.
using ClockFn = std::function<std::optional<uint64_t>(uint32_t clock_id)>;
// Fills `buf` with random bytes. Returns false on failure.
using RandomFn = std::function<bool(std::span<uint8_t> buf)>;

// A sink on a C stream (fwrite, flushed after every write) and a source reading the
// stream's file descriptor (one read(2) per call).
OutputSink file_sink(std::FILE* file);
InputSource file_source(std::FILE* file);
// A sink that appends to a string (tests, capture).
OutputSink string_sink(std::string& out);
// A source that reads a fixed string once, then reports end of input.
InputSource string_source(std::string data);

// A sink that collects whole lines and hands each to `line` with `prefix` in front
// (a host's log). A partial last line is flushed when the sink is destroyed; a line
// longer than kMaxLineBytes (output with no newline) is handed on in pieces of
// kMaxLineBytes.
inline constexpr size_t kMaxLineBytes = 64 * 1024;
OutputSink line_sink(std::string prefix, std::function<void(std::string_view line)> line);

struct WasiContext {
  WasiContext() = default;
  WasiContext(const WasiContext&) = delete;
  WasiContext& operator=(const WasiContext&) = delete;

  std::vector<std::string> args;  // argv, args[0] is the program name
  // Who WIPPY_LOG=trace lines name for this guest (empty: args[0]); read by add_to_linker.
  std::string trace_name;
  std::vector<std::string> env;   // "NAME=value" entries

  OutputSink stdout_sink = file_sink(stdout);
  OutputSink stderr_sink = file_sink(stderr);
  InputSource stdin_source;  // empty: stdin is at end of input
  // True when stdin_source may block (a terminal or a pipe): fd_read on stdin then
  // suspends and the read runs off the guest's thread. `stdin_fd` (if >= 0) is the
  // host descriptor poll_oneoff waits on for stdin readiness.
  bool stdin_blocks = false;
  int stdin_fd = -1;

  // File reads and writes of at least this many bytes suspend and run off the
  // guest's thread (smaller ones are done at once: cheaper than a thread hop).
  size_t io_suspend_threshold = 64 * 1024;

  // The descriptor table: 0-2 are the standard streams, then the preopened mounts.
  FdTable fds;

  // Preopens host directory `host_dir` (opened once, O_PATH | O_DIRECTORY) as the
  // guest's absolute path `guest`, read-only or not, as the next descriptor (3, 4,
  // ...). Throws std::runtime_error if the directory cannot be opened or `guest` is
  // not an absolute path.
  void mount(const std::string& host_dir, const std::string& guest, bool read_only);

  // Makes relative paths resolve against the guest directory `guest_cwd` (absolute):
  // preopens the directory it names inside the mount that covers it as ".", which
  // wasi-libc matches for every relative path (longer mount prefixes still win for
  // absolute ones). Call after the mounts. Without a covering mount nothing is
  // preopened (there is nothing to open there). Throws std::runtime_error when the
  // directory cannot be opened beneath its mount.
  void set_cwd(const std::string& guest_cwd);

  // Bytes by which the guest may grow files on its mounts, all files together: what
  // fd_write / fd_pwrite write past a file's end (a write that would pass the
  // quota is cut short, then gives ENOSPC) and what fd_filestat_set_size adds
  // (ENOSPC if it does not fit). Overwriting costs nothing; truncating or deleting
  // gives nothing back. 0: no limit.
  static constexpr uint64_t kDefaultMaxWriteBytes = uint64_t{1} << 30;
  uint64_t max_write_bytes = kDefaultMaxWriteBytes;
  uint64_t written_bytes = 0;  // counted so far

  // Where the guest may connect and listen (wasi.network); empty: nowhere. A refused
  // destination gets the interface's access-denied error and one `warn` line
  // naming `entry` (network_denial()).
  NetworkPolicy network;
  std::string entry = "wasm";
  std::function<void(std::string_view line)> warn = [](std::string_view line) {
    std::fprintf(stderr, "%.*s\n", static_cast<int>(line.size()), line.data());
  };

  ClockFn clock;       // empty: the host's clocks (clock_gettime)
  RandomFn random;     // empty: getrandom(2)
  // The steady clock that sleeps' deadlines (BlockingOp::deadline) are taken on;
  // empty: std::chrono::steady_clock. A driver with virtual time sets both this and
  // `clock` (monotonic) to it.
  std::function<std::chrono::steady_clock::time_point()> steady_now;
  std::chrono::steady_clock::time_point now() const {
    return steady_now ? steady_now() : std::chrono::steady_clock::now();
  }

  // Set by proc_exit; the embedder reads it after the run ended.
  std::optional<uint32_t> exit_code;
};

// What proc_exit suspends with: the embedder sees RunStatus::Suspended with this
// pending operation and ends the run with `code` (the execution is not resumed).
struct ExitRequest : engine::HostPending {
  explicit ExitRequest(uint32_t c) : code(c) {}
  uint32_t code;
};

}  // namespace wippy::wasi
