// The JSON command handling of the spec runner: one handler per wast2json command.
#include "spec-tests/script.h"

#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <typeinfo>

#include <nlohmann/json.hpp>

#include "engine/engine.h"
#include "spec-tests/spectest_host.h"
#include "spec-tests/values.h"

namespace wippy::spectest {

namespace {

namespace fs = std::filesystem;
using nlohmann::json;
using engine::Execution;
using interp::RunStatus;

// The reason a command failed; thrown by the handlers.
class Failure : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A trap in a start function: the module is uninstantiable.
class StartTrap : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Verdict { Pass, Skip };

constexpr const char* kTextSkip = "text-format module, binary engine";

// What an error is, for failure reports: "malformed: ...", "link error: ...".
std::string describe(const std::exception& e) {
  if (auto* m = dynamic_cast<const interp::ModuleError*>(&e)) {
    return std::string(m->kind() == interp::ModuleError::Kind::Malformed ? "malformed: " : "invalid: ") +
           m->describe();
  }
  if (dynamic_cast<const interp::LinkError*>(&e)) return std::string("link error: ") + e.what();
  if (dynamic_cast<const interp::TrapError*>(&e)) return std::string("instantiation trap: ") + e.what();
  if (dynamic_cast<const StartTrap*>(&e)) return std::string("start function trap: ") + e.what();
  if (dynamic_cast<const engine::LoadError*>(&e)) return std::string("load error: ") + e.what();
  if (dynamic_cast<const Failure*>(&e)) return e.what();
  return std::string("unexpected exception (") + typeid(e).name() + "): " + e.what();
}

std::string quote(std::string_view s) { return "'" + std::string(s) + "'"; }

struct Outcome {
  bool trapped = false;
  std::string trap;
  std::vector<interp::ValType> types;
  std::vector<uint64_t> cells;  // cell_count(type) cells per result
};

class Script {
 public:
  Script(fs::path dir, const Options& options, engine::EngineConfig config, FileResult& result,
         Progress& progress)
      : dir_(std::move(dir)), options_(options), result_(result), progress_(progress), engine_(config) {
    spectest::define_spectest(linker_, *store_);
  }

  void run(const json& commands) {
    for (const json& c : commands) {
      std::string type = c.value("type", std::string("?"));
      uint32_t line = c.value("line", 0u);
      progress_.line = line;
      std::strncpy(progress_.command, type.c_str(), sizeof progress_.command - 1);
      try {
        Verdict v = dispatch(type, c);
        if (v == Verdict::Pass) ++progress_.passed;
      } catch (const std::exception& e) {
        fail(line, type, describe(e));
      }
    }
  }

  void skip_many(size_t count, const std::string& reason) {
    for (size_t i = 0; i < count; ++i) skip(reason);
  }

  void fail(uint32_t line, const std::string& type, const std::string& detail) {
    ++progress_.failed;
    result_.failures.push_back("line " + std::to_string(line) + ": " + type + ": " + detail);
  }

 private:
  Verdict dispatch(const std::string& type, const json& c) {
    if (type == "module") return cmd_module(c);
    if (type == "register") return cmd_register(c);
    if (type == "action") return cmd_action(c);
    if (type == "assert_return") return cmd_assert_return(c);
    if (type == "assert_trap" || type == "assert_exhaustion") return cmd_assert_trap(c);
    if (type == "assert_invalid" || type == "assert_malformed") return cmd_assert_module_error(c);
    if (type == "assert_unlinkable") return cmd_assert_unlinkable(c);
    if (type == "assert_uninstantiable") return cmd_assert_uninstantiable(c);
    throw Failure("unknown command type");
  }

  void skip(const std::string& reason) {
    ++progress_.skipped;
    ++result_.skip_reasons[reason];
  }

  void note_message(const json& c, std::string_view actual) {
    std::string expected = c.value("text", std::string());
    if (std::string_view(actual).starts_with(expected)) return;
    ++progress_.msgdiff;
    result_.msgdiffs.push_back("line " + std::to_string(c.value("line", 0u)) + ": " +
                               c.value("type", std::string()) + ": expected " + quote(expected) +
                               ", got " + quote(actual));
  }

  // Runs an execution to its end, in one budget or in slices.
  RunStatus drive(Execution& exec) {
    static constexpr int64_t kBudgets[] = {1, 2, 3, 7};
    RunStatus status;
    size_t i = 0;
    ++progress_.executions;
    do {
      status = exec.run(options_.sliced ? kBudgets[i++ % 4] : INT64_MAX);
      ++progress_.slices;
    } while (status == RunStatus::OutOfBudget);
    if (status == RunStatus::Suspended) throw Failure("execution suspended unexpectedly");
    if (status != RunStatus::Done && status != RunStatus::Trapped) {
      throw Failure(std::string("execution ended in state ") + interp::run_status_name(status));
    }
    return status;
  }

  // Loads, links, instantiates and runs the start function. Throws ModuleError,
  // LoadError, LinkError, TrapError or StartTrap.
  std::shared_ptr<engine::Instance> instantiate(const json& c) {
    engine::ModulePtr module = engine_.load_file(dir_ / c.at("filename").get<std::string>());
    auto inst = std::make_shared<engine::Instance>(linker_, std::move(module), store_);
    if (std::unique_ptr<Execution> exec = inst->start()) {
      if (drive(*exec) == RunStatus::Trapped) throw StartTrap(exec->trap().message);
    }
    return inst;
  }

  std::shared_ptr<engine::Instance> lookup(const json& c, const char* key) {
    auto it = c.find(key);
    if (it == c.end()) {
      if (!current_) throw Failure("no module is instantiated");
      return current_;
    }
    std::string name = it->get<std::string>();
    auto found = named_.find(name);
    if (found == named_.end()) throw Failure("unknown module " + name);
    return found->second;
  }

  Outcome perform(const json& action) {
    std::shared_ptr<engine::Instance> inst = lookup(action, "module");
    std::string type = action.at("type").get<std::string>();
    std::string field = action.at("field").get<std::string>();
    Outcome out;
    if (type == "invoke") {
      std::vector<uint64_t> args;
      for (const json& a : action.at("args")) {
        std::vector<uint64_t> cells = parse_arg(a);
        args.insert(args.end(), cells.begin(), cells.end());
      }
      std::unique_ptr<Execution> exec = inst->call(field, args);
      if (drive(*exec) == RunStatus::Trapped) {
        out.trapped = true;
        out.trap = exec->trap().message;
        return out;
      }
      out.types = exec->func_type().results;
      out.cells.assign(exec->results().begin(), exec->results().end());
      const size_t want = interp::cell_count(out.types);
      if (out.cells.size() != want) {
        throw Failure("execution returned " + std::to_string(out.cells.size()) +
                      " result cells, its type has " + std::to_string(want));
      }
      return out;
    }
    if (type == "get") {
      std::optional<interp::Extern> ext = inst->get_export(field);
      if (!ext) throw Failure("unknown export " + field);
      if (ext->kind != interp::ExternKind::Global) throw Failure("export is not a global: " + field);
      out.types = {ext->global->type.type};
      out.cells = {ext->global->value};
      if (ext->global->type.type == interp::ValType::V128) out.cells.push_back(ext->global->value_hi);
      return out;
    }
    throw Failure("unknown action type " + type);
  }

  std::string format_results(const Outcome& out) {
    std::string s = "[";
    size_t cell = 0;
    for (size_t i = 0; i < out.types.size(); ++i) {
      size_t n = interp::cell_count(out.types[i]);
      if (i) s += ", ";
      s += format_value(out.types[i], std::span(out.cells).subspan(cell, n));
      cell += n;
    }
    return s + "]";
  }

  Verdict cmd_module(const json& c) {
    current_ = nullptr;
    std::shared_ptr<engine::Instance> inst = instantiate(c);
    current_ = inst;
    if (auto it = c.find("name"); it != c.end()) named_[it->get<std::string>()] = inst;
    return Verdict::Pass;
  }

  Verdict cmd_register(const json& c) {
    std::shared_ptr<engine::Instance> inst = lookup(c, "name");
    linker_.define_instance(c.at("as").get<std::string>(), *inst);
    return Verdict::Pass;
  }

  Verdict cmd_action(const json& c) {
    Outcome out = perform(c.at("action"));
    if (out.trapped) throw Failure("trapped: " + out.trap);
    return Verdict::Pass;
  }

  Verdict cmd_assert_return(const json& c) {
    Outcome out = perform(c.at("action"));
    if (out.trapped) throw Failure("trapped: " + out.trap);
    const json& expected = c.at("expected");
    bool ok = expected.size() == out.types.size();
    std::string want = "[";
    size_t cell = 0;
    for (size_t i = 0; i < expected.size(); ++i) {
      Expected e = parse_expected(expected[i]);
      if (i) want += ", ";
      want += format_expected(e);
      if (i < out.types.size()) {
        size_t n = interp::cell_count(out.types[i]);
        ok = ok && matches(e, out.types[i], std::span(out.cells).subspan(cell, n));
        cell += n;
      }
    }
    want += "]";
    if (!ok) throw Failure("expected " + want + ", got " + format_results(out));
    return Verdict::Pass;
  }

  Verdict cmd_assert_trap(const json& c) {
    if (!c.contains("action")) return cmd_assert_uninstantiable(c);  // module form
    std::string text = c.at("text").get<std::string>();
    Outcome out = perform(c.at("action"));
    if (!out.trapped) throw Failure("expected trap " + quote(text) + ", got " + format_results(out));
    if (!out.trap.starts_with(text)) {
      throw Failure("expected trap " + quote(text) + ", got trap " + quote(out.trap));
    }
    return Verdict::Pass;
  }

  Verdict cmd_assert_module_error(const json& c) {
    if (c.value("module_type", std::string("binary")) == "text") {
      skip(kTextSkip);
      return Verdict::Skip;
    }
    std::string text = c.at("text").get<std::string>();
    try {
      engine_.load_file(dir_ / c.at("filename").get<std::string>());
    } catch (const interp::ModuleError& e) {
      note_message(c, e.what());
      return Verdict::Pass;
    }
    throw Failure("module was accepted; expected " + quote(text));
  }

  Verdict cmd_assert_unlinkable(const json& c) {
    std::string text = c.at("text").get<std::string>();
    try {
      instantiate(c);
    } catch (const Failure&) {
      throw;
    } catch (const engine::LoadError&) {
      throw;
    } catch (const std::exception& e) {
      note_message(c, e.what());
      return Verdict::Pass;
    }
    throw Failure("module was instantiated; expected " + quote(text));
  }

  Verdict cmd_assert_uninstantiable(const json& c) {
    std::string text = c.at("text").get<std::string>();
    std::string message;
    try {
      instantiate(c);
    } catch (const interp::TrapError& e) {
      message = e.what();
    } catch (const StartTrap& e) {
      message = e.what();
    }
    if (message.empty()) throw Failure("module was instantiated; expected trap " + quote(text));
    if (!message.starts_with(text)) {
      throw Failure("expected trap " + quote(text) + ", got trap " + quote(message));
    }
    return Verdict::Pass;
  }

  fs::path dir_;
  const Options& options_;
  FileResult& result_;
  Progress& progress_;
  engine::Engine engine_;
  std::shared_ptr<interp::Store> store_ = std::make_shared<interp::Store>();
  engine::Linker linker_;
  std::map<std::string, std::shared_ptr<engine::Instance>> named_;
  std::shared_ptr<engine::Instance> current_;
};

// The core suite is WebAssembly 2.0, which refuses a second memory ("multiple
// memories"); the proposal suites (and scripts elsewhere) run with multi-memory.
engine::EngineConfig config_for(const fs::path& json_path, const Options& options) {
  engine::EngineConfig config;
  if (options.lazy) config.translation = engine::Translation::Lazy;
  for (const fs::path& part : json_path.parent_path()) {
    if (part == "core") config.multi_memory = false;
  }
  return config;
}

}  // namespace

FileResult run_script(const fs::path& json_path, const std::string& name, const Options& options,
                      Progress* progress) {
  FileResult result;
  result.name = name;
  Progress local;
  Progress& p = progress ? *progress : local;
  p = Progress{};
  json doc;
  try {
    std::ifstream in(json_path);
    if (!in) throw std::runtime_error("cannot open " + json_path.string());
    doc = json::parse(in);
  } catch (const std::exception& e) {
    ++p.failed;
    result.failures.push_back("cannot read script: " + std::string(e.what()));
    result.counts = p;
    return result;
  }
  const json& commands = doc["commands"];
  Script script(json_path.parent_path(), options, config_for(json_path, options), result, p);
  if (auto it = doc.find("unconvertible"); it != doc.end() && it->is_string()) {
    // The build's wast2json could not convert the script (spec-tests/CMakeLists.txt):
    // the whole file counts as one skip with the converter's reason.
    script.skip_many(1, it->get<std::string>());
  } else {
    script.run(commands);
  }
  result.counts = p;
  return result;
}

}  // namespace wippy::spectest
