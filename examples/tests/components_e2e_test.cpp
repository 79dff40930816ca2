// End to end: `wippy run` on examples/components, where Lua spawns a component with
// a list of records and reads its `result`, and a component export is a command.
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/subprocess.h"

namespace fs = std::filesystem;

namespace {

wippy::test::ProcessResult run_in_example(const std::vector<std::string>& args) {
  std::vector<std::string> argv{WIPPY_CLI};
  argv.insert(argv.end(), args.begin(), args.end());
  return wippy::test::run_process(argv, "/dev/null", (fs::path(WIPPY_EXAMPLES_DIR) / "components").string());
}

TEST(ComponentsExample, LuaSpawnsAComponentAndReadsItsResult) {
  auto r = run_in_example({"run", "users"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out,
            "user 1: ann-x, 32, tags=admin\n"
            "user 2: bob-x, 8, tags=\n"
            "err: user 1 has no name\n"
            "bad: `transform-users`: expected u32 for users[1].age, got string\n"
            "done\n");
}

TEST(ComponentsExample, AComponentExportIsACommand) {
  auto r = run_in_example({"run", "greet", "wippy"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "hello, wippy!\n");

  r = run_in_example({"run", "greet"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.err, "error: app:greet: `greet`: parameter count mismatch: expected 1, got 0\n");

  r = run_in_example({"run", "list"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("greet"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("app:main"), std::string::npos) << r.out;
}

}  // namespace
