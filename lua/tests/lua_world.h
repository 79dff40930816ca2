// LuaWorld: a System whose factory makes LuaProcesses of scripts written to a temp
// directory, and run(), which spawns one and waits for its EXIT event.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <mutex>

#include "lua/lua_process.h"

namespace wippy::lua::testing {

namespace fs = std::filesystem;
using procs::Value;

// Scripts by entry ID ("t:name"), written to a temp directory; a System whose
// factory makes LuaProcesses of them.
class LuaWorld {
 public:
  explicit LuaWorld(unsigned workers = 2) {
    char tmpl[] = "/tmp/wippy-lua-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    procs::HostOptions h;
    h.name = "app:host";
    h.workers = workers;
    h.stop_timeout = std::chrono::milliseconds(500);
    sys_.add_host(h);
    sys_.set_factory([this](const std::string& id, std::vector<Value> args) -> std::unique_ptr<procs::Process> {
      if (auto n = natives_.find(id); n != natives_.end()) return n->second(std::move(args));
      auto it = scripts_.find(id);
      if (it == scripts_.end()) throw std::runtime_error("unknown entry: " + id);
      lua::LuaProcessConfig cfg;
      cfg.entry_id = id;
      cfg.source = it->second.first;
      cfg.method = it->second.second;
      cfg.args = std::move(args);
      cfg.modules = modules_;
      cfg.slice = slice_;
      if (auto l = limits_.find(id); l != limits_.end()) cfg.limits = l->second;
      return std::make_unique<lua::LuaProcess>(std::move(cfg));
    });
  }
  ~LuaWorld() {
    sys_.shutdown();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void file(const std::string& name, const std::string& code) { std::ofstream(dir_ / name) << code; }
  // Entry `id` runs `method` of the script `code`.
  void script(const std::string& id, const std::string& code, const std::string& method = "main") {
    std::string name = id.substr(id.find(':') + 1) + ".lua";
    file(name, code);
    scripts_[id] = {dir_ / name, method};
  }
  // Entry `id` is a process made by `make` (a WASM process, say) from its arguments.
  using Maker = std::function<std::unique_ptr<procs::Process>(std::vector<Value>)>;
  void native(const std::string& id, Maker make) { natives_[id] = std::move(make); }
  void modules(std::vector<std::string> m) { modules_ = std::move(m); }
  void limits(const std::string& id, lua::LuaLimits l) { limits_[id] = l; }
  void slice(int64_t instructions) { slice_ = instructions; }

  // Spawns `id` and waits for its EXIT event.
  procs::Event run(const std::string& id, std::vector<Value> args = {},
                   std::chrono::seconds timeout = std::chrono::seconds(20)) {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<procs::Event> out;
    procs::SpawnOptions opts;
    opts.on_exit = [&](const procs::Event& ev) {
      std::lock_guard lk(mu);
      out = ev;
      cv.notify_all();
    };
    procs::SpawnResult r = sys_.spawn("app:host", id, std::move(args), std::move(opts));
    if (!r) return procs::Event{procs::EventKind::Exit, {}, {}, "spawn failed: " + r.error, {}, std::nullopt};
    std::unique_lock lk(mu);
    if (!cv.wait_for(lk, timeout, [&] { return out.has_value(); })) {
      return procs::Event{procs::EventKind::Exit, {}, {}, "test timeout", {}, std::nullopt};
    }
    return *out;
  }
  procs::System& system() { return sys_; }

 private:
  fs::path dir_;
  procs::System sys_;
  std::map<std::string, std::pair<fs::path, std::string>> scripts_;
  std::vector<std::string> modules_;
  std::map<std::string, lua::LuaLimits> limits_;
  std::map<std::string, Maker> natives_;
  int64_t slice_ = 0;
};

inline std::string err_of(const procs::Event& ev) { return ev.error.value_or("<no error>"); }

}  // namespace wippy::lua::testing
