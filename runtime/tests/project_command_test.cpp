// Running a project's command through the runtime API, as an embedding program does
// (what `wippy run` does without the command line).
#include <gtest/gtest.h>

#include <string>

#include "cli/tests/project.h"
#include "runtime/project_command.h"
#include "runtime/project_runtime.h"

namespace {

using wippy::test::Project;
namespace runtime = wippy::runtime;
namespace procs = wippy::procs;

const char* const kHeader = "version: \"1.0\"\nnamespace: app\nentries:\n";

std::string lua_command(const std::string& name) {
  return "  - name: " + name + "\n    kind: process.lua\n    source: file://" + name +
         ".lua\n    method: main\n    meta: { command: { name: " + name + " } }\n";
}

void write_project(const Project& p, const std::string& extra_entries = "") {
  p.write("wippy.lock", "directories:\n  src: ./src\n");
  p.write("src/_index.yaml", std::string(kHeader) + "  - { name: terminal, kind: terminal.host }\n" +
                                 lua_command("sum") + extra_entries);
  p.write("src/sum.lua", "return { main = function(a, b) return tonumber(a) + tonumber(b) end }\n");
}

std::vector<std::string> words(std::initializer_list<const char*> w) { return {w.begin(), w.end()}; }

TEST(ProjectCommand, RunsACommandToItsExitEvent) {
  Project p;
  write_project(p);
  wippy::engine::Engine engine;
  auto reg = runtime::load_project(p.root(), engine);
  runtime::Command cmd = runtime::resolve_command(*reg, words({"sum", "2", "40"}), "");
  EXPECT_EQ(cmd.entry->id, "app:sum");
  EXPECT_EQ(cmd.terminal->id, "app:terminal");
  runtime::CommandControl control;
  runtime::ProjectRuntime rt(reg);
  std::optional<procs::Event> ev = rt.run_command(cmd, control);
  ASSERT_TRUE(ev.has_value());
  EXPECT_FALSE(ev->error) << *ev->error;
  EXPECT_EQ(ev->value.to_string(), "42");
  EXPECT_FALSE(control.interrupted());
}

TEST(ProjectCommand, AnInterruptBeforeTheStartKeepsTheCommandFromStarting) {
  Project p;
  write_project(p);
  wippy::engine::Engine engine;
  auto reg = runtime::load_project(p.root(), engine);
  runtime::CommandControl control;
  control.interrupt(procs::Value("interrupt"));
  EXPECT_TRUE(control.interrupted());
  runtime::ProjectRuntime rt(reg);
  EXPECT_FALSE(rt.run_command(runtime::resolve_command(*reg, words({"sum", "1", "2"}), ""), control).has_value());
}

// The message of the CommandError `words` get, and whether it is a usage error.
std::pair<std::string, bool> resolve_error(const wippy::registry::Registry& reg, const std::vector<std::string>& w,
                                           const std::string& host = "") {
  try {
    runtime::resolve_command(reg, w, host);
  } catch (const runtime::CommandError& e) {
    return {e.what(), e.usage};
  }
  return {"(no error)", false};
}

TEST(ProjectCommand, ResolvingNamesWhatIsWrong) {
  Project p;
  write_project(p, "  - { name: other, kind: terminal.host }\n  - { name: bin, kind: fs.directory, directory: ./bin, auto_init: true }\n");
  wippy::engine::Engine engine;
  auto reg = runtime::load_project(p.root(), engine);
  EXPECT_EQ(resolve_error(*reg, {}), std::make_pair(std::string("missing the command to run (wippy run list shows them)"), true));
  EXPECT_EQ(resolve_error(*reg, {"-x"}).second, true);
  EXPECT_EQ(resolve_error(*reg, {"nope"}).first,
            "unknown command \"nope\": run 'wippy run list' to see this project's commands");
  EXPECT_EQ(resolve_error(*reg, {"-x", "app:missing"}).first,
            "no entry app:missing in this project (IDs are namespace:name)");
  EXPECT_EQ(resolve_error(*reg, {"-x", "app:bin"}).first,
            "app:bin is a fs.directory; wippy run -x needs a process.lua or process.wasm entry");
  EXPECT_EQ(resolve_error(*reg, {"sum"}).first,
            "this project has 2 terminal.host entries (app:other, app:terminal): choose one with --host <id>");
  EXPECT_EQ(resolve_error(*reg, {"sum"}, "app:nope").first, "--host app:nope: no terminal.host entry with this ID");
  EXPECT_EQ(runtime::resolve_command(*reg, words({"-x", "app:sum"}), "app:other").terminal->id, "app:other");
}

TEST(ProjectCommand, TheDeterministicSeedComesFromTheFlagThenTheHosts) {
  Project p;
  write_project(p, "  - { name: a, kind: process.host, host: { deterministic: true, seed: 7 } }\n");
  wippy::engine::Engine engine;
  auto reg = runtime::load_project(p.root(), engine);
  EXPECT_EQ(runtime::deterministic_seed(*reg, false, std::nullopt), 7u);
  EXPECT_EQ(runtime::deterministic_seed(*reg, true, 9), 9u);

  Project plain;
  write_project(plain);
  auto plain_reg = runtime::load_project(plain.root(), engine);
  EXPECT_EQ(runtime::deterministic_seed(*plain_reg, false, std::nullopt), std::nullopt);
  EXPECT_EQ(runtime::deterministic_seed(*plain_reg, true, std::nullopt), 0u);

  Project two;
  write_project(two, "  - { name: a, kind: process.host, host: { deterministic: true, seed: 1 } }\n"
                     "  - { name: b, kind: process.host, host: { deterministic: true, seed: 2 } }\n");
  auto two_reg = runtime::load_project(two.root(), engine);
  EXPECT_THROW(runtime::deterministic_seed(*two_reg, true, std::nullopt), runtime::CommandError);
}

}  // namespace
