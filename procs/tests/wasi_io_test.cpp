// WASI reads that may wait for ever (stdin, FIFOs) on the process host (issue 10):
// they wait on the event loop, so they hold neither a worker nor an I/O pool thread,
// and a process that ends while waiting leaves nothing behind.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>

#include "procs/io_pool.h"
#include "procs/tests/test_util.h"
#include "wasi/tests/fs_util.h"  // TempDir
#include "wasi/wasi.h"

namespace wippy::procs::test {
namespace {

using wasi::test::TempDir;

// Generous: everything below happens at once; the guard only turns a hang into a failure.
constexpr auto kGuard = 20000ms;

engine::ModulePtr c_guest(const std::string& name) {
  static engine::Engine engine;
  return engine.load_file(std::string(WIPPY_GUEST_DIR) + "/wasi_" + name + ".wasm");
}

// A WASI command process: `setup` fills its context; its stdout goes to `out`.
std::unique_ptr<Process> command(const std::string& guest, std::vector<std::string> args,
                                 std::function<void(wasi::WasiContext&)> setup, std::shared_ptr<std::string> out,
                                 Counter* started = nullptr) {
  WasmProcessConfig cfg;
  cfg.module = c_guest(guest);
  cfg.method = "_start";
  cfg.slice = 1'000'000'000;  // one slice runs to the first suspension
  cfg.imports = [args = std::move(args), setup = std::move(setup), out, started](WasmImports& im, ProcessContext&) {
    auto ctx = std::make_shared<wasi::WasiContext>();
    ctx->args = args;
    ctx->stdout_sink = wasi::string_sink(*out);
    if (setup) setup(*ctx);
    wasi::add_to_linker(im.linker, *ctx);
    im.keep_alive.push_back(ctx);
    if (started) started->add();  // during the first step, which runs on to the first suspension
  };
  return std::make_unique<WasmProcess>(std::move(cfg));
}

// stdin from the read end of a pipe, as the terminal host connects it.
std::function<void(wasi::WasiContext&)> pipe_stdin(int fd) {
  return [fd](wasi::WasiContext& ctx) {
    ctx.stdin_source = [fd](std::span<uint8_t> buf) -> int64_t {
      ssize_t n = ::read(fd, buf.data(), buf.size());
      return n < 0 ? -1 : n;
    };
    ctx.stdin_blocks = true;
    ctx.stdin_fd = fd;
  };
}

System& one_worker(System& sys) {
  HostOptions o;
  o.name = "wasm";
  o.workers = 1;
  sys.add_host(o);
  return sys;
}

TEST(WasiIoOnProcs, StdinReadsOfEndedProcessesHoldNoThread) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  {
    System sys;
    one_worker(sys);
    // More readers than the I/O pool has threads, each terminated while its read of
    // stdin (no input yet) is pending.
    ExitCollector readers;
    Counter started;
    for (int i = 0; i < IoPool::kThreads + 2; i++) {
      auto out = std::make_shared<std::string>();
      SpawnResult r = sys.spawn_process("wasm", command("stdin_upper", {"upper"}, pipe_stdin(p[0]), out, &started),
                                        readers.options());
      ASSERT_TRUE(r) << r.error;
      ASSERT_TRUE(started.wait_for(i + 1, kGuard));
      sys.terminate(r.pid);  // takes effect when the step that reaches the read ends
      ASSERT_TRUE(readers.wait_for(i + 1, kGuard));
    }
    for (const Event& e : readers.events()) EXPECT_TRUE(e.error) << "terminated";

    // The pool still serves: a process with large file reads and writes completes.
    TempDir dir;
    auto out = std::make_shared<std::string>();
    ExitCollector c;
    ASSERT_TRUE(sys.spawn_process(
        "wasm", command("fs_ops", {"fs_ops"}, [&](wasi::WasiContext& ctx) { ctx.mount(dir.str(), "/data", false); }, out),
        c.options()));
    bool done = c.wait_for(1, kGuard);
    if (!done) {  // release the pool threads a broken host left reading, then fail
      (void)!::write(p[1], "release\n", 8);
      ::close(p[1]);
      p[1] = -1;
    }
    ASSERT_TRUE(done) << "the I/O pool is held by reads of processes that ended";
    EXPECT_FALSE(c.only().error) << *c.only().error;
    EXPECT_NE(out->find("failures: 0"), std::string::npos) << *out;
  }
  // No ended process took input meant for whoever reads next.
  ASSERT_EQ(::write(p[1], "abc", 3), 3);
  char buf[8] = {};
  ASSERT_EQ(::read(p[0], buf, sizeof buf), 3);
  EXPECT_EQ(std::string(buf, 3), "abc");
  ::close(p[0]);
  ::close(p[1]);
}

TEST(WasiIoOnProcs, StdinPipeDeliversInputAndEndOfInput) {
  int p[2];
  ASSERT_EQ(::pipe(p), 0);
  System sys;
  one_worker(sys);
  ExitCollector c;
  Counter started;
  auto out = std::make_shared<std::string>();
  ASSERT_TRUE(sys.spawn_process("wasm", command("stdin_upper", {"upper"}, pipe_stdin(p[0]), out, &started),
                                c.options()));
  ASSERT_TRUE(started.wait_for(1, kGuard));
  ASSERT_EQ(::write(p[1], "hi\nthere", 8), 8);
  ::close(p[1]);
  ASSERT_TRUE(c.wait_for(1, kGuard));
  Event e = c.only();
  ASSERT_TRUE(e.error);
  EXPECT_EQ(*e.error, "exit code 1") << "one line";
  EXPECT_EQ(*out, "HI\nTHERE");
  ::close(p[0]);
}

TEST(WasiIoOnProcs, FifoReadersDoNotHoldTheWorker) {
  TempDir dir;
  for (const char* n : {"a", "b", "lonely"}) ASSERT_EQ(::mkfifo(dir.str(n).c_str(), 0600), 0);
  // Writers that write nothing yet: reads of a and b have to wait. "lonely" has none.
  int wa = ::open(dir.str("a").c_str(), O_RDWR | O_NONBLOCK);
  int wb = ::open(dir.str("b").c_str(), O_RDWR | O_NONBLOCK);
  ASSERT_GE(wa, 0);
  ASSERT_GE(wb, 0);
  auto mount = [&](wasi::WasiContext& ctx) { ctx.mount(dir.str(), "/d", false); };
  System sys;
  one_worker(sys);
  ExitCollector readers, lonely, other;
  std::shared_ptr<std::string> out_a = std::make_shared<std::string>(), out_b = std::make_shared<std::string>(),
                               out_l = std::make_shared<std::string>(), out_o = std::make_shared<std::string>();
  ASSERT_TRUE(sys.spawn_process("wasm", command("fifo_read", {"fifo_read", "/d/a"}, mount, out_a), readers.options()));
  ASSERT_TRUE(sys.spawn_process("wasm", command("fifo_read", {"fifo_read", "/d/b"}, mount, out_b), readers.options()));
  ASSERT_TRUE(
      sys.spawn_process("wasm", command("fifo_read", {"fifo_read", "/d/lonely"}, mount, out_l), lonely.options()));
  // One worker, and two processes waiting for FIFO data: others still run.
  ASSERT_TRUE(sys.spawn_process("wasm", command("stdin_upper", {"upper"}, {}, out_o), other.options()));
  bool ran = other.wait_for(1, kGuard) && lonely.wait_for(1, kGuard);
  if (!ran) {  // release a worker a broken host left blocked, then fail
    ::close(::open(dir.str("lonely").c_str(), O_WRONLY | O_NONBLOCK));
    (void)!::write(wa, "x", 1);
    (void)!::write(wb, "x", 1);
  }
  ASSERT_TRUE(ran) << "a FIFO open or read holds the only worker";
  EXPECT_FALSE(other.only().error);
  EXPECT_FALSE(lonely.only().error) << *lonely.only().error;
  EXPECT_EQ(*out_l, "\nread 0 bytes\n") << "a FIFO with no writer reads as end of file";
  EXPECT_EQ(readers.size(), 0u);

  ASSERT_EQ(::write(wa, "one", 3), 3);
  ASSERT_EQ(::write(wb, "two", 3), 3);
  ::close(wa);
  ::close(wb);
  ASSERT_TRUE(readers.wait_for(2, kGuard));
  for (const Event& e : readers.events()) EXPECT_FALSE(e.error) << *e.error;
  EXPECT_EQ(*out_a, "one\nread 3 bytes\n");
  EXPECT_EQ(*out_b, "two\nread 3 bytes\n");
}

}  // namespace
}  // namespace wippy::procs::test
