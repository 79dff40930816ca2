// `wippy run` with hostile Lua processes: each ends with a clear error of its own and
// `wippy run` exits (before the fixes: SIGABRT of the whole host, or a hang).
#include <gtest/gtest.h>

#include <string>

#include "cli/tests/project.h"

namespace {

using wippy::test::Project;

void write_project(const Project& p) {
  p.write("wippy.lock", "directories:\n  src: ./src\n");
  auto lua = [](const std::string& name, const std::string& rest) {
    return "  - name: " + name + "\n    kind: process.lua\n    source: file://" + name +
           ".lua\n    method: main\n" + rest;
  };
  auto command = [](const std::string& name) { return "    meta: { command: { name: " + name + " } }\n"; };
  p.write("src/_index.yaml",
          "version: \"1.0\"\nnamespace: app\nentries:\n"
          "  - { name: terminal, kind: terminal.host }\n"
          "  - { name: processes, kind: process.host, host: { workers: 1, stop_timeout: 100ms } }\n" +
              lua("sorter", "    limits: { max_execution_ms: 200 }\n") + lua("parent", command("parent")) +
              lua("errobj", command("errobj")) + lua("gsubber", "") + lua("orphans", command("orphans")));
  p.write("src/sorter.lua",
          "return { main = function() table.sort({ 2, 1 }, function() while true do end end) end }\n");
  p.write("src/parent.lua", R"(
    return { main = function()
      process.spawn_monitored("app:sorter", "app:processes")
      local ev = process.receive()
      return "child: " .. ev.error
    end })");
  p.write("src/errobj.lua",
          "return { main = function() error(setmetatable({}, { __tostring = function() error('x') end })) end }\n");
  p.write("src/gsubber.lua",
          "return { main = function() string.gsub('abc', '%w', function() while true do end end) end }\n");
  // Leaves a child stuck in a gsub callback (no limits): shutdown must still end it.
  p.write("src/orphans.lua", R"(
    return { main = function()
      process.spawn("app:gsubber", "app:processes")
      return "done"
    end })");
}

TEST(LuaProject, HostileProcessesEndAndWippyRunExits) {
  Project p;
  write_project(p);

  auto r = p.run({"run", "parent"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "child: execution time limit exceeded (200 ms)\n");

  r = p.run({"run", "errobj"});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("error object is a table"), std::string::npos) << r.err;

  r = p.run({"run", "orphans"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "done\n");
}

}  // namespace
