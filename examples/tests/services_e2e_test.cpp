// End to end: process.service under `wippy run`: the auto_start services boot in
// dependency order before the command, a failing one is restarted with backoff, a
// required one that cannot start fails the run, they stop in reverse order after the
// command, and SIGINT/SIGTERM to wippy run the same orderly stop.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/subprocess.h"

namespace fs = std::filesystem;

namespace {

class Project {
 public:
  Project() {
    char tmpl[] = "/tmp/wippy-services-XXXXXX";
    dir_ = mkdtemp(tmpl);
    write("wippy.lock", "directories: {src: ./src}\n");
  }
  ~Project() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((dir_ / rel).parent_path());
    std::ofstream(dir_ / rel) << text;
  }
  wippy::test::ProcessResult run(const std::vector<std::string>& args) const {
    std::vector<std::string> argv{WIPPY_CLI};
    argv.insert(argv.end(), args.begin(), args.end());
    return wippy::test::run_process(argv, "/dev/null", dir_.string());
  }
  const fs::path& dir() const { return dir_; }

 private:
  fs::path dir_;
};

// A database service that answers "get" by name, an api service that requires it, a
// flaky service that reports each attempt to the command and fails, and the command.
const char* const kServices = R"(version: "1"
namespace: svc
entries:
  - { name: processes, kind: process.host, host: { workers: 2 } }
  - { name: terminal, kind: terminal.host }
  - { name: db_proc, kind: process.lua, source: file://svc.lua, method: db }
  - { name: api_proc, kind: process.lua, source: file://svc.lua, method: api }
  - { name: flaky_proc, kind: process.lua, source: file://svc.lua, method: flaky }
  - name: db
    kind: process.service
    process: db_proc
    host: processes
    input: [answer, 42]
  - name: api
    kind: process.service
    process: api_proc
    host: processes
    lifecycle: { auto_start: true, requires: [db], stop_timeout: 5s }
  - name: flaky
    kind: process.service
    process: flaky_proc
    host: processes
    lifecycle:
      auto_start: true
      startup: optional
      restart: { initial_delay: 1ms, backoff_factor: 1, jitter: 0, max_attempts: 2 }
  - name: main
    kind: process.lua
    source: file://main.lua
    method: main
    meta: { command: { name: go } }
  - name: wait
    kind: process.lua
    source: file://main.lua
    method: wait
    meta: { command: { name: wait } }
)";

const char* const kSvcLua = R"(
local function serve(table)
  while true do
    local r = channel.select { process.inbox():case_receive(), process.events():case_receive() }
    if r.channel == process.events() then
      if r.value.kind == process.event.CANCEL then return "stopped" end
    else
      local msg = r.value
      process.send(msg:from(), "value", table[msg:payload():data()])
    end
  end
end
local function db(key, value)
  assert(process.registry.register("db"))
  return serve({ [key] = value })
end
local function api()
  assert(process.registry.lookup("db"), "db is not up")
  return serve({})
end
local function flaky()
  local main
  while not main do
    if process.cancelled() then return "stopped" end
    main = process.registry.lookup("main")
    if not main then time.sleep("1ms") end
  end
  process.send(main, "attempt", 1)
  error("flaky service failed", 0)
end
return { db = db, api = api, flaky = flaky }
)";

const char* const kMainLua = R"(
local function main()
  assert(process.registry.register("main"))
  for i = 1, 3 do
    local m = process.inbox():receive()
    assert(m:topic() == "attempt")
  end
  assert(process.send("db", "get", "answer"))
  local reply = process.inbox():receive()
  return "answer=" .. tostring(reply:payload():data())
end
local function wait()
  print("ready")
  local ev = process.events():receive()
  print("cancelled: " .. tostring(ev.reason))
  return 0
end
return { main = main, wait = wait }
)";

void write_services(const Project& p) {
  p.write("src/_index.yaml", kServices);
  p.write("src/svc.lua", kSvcLua);
  p.write("src/main.lua", kMainLua);
}

size_t at(const std::string& text, const std::string& needle) {
  size_t pos = text.find(needle);
  EXPECT_NE(pos, std::string::npos) << "no \"" << needle << "\" in:\n" << text;
  return pos;
}

TEST(Services, BootBeforeTheCommandRestartAndStopInReverse) {
  Project p;
  write_services(p);
  wippy::test::ProcessResult r = p.run({"run", "go"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "answer=42\n");
  // db (required by api) first; api stops before db.
  EXPECT_LT(at(r.err, "wippy: service svc:db started"), at(r.err, "wippy: service svc:api started"));
  EXPECT_LT(at(r.err, "wippy: service svc:api stopped"), at(r.err, "wippy: service svc:db stopped"));
  // Two restarts before the third attempt reached the command.
  size_t first = at(r.err, "wippy: service svc:flaky failed: flaky service failed; restarting in 1ms");
  EXPECT_NE(r.err.find("wippy: service svc:flaky failed: flaky service failed; restarting in 1ms", first + 1),
            std::string::npos)
      << r.err;
}

TEST(Services, RequiredServiceThatCannotStartFailsTheRun) {
  Project p;
  write_services(p);
  // api requires db, which now fails on its first step.
  p.write("src/svc.lua", std::string(kSvcLua).replace(std::string(kSvcLua).find("assert(process.registry.register(\"db\"))"),
                                                       39, "error('no disk', 0)"));
  wippy::test::ProcessResult r = p.run({"run", "go"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  at(r.err, "wippy: service svc:db did not start: no disk\n");
  EXPECT_EQ(r.err.find("service svc:api started"), std::string::npos) << r.err;
}

TEST(Services, BadServiceEntryFailsTheLoad) {
  Project p;
  write_services(p);
  p.write("src/more.yaml", "version: \"1\"\nnamespace: more\nentries:\n"
                           "  - { name: x, kind: process.service, process: svc:nope, host: svc:processes,\n"
                           "      lifecycle: { restart: { initial_delay: \"10 s\" } } }\n");
  wippy::test::ProcessResult r = p.run({"run", "go"});
  EXPECT_EQ(r.code, 1);
  at(r.err, "wippy: src/more.yaml: entry more:x: lifecycle.restart.initial_delay: invalid duration \"10 s\"");
}

// Starts `wippy run wait`, waits for its "ready" line, sends `sig`, and collects the rest.
wippy::test::ProcessResult run_and_signal(const Project& p, int sig) {
  int out[2];
  EXPECT_EQ(pipe(out), 0);
  char err_path[] = "/tmp/wippy-services-err-XXXXXX";
  int err_fd = mkstemp(err_path);
  pid_t pid = fork();
  if (pid == 0) {
    if (chdir(p.dir().c_str()) != 0) _exit(126);
    dup2(out[1], 1);
    dup2(err_fd, 2);
    close(out[0]);
    execl(WIPPY_CLI, WIPPY_CLI, "run", "wait", static_cast<char*>(nullptr));
    _exit(127);
  }
  close(out[1]);
  wippy::test::ProcessResult r;
  char buf[256];
  bool signalled = false;
  for (;;) {
    ssize_t n = read(out[0], buf, sizeof buf);
    if (n <= 0) break;
    r.out.append(buf, static_cast<size_t>(n));
    if (!signalled && r.out.find("ready\n") != std::string::npos) {
      kill(pid, sig);
      signalled = true;
    }
  }
  close(out[0]);
  int status = 0;
  waitpid(pid, &status, 0);
  r.code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  close(err_fd);
  r.err = wippy::test::slurp(err_path);
  unlink(err_path);
  return r;
}

TEST(Services, SigintAndSigtermRunTheOrderlyStop) {
  Project p;
  write_services(p);
  for (auto [sig, reason] : {std::pair{SIGINT, "interrupt"}, std::pair{SIGTERM, "terminate"}}) {
    wippy::test::ProcessResult r = run_and_signal(p, sig);
    EXPECT_EQ(r.code, 128 + sig) << r.err;
    EXPECT_EQ(r.out, std::string("ready\ncancelled: ") + reason + "\n");
    EXPECT_LT(at(r.err, "wippy: service svc:api stopped"), at(r.err, "wippy: service svc:db stopped"));
  }
}

}  // namespace

namespace {

TEST(Services, ExampleProject) {
  const std::string out =
      "kv greeting: hello\nkv answer: 42\nwasm echo: HELLO FROM LUA\n"
      "component echo: HELLO FROM LUA TO A COMPONENT\n"
      "guard went down: linked process {pid} failed: unreachable\nservices done\n";
  const std::string dir = (fs::path(WIPPY_EXAMPLES_DIR) / "services").string();
  wippy::test::ProcessResult r = wippy::test::run_process({WIPPY_CLI, "run", "services"}, "/dev/null", dir);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, out);
  EXPECT_NE(r.err.find("wippy: service app:flaky failed: trap: unreachable; restarting in 50ms"), std::string::npos)
      << r.err;

  // In virtual time the command's 600 ms pass only once every restart (50, 100, 200
  // ms after each trap) happened, however loaded the machine is: the whole backoff,
  // then the give-up, and the same stderr on a second run.
  r = wippy::test::run_process({WIPPY_CLI, "run", "--deterministic", "services"}, "/dev/null", dir);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, out);
  size_t at = 0;
  for (const char* delay : {"50ms", "100ms", "200ms"}) {
    at = r.err.find(std::string("wippy: service app:flaky failed: trap: unreachable; restarting in ") + delay, at);
    EXPECT_NE(at, std::string::npos) << delay << "\n" << r.err;
  }
  EXPECT_NE(r.err.find("wippy: service app:flaky failed: trap: unreachable; giving up after 3 restarts", at),
            std::string::npos)
      << r.err;
  wippy::test::ProcessResult again =
      wippy::test::run_process({WIPPY_CLI, "run", "--deterministic", "services"}, "/dev/null", dir);
  EXPECT_EQ(again.err, r.err);
}

}  // namespace
