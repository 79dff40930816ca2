// End to end: the `wippy` binary on the example projects (built into
// <build>/examples) and on small projects made here: outputs, exit codes, and the
// one-line errors for a missing lock file, a wrong hash, a missing host and an
// unknown command.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <string>
#include <vector>

#include "tests/subprocess.h"

namespace fs = std::filesystem;

namespace {

using Result = wippy::test::ProcessResult;
using wippy::test::slurp;

// Runs `wippy args...` in `cwd`.
Result run_wippy(const fs::path& cwd, const std::vector<std::string>& args) {
  std::vector<std::string> argv{WIPPY_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  return wippy::test::run_process(argv, "/dev/null", cwd.string());
}

fs::path example(const std::string& name) { return fs::path(WIPPY_EXAMPLES_DIR) / name; }

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/wippy-e2e-XXXXXX";
    path_ = mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }
  void write(const std::string& rel, const std::string& text) const {
    fs::create_directories((path_ / rel).parent_path());
    std::ofstream(path_ / rel) << text;
  }
  std::string read(const std::string& rel) const { return slurp(path_ / rel); }

 private:
  fs::path path_;
};

// A copy of the built demo project.
void copy_demo(const TempDir& t) {
  fs::copy(example("demo"), t.path(), fs::copy_options::recursive | fs::copy_options::overwrite_existing);
}

size_t count_lines(const std::string& s) { return static_cast<size_t>(std::count(s.begin(), s.end(), '\n')); }

}  // namespace

TEST(RunE2E, DemoPrintsResult42) {
  Result r = run_wippy(example("demo"), {"run", "demo"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "result=42\n");
  EXPECT_EQ(r.err, "");
}

TEST(RunE2E, ListShowsTheCommand) {
  Result r = run_wippy(example("demo"), {"run", "list"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(std::regex_search(r.out, std::regex("\ndemo +Spawn a WASM worker +myns:main\n"))) << r.out;
}

TEST(RunE2E, DashXRunsAnEntryWithoutCommand) {
  // compute(6, 7) = 42 becomes the exit code (a number result).
  Result r = run_wippy(example("demo"), {"run", "-x", "myns:compute_worker", "6", "7"});
  EXPECT_EQ(r.code, 42) << r.err;
  r = run_wippy(example("demo"), {"run", "-x", "myns:compute_worker", "6"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("parameter count mismatch: expected 2, got 1"), std::string::npos) << r.err;
  r = run_wippy(example("demo"), {"run", "-x", "myns:processes"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("myns:processes is a process.host"), std::string::npos) << r.err;
  r = run_wippy(example("demo"), {"run", "-x", "myns:nothing"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("no entry myns:nothing"), std::string::npos) << r.err;
}

TEST(RunE2E, TenThousandWasmProcessesFromLua) {
  // Every EXIT arrives exactly once with the right value: sum of 2i for i = 1..10000.
  Result r = run_wippy(example("scale"), {"run", "fanout", "10000"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "exits=10000 sum=100010000\n");
}

TEST(RunE2E, Supervision) {
  Result r = run_wippy(example("supervision"), {"run", "supervise"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "squares of 2, 3, 4: 29\n"
            "worker 2 exited: negative input -1\n"
            "worker 2 restarted\n"
            "square of 5: 25\n"
            "workers 1 and 3 ended: cancelled, stopped\n"
            "worker 2 terminated: terminated\n"
            "link down: fragile process gave up\n"
            "supervision done\n");
  Result list = run_wippy(example("supervision"), {"run", "list"});
  EXPECT_NE(list.out.find("supervise"), std::string::npos);
  EXPECT_NE(list.out.find("sup:main"), std::string::npos);
}

TEST(RunE2E, ExitCodesFollowTheResult) {
  TempDir t;
  t.write("wippy.lock", "directories:\n  src: ./src\n");
  std::string yaml = "version: \"1.0\"\nnamespace: app\nentries:\n"
                     "  - { name: terminal, kind: terminal.host }\n";
  const char* methods[] = {"str", "num", "big", "yes", "no", "none", "fail", "nilerr", "args", "tbl"};
  for (const char* m : methods) {
    yaml += std::string("  - { name: ") + m + ", kind: process.lua, source: file://cmds.lua, method: " + m +
            ", meta: { command: { name: " + m + " } } }\n";
  }
  t.write("src/_index.yaml", yaml);
  t.write("src/cmds.lua",
          "return {\n"
          "  str = function() return 'a string' end,\n"
          "  num = function() return 7 end,\n"
          "  big = function() return 300 end,\n"
          "  yes = function() return true end,\n"
          "  no = function() return false end,\n"
          "  none = function() end,\n"
          "  fail = function() error('it broke', 0) end,\n"
          "  nilerr = function() return nil, 'soft failure' end,\n"
          "  args = function(...) return table.concat({...}, '|') end,\n"
          "  tbl = function() return {1, 2} end,\n"
          "}\n");
  Result r = run_wippy(t.path(), {"run", "str"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "a string\n");
  r = run_wippy(t.path(), {"run", "num"});
  EXPECT_EQ(r.code, 7);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(run_wippy(t.path(), {"run", "big"}).code, 255);
  EXPECT_EQ(run_wippy(t.path(), {"run", "yes"}).code, 0);
  EXPECT_EQ(run_wippy(t.path(), {"run", "no"}).code, 1);
  r = run_wippy(t.path(), {"run", "none"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "");
  r = run_wippy(t.path(), {"run", "fail"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "error: app:fail: it broke\n");
  EXPECT_EQ(r.out, "");
  r = run_wippy(t.path(), {"run", "nilerr"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "error: app:nilerr: soft failure\n");
  r = run_wippy(t.path(), {"run", "args", "one", "2", "three four"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "one|2|three four\n");  // each argument one string
  r = run_wippy(t.path(), {"run", "tbl"});
  EXPECT_EQ(r.code, 0);
  EXPECT_EQ(r.out, "[1, 2]\n");
}

TEST(RunE2E, WrongHashFailsTheWholeLoad) {
  TempDir t;
  copy_demo(t);
  std::string yaml = t.read("src/_index.yaml");
  size_t at = yaml.find("sha256:");
  ASSERT_NE(at, std::string::npos);
  std::string good = yaml.substr(at, 7 + 64);
  std::string bad = "sha256:" + std::string(64, 'f');
  yaml.replace(at, good.size(), bad);
  t.write("src/_index.yaml", yaml);
  Result r = run_wippy(t.path(), {"run", "demo"});
  EXPECT_NE(r.code, 0);
  EXPECT_EQ(r.out, "");  // nothing ran
  EXPECT_EQ(r.err, "wippy: src/_index.yaml: entry myns:compute_worker: hash verification failed: expected " +
                       bad + ", got " + good + "\n");
  // Listing reads the entries only: the command is there, marked.
  Result list = run_wippy(t.path(), {"run", "list"});
  EXPECT_EQ(list.code, 0) << list.err;
  EXPECT_NE(list.out.find("myns:main"), std::string::npos) << list.out;
}

TEST(RunE2E, MissingLockFile) {
  TempDir t;
  Result r = run_wippy(t.path(), {"run", "demo"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(count_lines(r.err), 1u) << r.err;
  EXPECT_NE(r.err.find("wippy.lock not found in " + t.path().string()), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("directories: {src: ./src}"), std::string::npos) << r.err;
}

TEST(RunE2E, UnknownCommand) {
  Result r = run_wippy(example("demo"), {"run", "nope"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "wippy: unknown command \"nope\": run 'wippy run list' to see this project's commands\n");
}

TEST(RunE2E, MissingHosts) {
  {
    TempDir t;
    copy_demo(t);
    std::string yaml = t.read("src/_index.yaml");
    yaml.replace(yaml.find("  - name: terminal\n    kind: terminal.host\n"), 42, "");
    t.write("src/_index.yaml", yaml);
    Result r = run_wippy(t.path(), {"run", "demo"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("no terminal.host entry"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("{name: terminal, kind: terminal.host}"), std::string::npos) << r.err;
  }
  {
    TempDir t;
    copy_demo(t);
    std::string yaml = t.read("src/_index.yaml");
    yaml.replace(yaml.find("  - name: processes\n    kind: process.host\n"), 42, "");
    t.write("src/_index.yaml", yaml);
    Result r = run_wippy(t.path(), {"run", "demo"});
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(count_lines(r.err), 1u) << r.err;
    EXPECT_NE(r.err.find("unknown host myns:processes: declare a process.host entry with that ID"),
              std::string::npos)
        << r.err;
  }
}

TEST(RunE2E, InvalidProjectReportsEveryError) {
  TempDir t;
  t.write("wippy.lock", "directories:\n  src: ./src\n");
  t.write("src/a.yaml", "version: \"1\"\nnamespace: a\nentries:\n"
                        "  - { name: w, kind: process.wasm }\n"
                        "  - { name: k, kind: queue.consumer }\n");
  Result r = run_wippy(t.path(), {"run", "list"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("wippy: src/a.yaml: entry a:w: fs is required\n"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("wippy: src/a.yaml: entry a:k: unknown kind \"queue.consumer\""), std::string::npos);
  EXPECT_NE(r.err.find("the project did not load (5 errors)"), std::string::npos) << r.err;
}
