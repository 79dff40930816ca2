// The WASI 0.2 host (p2.h) running real WASI 0.2 commands: the C guests of
// guest_fs_test.cpp wrapped with jco's preview1 command adapter, so the same program
// runs on preview1 and on WASI 0.2 and must print the same. Blocking calls suspend
// through BlockingOps (counted by drive()); escapes from the mount are refused; a
// component importing an interface of a group not enabled is refused at load; and
// `jco run` (node, the reference WASI 0.2 host) prints the same and exits the same.
#include <sys/wait.h>

#include <cstdio>

#include "component/tests/guest_util.h"
#include "wasi/p2.h"
#include "wasi/tests/fs_util.h"

namespace wippy::wasi::test {
namespace {

std::shared_ptr<const component::Component> load_component(const std::string& name) {
  return component::test::load_guest("wasi_" + name + ".component.wasm");
}

// One run of a WASI 0.2 command on `ctx`, in slices of 10,000 fuel units.
GuestRun run_p2(const std::string& name, WasiContext& ctx, std::vector<std::string> args = {}) {
  GuestRun r;
  ctx.args = {name};
  ctx.args.insert(ctx.args.end(), args.begin(), args.end());
  ctx.stdout_sink = string_sink(r.out);
  ctx.stderr_sink = string_sink(r.err);
  auto c = load_component(name);
  component::Linker linker;
  add_p2_to_linker(linker, *c, ctx);
  component::ComponentInstance inst(c, linker);
  r.outcome = run_p2_command(inst, 10000);
  return r;
}

TEST(P2Command, SmallFilesLikePreview1) {
  TempDir p1dir, p2dir;
  WasiContext p1, p2;
  p1.mount(p1dir.str(), "/data", false);
  p2.mount(p2dir.str(), "/data", false);
  GuestRun want = run_guest("small_files", p1);
  GuestRun got = run_p2("small_files", p2);
  EXPECT_EQ(got.outcome.kind, RunOutcome::Kind::Exited) << got.outcome.trap.message << got.err;
  EXPECT_EQ(got.outcome.exit_code, 0u);
  EXPECT_EQ(got.out,
            "mkdir: 0\n"
            "a.txt (12 bytes): hello\nworld\n"
            "rename: 0\n"
            "stat b.txt: 0 size=12\n"
            "/data/dir: b.txt c.txt\n"
            "unlink c.txt: 0\n"
            "rmdir non-empty: -1\n"
            "/data/dir: b.txt\n"
            "big.bin: wrote 204800, read 204800, equal=1\n");
  EXPECT_EQ(got.out, want.out);
  EXPECT_EQ(read_file(p2dir.path() / "dir" / "b.txt"), "hello\nworld\n");
  EXPECT_EQ(snapshot(p2dir.path()).size(), snapshot(p1dir.path()).size());
  // The reads of 64 KiB ran off the guest's thread (suspended).
  EXPECT_GE(got.outcome.suspensions, 3u);
}

// fs_ops.c (guest_fs_test.cpp) does not run as a WASI 0.2 command with jco's
// adapter: after its 300 KiB malloc, the adapter stops with `assertion failed at
// adapter line 2857` (its state page is overwritten) before any host call, and
// `jco run` stops at the very same assertion, so the fault is the adapter's with
// this wasi-libc, not the host's.

TEST(P2Command, ReadOnlyMountRefusesChanges) {
  TempDir ro, rw;
  write_file(ro.path() / "file.txt", "read me\n");
  fs::create_directory(ro.path() / "dir");
  write_file(rw.path() / "w.txt", "w");
  auto before = snapshot(ro.path());
  WasiContext ctx;
  ctx.mount(ro.str(), "/ro", true);
  ctx.mount(rw.str(), "/data", false);
  GuestRun r = run_p2("readonly", ctx);
  EXPECT_EQ(r.outcome.exit_code, 0u) << r.outcome.trap.message;
  EXPECT_NE(r.out.find("mkdir: Read-only file system\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("content: read me\n"), std::string::npos) << r.out;
  // Every refusal as preview1 reports it (guest_fs_test.cpp lists them).
  WasiContext p1;
  p1.mount(ro.str(), "/ro", true);
  p1.mount(rw.str(), "/data", false);
  EXPECT_EQ(r.out, run_guest("readonly", p1).out);
  EXPECT_EQ(snapshot(ro.path()), before);
}

TEST(P2Command, ArgsEnvAndExitCode) {
  WasiContext ctx;
  ctx.env = {"GREETING=hi there", "B=2", "A=1"};
  GuestRun r = run_p2("env_args", ctx, {"one", "two words", "three"});
  EXPECT_EQ(r.out,
            "argc=4\nargv[1]=one\nargv[2]=two words\nargv[3]=three\n"
            "env A=1\nenv B=2\nenv GREETING=hi there\nGREETING=hi there\n");
  // exit(3) through the adapter is wasi:cli/exit with err: code 1, as in jco and wasmtime.
  EXPECT_EQ(r.outcome.kind, RunOutcome::Kind::Exited);
  EXPECT_EQ(r.outcome.exit_code, 1u);
  WasiContext quiet;
  EXPECT_EQ(run_p2("env_args", quiet).outcome.exit_code, 0u);
}

TEST(P2Command, SleepSuspendsOnTheClock) {
  WasiContext ctx;
  GuestRun r = run_p2("sleep", ctx, {"20"});
  EXPECT_EQ(r.outcome.kind, RunOutcome::Kind::Exited) << r.outcome.trap.message;
  EXPECT_EQ(r.outcome.exit_code, 0u);
  EXPECT_EQ(r.out, "slept at least 20 ms: yes\n");
  // subscribe-duration + pollable.block (or poll): a BlockingOp, not a busy loop.
  EXPECT_GE(r.outcome.suspensions, 1u);
}

TEST(P2Command, StdinNonBlockingAndBlocking) {
  for (bool blocks : {false, true}) {
    WasiContext ctx;
    ctx.stdin_source = string_source("ab\ncd\n");
    ctx.stdin_blocks = blocks;
    GuestRun r = run_p2("stdin_upper", ctx);
    EXPECT_EQ(r.out, "AB\nCD\n") << "blocks=" << blocks;
    EXPECT_EQ(r.outcome.exit_code, 1u);  // 2 lines: exit(2), which WASI 0.2 reports as err
    // A blocking stdin is read by blocking-read, which suspends; its list<u8> result
    // is lowered (through the guest's cabi_realloc) after the suspension.
    if (blocks) EXPECT_GE(r.outcome.suspensions, 1u);
    else EXPECT_EQ(r.outcome.suspensions, 0u);
  }
}

// root/secret.txt beside the mount root/data, which holds inside.txt, sub/ and two
// symlinks out: out_abs (absolute) and out_rel (../secret.txt).
void make_escape_tree(const TempDir& root) {
  fs::create_directory(root.path() / "data");
  fs::create_directory(root.path() / "data" / "sub");
  write_file(root.path() / "secret.txt", "secret");
  write_file(root.path() / "data" / "inside.txt", "inside");
  fs::create_symlink(root.path() / "secret.txt", root.path() / "data" / "out_abs");
  fs::create_symlink("../secret.txt", root.path() / "data" / "out_rel");
}

TEST(P2Command, EscapesFromTheMountAreRefused) {
  TempDir root;
  make_escape_tree(root);
  auto before = snapshot(root.path());
  WasiContext ctx;
  ctx.mount(root.str("data"), "/data", false);
  ctx.fds.set_max_descriptors(16);  // the guest opens and closes 300 files: drops free them
  GuestRun r = run_p2("escape", ctx);
  EXPECT_EQ(r.out,
            "dotdot: refused\n"
            "dotdot deep: refused\n"
            "absolute: refused\n"
            "symlink out absolute: refused\n"
            "symlink out relative: refused\n"
            "create through dotdot: refused\n"
            "mkdir through dotdot: refused\n"
            "unlink through dotdot: refused\n"
            "rename out: refused\n"
            "stat through symlink: refused\n"
            "reopened 300 times: ok\n"
            "random: ok\n");
  EXPECT_EQ(r.err, "escaped 0 times\n");
  EXPECT_EQ(r.outcome.exit_code, 0u);
  EXPECT_EQ(snapshot(root.path()), before);
}

TEST(P2Command, EscapesAreRefusedByPreview1Too) {
  TempDir root;
  make_escape_tree(root);
  WasiContext p1, p2;
  p1.mount(root.str("data"), "/data", false);
  p2.mount(root.str("data"), "/data", false);
  EXPECT_EQ(run_p2("escape", p2).out, run_guest("escape", p1).out);
}

// --- import groups ------------------------------------------------------------------

std::string load_error(const component::Component& c, GroupMask enabled) {
  try {
    check_p2_imports(c, enabled);
  } catch (const component::LinkError& e) {
    return e.what();
  }
  return "accepted";
}

TEST(P2Groups, InterfacesMapToTheDesignGroups) {
  EXPECT_EQ(p2_group_of("wasi:cli/environment@0.2.3"), Group::Cli);
  EXPECT_EQ(p2_group_of("wasi:cli/terminal-stdout@0.2.0"), Group::Cli);
  EXPECT_EQ(p2_group_of("wasi:io/streams@0.2.0"), Group::Io);
  EXPECT_EQ(p2_group_of("wasi:io/error@0.2.0"), Group::Io);
  EXPECT_EQ(p2_group_of("wasi:io/poll@0.2.0"), Group::Poll);
  EXPECT_EQ(p2_group_of("wasi:clocks/monotonic-clock@0.2.1"), Group::Clocks);
  EXPECT_EQ(p2_group_of("wasi:filesystem/preopens"), Group::Filesystem);
  EXPECT_EQ(p2_group_of("wasi:random/insecure-seed@0.2.0"), Group::Random);
  EXPECT_EQ(p2_group_of("wasi:sockets/tcp@0.2.0"), Group::Sockets);
  EXPECT_EQ(p2_group_of("wasi:sockets/ip-name-lookup@0.2.3"), Group::Sockets);
  EXPECT_EQ(p2_group_of("wasi:sockets/udp@0.2.0"), Group::Sockets);
  EXPECT_EQ(p2_group_of("wasi:sockets/udp-create-socket@0.2.0"), Group::Sockets);
}

TEST(P2Groups, ImportOfADisabledGroupIsRefusedAtLoad) {
  auto c = load_component("sleep");
  EXPECT_EQ(load_error(*c, kAllGroups), "accepted");
  EXPECT_EQ(load_error(*c, kAllGroups & ~group_bit(Group::Filesystem)),
            "import wasi:filesystem/types@0.2.12 needs the import group wasi:filesystem");
  EXPECT_EQ(load_error(*c, kAllGroups & ~group_bit(Group::Poll)),
            "import wasi:io/poll@0.2.12 needs the import group wasi:poll");
  // add_p2_to_linker checks first: nothing is defined for a refused component.
  WasiContext ctx;
  component::Linker linker;
  EXPECT_THROW(add_p2_to_linker(linker, *c, ctx, group_bit(Group::Cli)), component::LinkError);
}

TEST(P2Groups, UnknownInterfaceAndOtherVersionsAreRefused) {
  component::Component c;
  c.imports.push_back({"wasi:http/incoming-handler@0.2.0", {}});
  EXPECT_EQ(load_error(c, kAllGroups),
            "import wasi:http/incoming-handler@0.2.0: no import group of this host provides this interface");
  c.imports[0].name = "wasi:http/outgoing-handler@0.2.0";
  EXPECT_EQ(load_error(c, kAllGroups & ~group_bit(Group::Http)),
            "import wasi:http/outgoing-handler@0.2.0 needs the import group wasi:http");
  c.imports[0].name = "wasi:cli/environment@0.3.0";
  EXPECT_EQ(load_error(c, kAllGroups), "import wasi:cli/environment@0.3.0: only WASI 0.2.x interfaces are supported");
  c.imports[0].name = "wasi:cli/environment@0.2.99";
  EXPECT_EQ(load_error(c, kAllGroups), "accepted");
  c.imports[0].name = "test:types/host";  // not WASI: left to whoever links it
  EXPECT_EQ(load_error(c, 0), "accepted");
}

// --- the reference: jco run (node's WASI 0.2 shim) ------------------------------------

struct Shell {
  std::string out;
  int exit_code = -1;
};

// Runs `cmd` with `input` on stdin (through a file), capturing stdout.
Shell shell(const std::string& cmd, const std::string& input) {
  TempDir tmp;
  write_file(tmp.path() / "in", input);
  std::string full = cmd + " < " + tmp.str("in") + " 2>/dev/null";
  Shell r;
  FILE* p = ::popen(full.c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return r;
}

TEST(P2Reference, SameStdoutAndExitCodeAsJcoRun) {
  std::string jco = std::string(WIPPY_NODE) + " " + WIPPY_JCO + " run ";
  std::string input = "one\ntwo\nthree\n";
  Shell ref = shell(jco + std::string(WIPPY_GUEST_DIR) + "/wasi_stdin_upper.component.wasm", input);
  WasiContext ctx;
  ctx.stdin_source = string_source(input);
  GuestRun ours = run_p2("stdin_upper", ctx);
  EXPECT_EQ(ref.out, "ONE\nTWO\nTHREE\n");
  EXPECT_EQ(ours.out, ref.out);
  EXPECT_EQ(ref.exit_code, 1);
  EXPECT_EQ(static_cast<int>(ours.outcome.exit_code), ref.exit_code);

  Shell sleep_ref = shell(jco + std::string(WIPPY_GUEST_DIR) + "/wasi_sleep.component.wasm 5", "");
  WasiContext sctx;
  GuestRun sleep_ours = run_p2("sleep", sctx, {"5"});
  EXPECT_EQ(sleep_ours.out, sleep_ref.out);
  EXPECT_EQ(static_cast<int>(sleep_ours.outcome.exit_code), sleep_ref.exit_code);
}


// --- hostile calls, straight into the host functions ------------------------------------

class P2Hostile : public ::testing::Test {
 protected:
  void SetUp() override {
    // escape imports wasi:random, sleep wasi:io/poll; both streams, stdio, files.
    for (const char* name : {"escape", "sleep"}) {
      components_.push_back(load_component(name));
      add_p2_to_linker(linker_, *components_.back(), ctx_);
      for (const component::ImportDef& imp : components_.back()->imports) names_[imp.name.substr(0, imp.name.find('@'))] = imp.name;
    }
  }
  // Calls `iface#func` as the guest would; a CallError is the trap the guest gets.
  component::HostReply call(const std::string& iface, const std::string& func, std::vector<component::Value> args,
                            engine::HostCall* hc = nullptr) {
    const component::SuspendableHostFunction* f = linker_.find(names_.at(iface), func);
    if (!f) throw std::runtime_error("no " + iface + "#" + func);
    component::HostContext ctx{hc};
    return (*f)(ctx, args);
  }
  std::string trap_of(const std::string& iface, const std::string& func, std::vector<component::Value> args) {
    try {
      call(iface, func, std::move(args));
    } catch (const component::CallError& e) {
      return e.what();
    }
    return "no trap";
  }

  WasiContext ctx_;
  std::vector<std::shared_ptr<const component::Component>> components_;
  component::Linker linker_;
  std::map<std::string, std::string> names_;
};

using V = component::Value;

TEST_F(P2Hostile, InventedHandlesTrapNamingTheResource) {
  EXPECT_EQ(trap_of("wasi:io/streams", "[method]input-stream.read", {V::borrow(nullptr, 999), V::u64(10)}),
            "unknown input-stream handle 999");
  EXPECT_EQ(trap_of("wasi:io/poll", "[method]pollable.block", {V::borrow(nullptr, 0)}), "unknown pollable handle 0");
  EXPECT_EQ(trap_of("wasi:filesystem/types", "[method]descriptor.stat", {V::borrow(nullptr, 7)}), "unknown descriptor handle 7");
}

TEST_F(P2Hostile, OversizedRequestsAreRefusedWithoutAllocating) {
  EXPECT_EQ(trap_of("wasi:random/random", "get-random-bytes", {V::u64(uint64_t{1} << 40)}),
            "get-random-bytes of 1099511627776 bytes (at most 1048576)");
  EXPECT_EQ(trap_of("wasi:io/poll", "poll", {V::list({})}), "poll of an empty list");
  component::HostReply out = call("wasi:cli/stdout", "get-stdout", {});
  V stream = V::borrow(nullptr, static_cast<uint32_t>(out.values.at(0).bits));
  component::HostReply z = call("wasi:io/streams", "[method]output-stream.write-zeroes", {stream, V::u64(uint64_t{1} << 40)});
  ASSERT_EQ(z.values.size(), 1u);
  EXPECT_EQ(z.values[0].case_index(), 1u);  // err(last-operation-failed(error))
  // A read asks for at most 64 KiB, whatever the guest asks.
  ctx_.stdin_source = string_source(std::string(100000, 'x'));
  component::HostReply in = call("wasi:cli/stdin", "get-stdin", {});
  component::HostReply r = call("wasi:io/streams", "[method]input-stream.read",
                                {V::borrow(nullptr, static_cast<uint32_t>(in.values.at(0).bits)), V::u64(UINT64_MAX)});
  ASSERT_EQ(r.values.at(0).case_index(), 0u);
  EXPECT_EQ(r.values[0].payload()->items.size(), 65536u);
}

TEST_F(P2Hostile, BytesAreChargedAsPreview1Charges) {
  engine::HostCall hc;
  hc.fuel_allowed = 100;
  component::HostReply r = call("wasi:random/random", "get-random-bytes", {V::u64(64 * 100)}, &hc);
  EXPECT_EQ(hc.fuel_charged, 100u);  // 1 unit per 64 bytes
  EXPECT_EQ(r.values.at(0).items.size(), 6400u);
  engine::HostCall poor;
  poor.fuel_allowed = 10;
  call("wasi:random/random", "get-random-bytes", {V::u64(64 * 100)}, &poor);
  EXPECT_TRUE(poor.refused_fuel);  // the call traps with `fuel exhausted`; nothing was generated
}

}  // namespace
}  // namespace wippy::wasi::test
