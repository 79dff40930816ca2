// Test helpers: a temporary directory tree on the host, a snapshot of a tree (to
// assert that nothing changed), and a probe instance for calling preview1 functions
// with chosen arguments.
#pragma once

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "engine/engine.h"
#include "wasi/command.h"
#include "wasi/wasi.h"

namespace wippy::wasi::test {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "wippy-wasi-XXXXXX").string();
    std::vector<char> buf(tmpl.begin(), tmpl.end());
    buf.push_back(0);
    if (!::mkdtemp(buf.data())) throw std::runtime_error("mkdtemp failed");
    path_ = buf.data();
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  std::string str(const std::string& rel = "") const { return rel.empty() ? path_.string() : (path_ / rel).string(); }

 private:
  fs::path path_;
};

inline void write_file(const fs::path& p, const std::string& content) {
  std::ofstream(p, std::ios::binary) << content;
}
inline std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every entry under `root` (not following symlinks): kind, content or target, mtime.
inline std::map<std::string, std::string> snapshot(const fs::path& root) {
  std::map<std::string, std::string> out;
  for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator(); ++it) {
    const fs::path& p = it->path();
    struct stat st {};
    ::lstat(p.c_str(), &st);
    std::string desc = std::to_string(st.st_mode) + " " + std::to_string(st.st_mtim.tv_sec) + "." +
                       std::to_string(st.st_mtim.tv_nsec) + " nlink=" + std::to_string(st.st_nlink);
    if (S_ISLNK(st.st_mode)) desc += " -> " + fs::read_symlink(p).string();
    else if (S_ISREG(st.st_mode)) desc += " = " + read_file(p);
    out[fs::relative(p, root).string()] = desc;
  }
  return out;
}

// An instance of a guest (by default fs_probe) with its own WasiContext.
struct Probe {
  engine::Engine eng;
  WasiContext ctx;
  std::string out, err;
  engine::Linker linker;
  std::unique_ptr<engine::Instance> inst;
  uint32_t scratch = 4096;  // bump allocator for strings put into memory

  // `configure` may set args, env and the like before the functions are linked.
  explicit Probe(const std::vector<std::tuple<std::string, std::string, bool>>& mounts,
                 const std::string& guest = "fs_probe",
                 const std::function<void(WasiContext&)>& configure = {}) {
    ctx.stdout_sink = string_sink(out);
    ctx.stderr_sink = string_sink(err);
    for (const auto& [host, g, ro] : mounts) ctx.mount(host, g, ro);
    if (configure) configure(ctx);
    add_to_linker(linker, ctx);
    inst = std::make_unique<engine::Instance>(linker, eng.load_file(std::string(WIPPY_GUEST_DIR) + "/" + guest + ".wasm"));
  }
  uint32_t call(const char* name, std::vector<uint64_t> args) {
    auto ex = inst->call(name, args);
    RunOutcome o = drive(*ex);
    EXPECT_EQ(o.kind, RunOutcome::Kind::Returned) << name << ": " << o.trap.message;
    return o.results.empty() ? ~0u : static_cast<uint32_t>(o.results[0]);
  }
  uint8_t* mem() { return inst->memory(0)->data; }
  uint32_t u32(uint32_t at) {
    uint32_t v;
    std::memcpy(&v, mem() + at, 4);
    return v;
  }
  uint64_t u64(uint32_t at) {
    uint64_t v;
    std::memcpy(&v, mem() + at, 8);
    return v;
  }
  void put32(uint32_t at, uint32_t v) { std::memcpy(mem() + at, &v, 4); }
  void put64(uint32_t at, uint64_t v) { std::memcpy(mem() + at, &v, 8); }
  void put(uint32_t at, const std::string& s) { std::memcpy(mem() + at, s.data(), s.size()); }
  // Copies `s` into memory; returns its address.
  uint32_t put(const std::string& s) {
    uint32_t at = scratch;
    std::memcpy(mem() + at, s.data(), s.size());
    scratch += static_cast<uint32_t>(s.size() + 8) & ~7u;
    if (scratch > 100000) scratch = 4096;
    return at;
  }
  std::string str(uint32_t at, size_t n) { return std::string(reinterpret_cast<char*>(mem() + at), n); }

  // path_open; on success the new descriptor is at *fd_out.
  uint32_t open(uint32_t dirfd, const std::string& path, uint32_t oflags = 0, uint64_t rights = 2,
                uint32_t lookup = 1, uint32_t fdflags = 0, uint32_t* fd_out = nullptr) {
    uint32_t p = put(path);
    uint32_t e = call("path_open", {dirfd, lookup, p, path.size(), oflags, rights, ~0ull >> 2, fdflags, 64});
    if (fd_out) *fd_out = u32(64);
    return e;
  }
  uint32_t path1(const char* fn, uint32_t dirfd, const std::string& path) {
    uint32_t p = put(path);
    return call(fn, {dirfd, p, path.size()});
  }
  uint32_t path2(const char* fn, uint32_t fd1, const std::string& a, uint32_t fd2, const std::string& b) {
    uint32_t pa = put(a), pb = put(b);
    return call(fn, {fd1, pa, a.size(), fd2, pb, b.size()});
  }
};

// preview1 errno values used by the tests.
inline constexpr uint32_t kOk = 0, kEbadf = 8, kEexist = 20, kEfault = 21, kEilseq = 25, kEinval = 28,
                          kEisdir = 31, kEloop = 32, kEnametoolong = 37, kEnoent = 44, kEnotdir = 54,
                          kEnotempty = 55, kEnotsup = 58, kErofs = 69, kEspipe = 70, kEnotcapable = 76,
                          kEnosys = 52;

// A run of a C guest (preview1 command ${WIPPY_GUEST_DIR}/wasi_NAME.wasm) on `ctx`,
// with its stdout and stderr.
struct GuestRun {
  RunOutcome outcome;
  std::string out, err;
};

inline GuestRun run_guest(const std::string& name, WasiContext& ctx, std::vector<std::string> args = {}) {
  GuestRun r;
  engine::Engine eng;
  ctx.args = {name};
  ctx.args.insert(ctx.args.end(), args.begin(), args.end());
  ctx.stdout_sink = string_sink(r.out);
  ctx.stderr_sink = string_sink(r.err);
  engine::Linker linker;
  add_to_linker(linker, ctx);
  engine::Instance inst(linker, eng.load_file(std::string(WIPPY_GUEST_DIR) + "/wasi_" + name + ".wasm"));
  r.outcome = run_command(inst, 10000);
  return r;
}

}  // namespace wippy::wasi::test
