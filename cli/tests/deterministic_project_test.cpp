// `wippy run --deterministic`: a project with spawns, messages, timers, random numbers
// and several processes (Lua, a WASI 0.1 command, a WASI 0.2 command, a component
// server) runs the same way twice with one seed: the trace (--trace FILE) and the
// output are byte for byte equal; another seed changes them. Plus the bad inputs.
#include <gtest/gtest.h>

#include "cli/tests/project.h"

namespace {

using wippy::test::Project;

void write_project(const Project& p, const std::string& host_extra = "") {
  p.write("wippy.lock", "directories:\n  src: ./src\n");
  std::string p1 = p.guest("wasi_clocks_random"), p2 = p.guest("wasi_clocks_random.component"),
              echo = p.guest("messages.component");
  auto wasm = [](const std::string& name, const std::string& file, const std::string& hash, const std::string& rest) {
    return "  - { name: " + name + ", kind: process.wasm, fs: app:bin, path: /" + file + ".wasm, hash: " + hash +
           ", " + rest + " }\n";
  };
  p.write("src/_index.yaml",
          "version: \"1.0\"\nnamespace: app\nentries:\n"
          "  - { name: procs, kind: process.host, host: { workers: 2" + host_extra + " } }\n"
          "  - { name: terminal, kind: terminal.host }\n"
          "  - { name: bin, kind: fs.directory, directory: ./bin }\n" +
              wasm("clocks1", "wasi_clocks_random", p1, "method: _start, imports: [wasi:cli, wasi:clocks, wasi:poll, wasi:random, wasi:filesystem]") +
              wasm("clocks2", "wasi_clocks_random.component", p2,
                   "method: \"wasi:cli/run@0.2.12#run\", imports: [wasi:cli, wasi:io, wasi:poll, wasi:clocks, wasi:random, wasi:filesystem]") +
              wasm("echo", "messages.component", echo, "method: serve, imports: [wippy:runtime]") +
              "  - { name: worker, kind: process.lua, source: file://main.lua, method: worker }\n"
              "  - name: main\n    kind: process.lua\n    source: file://main.lua\n    method: main\n"
              "    meta: { command: { name: go } }\n");
  p.write("src/main.lua", R"(
local function worker(n)
  local r = math.random(1, 1000000)
  time.sleep((n * 3 + r % 5) * 1000000)
  return { n = n, r = r, mono = time.monotonic(), unix = os.time(), clock = os.clock() }
end

local function main()
  local echo = process.spawn("app:echo", "app:procs", "echo", -1)
  for i = 1, 4 do process.spawn_monitored("app:worker", "app:procs", i) end
  process.spawn_monitored("app:clocks1", "app:procs")
  process.spawn_monitored("app:clocks2", "app:procs")
  local order = {}
  for _ = 1, 6 do
    local ev = process.events():receive()
    order[#order + 1] = tostring(ev.from) .. "=" .. (ev.error or "ok")
  end
  assert(process.send(echo, "job", "lua says " .. math.random(1000)))
  local reply = process.inbox():receive()
  assert(process.send(echo, "stop", ""))
  print(table.concat(order, " "))
  print("echo: " .. reply:payload():data())
  print("main", math.random(1, 1 << 30), time.now(), os.time(), os.clock())
  return "done"
end

return { main = main, worker = worker }
)");
}

struct TracedRun {
  wippy::test::ProcessResult result;
  std::string trace;
};

TracedRun run(const Project& p, std::vector<std::string> args) {
  args.insert(args.end(), {"--trace", "trace.txt", "go"});
  args.insert(args.begin(), "run");
  TracedRun r{p.run(args), ""};
  r.trace = p.read("trace.txt");
  return r;
}

TEST(DeterministicProject, SameSeedSameRunAnotherSeedAnother) {
  Project p;
  write_project(p);
  TracedRun a = run(p, {"--deterministic", "--seed", "7"});
  ASSERT_EQ(a.result.code, 0) << a.result.err << a.result.out;
  TracedRun b = run(p, {"--deterministic", "--seed", "7"});
  ASSERT_EQ(b.result.code, 0) << b.result.err;
  TracedRun c = run(p, {"--deterministic", "--seed", "8"});
  ASSERT_EQ(c.result.code, 0) << c.result.err;

  // Every kind of line is there: spawns, steps, messages, events, exits.
  for (const char* what : {" spawn {app:procs|", " step {app:procs|", " send {app:procs|", " event EXIT ",
                           " exit {app:procs|", " exit {app:terminal|1} ok \"done\""})
    EXPECT_NE(a.trace.find(what), std::string::npos) << what << "\n" << a.trace;
  EXPECT_EQ(a.trace, b.trace);
  EXPECT_EQ(a.result.out, b.result.out);
  EXPECT_EQ(a.result.err, b.result.err);  // the WASI guests' output, with their pids
  EXPECT_NE(a.trace, c.trace);
  EXPECT_NE(a.result.out, c.result.out);

  // Virtual time: each WASI guest slept exactly its 3 ms, and the workers' sleeps
  // decide the order of their exits.
  size_t first = a.result.err.find("slept 3000000 random");
  EXPECT_NE(first, std::string::npos) << a.result.err;  // WASI 0.1
  EXPECT_NE(a.result.err.find("slept 3000000 random", first + 1), std::string::npos) << a.result.err;  // and 0.2
  EXPECT_NE(a.result.out.find("echo: LUA SAYS "), std::string::npos) << a.result.out;
  EXPECT_NE(a.result.out.find("\nmain\t"), std::string::npos) << a.result.out;
  size_t oks = 0;  // every worker and guest ended well
  for (size_t at = a.result.out.find("=ok"); at != std::string::npos; at = a.result.out.find("=ok", at + 1)) ++oks;
  EXPECT_EQ(oks, 6u) << a.result.out;
}

TEST(DeterministicProject, HostOptionAndBadInputs) {
  Project p;
  write_project(p, ", deterministic: true, seed: 7");
  TracedRun host = run(p, {});
  ASSERT_EQ(host.result.code, 0) << host.result.err;
  TracedRun flag = run(p, {"--deterministic", "--seed", "7"});
  EXPECT_EQ(host.trace, flag.trace);  // the host option is the same mode
  TracedRun other = run(p, {"--deterministic", "--seed", "8"});  // --seed wins over host.seed
  EXPECT_NE(host.trace, other.trace);

  auto r = p.run({"run", "--deterministic", "--seed", "x", "go"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--seed needs a number from 0 to 2^64-1"), std::string::npos) << r.err;
  r = p.run({"run", "--trace", "/nonexistent-dir/t.txt", "go"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("--trace /nonexistent-dir/t.txt: No such file or directory"), std::string::npos) << r.err;
  r = p.run({"run", "--seed", "7", "go"});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--seed needs --deterministic"), std::string::npos) << r.err;

  write_project(p, ", seed: 3");
  r = p.run({"run", "go"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("host.seed needs host.deterministic: true"), std::string::npos) << r.err;
}

}  // namespace
