// `wippy wasm`: runs a module or component without a project, either as a WASI
// command (`_start`, a component's `wasi:cli/run`) or by invoking one export.
#include "cli/wasm_command.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <optional>
#include <vector>

#include "cli/main_command.h"
#include "cli/wasm_args.h"
#include "component/loader.h"
#include "component/value_text.h"
#include "engine/backtrace.h"
#include "engine/engine.h"
#include "procs/wasm_program.h"
#include "wasi/command.h"
#include "wasi/p2.h"
#include "wasi/wasi.h"

namespace wippy::cli {

const char* const kWasmUsage =
    "usage: wippy wasm [OPTIONS] FILE.wasm [ARGS...]\n"
    "       wippy wasm [OPTIONS] --invoke NAME FILE.wasm [VALUES...]\n"
    "\n"
    "Without --invoke, runs FILE as a WASI command (its _start export, a component's\n"
    "wasi:cli/run) with ARGS as its arguments and exits with its exit code. With --invoke,\n"
    "calls the export NAME with VALUES converted to its parameter types and prints its\n"
    "results, one per line. Options go before FILE (as in wasmtime) or after it.\n"
    "\n"
    "  --invoke NAME  call this export instead of _start (a component's: NAME or IFACE#NAME,\n"
    "                 VALUES written as WAVE text: 42, \"text\", [1, 2], {x: 1}, some(3), ok(\"y\"))\n"
    "  --dir HOST[::GUEST]     preopen directory HOST as GUEST (default: HOST) for the guest\n"
    "  --ro-dir HOST[::GUEST]  the same, read-only (writes fail with EROFS)\n"
    "  --env NAME[=VALUE]      an environment variable for the guest (repeatable); NAME alone\n"
    "                          passes the host's value, if it has one\n"
    "  --fuel N       total fuel limit (1 unit per instruction); traps with 'fuel exhausted'\n"
    "  --max-memory SIZE  largest linear memory, in bytes or with K, M, G (binary) suffix;\n"
    "                 growing beyond it fails (memory.grow returns -1)\n"
    "  --timeout DURATION  wall-clock limit such as 500ms, 2s or 1m; traps with\n"
    "                 'execution time limit exceeded' (checked between fuel slices)\n"
    "  --slice N      run in budgets of N fuel units (the result is the same for any N)\n"
    "  --stats        print fuel consumed, wall time and peak value-stack cells to stderr\n"
    "  --no-fuel-metering  translate without fuel counting (to measure its cost; no --fuel,\n"
    "                 --slice or --timeout)\n"
    "  --eager-translation  translate every function at load (by default modules with 1 MiB\n"
    "                 of code or more are translated lazily, each function on its first call)\n"
    "  -h, --help     show this message\n"
    "  --             every word after it is an argument\n"
    "\n"
    "Exit codes: the guest's exit code (255 if above 255); 134 if it trapped (as wasmtime);\n"
    "2 for a bad command line, an unreadable, malformed or invalid module, or an import\n"
    "that cannot be linked.\n"
    "Environment: WIPPY_LOG=trace logs every WASI call (preview1) to stderr.\n";

namespace {

using engine::FuncType;

int fail(const std::string& message) {
  std::fflush(stdout);
  std::fprintf(stderr, "wippy: %s\n", message.c_str());
  return kExitUsage;
}

bool read_file(const std::string& path, std::vector<uint8_t>& out, std::string& error) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    error = "cannot read " + path + ": " + std::strerror(errno);
    return false;
  }
  uint8_t buf[65536];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.insert(out.end(), buf, buf + n);
  bool ok = !std::ferror(f);
  if (!ok) error = "cannot read " + path + ": " + std::strerror(errno);
  std::fclose(f);
  return ok;
}

void print_trap(const engine::Trap& trap) {
  std::fflush(stdout);
  std::fprintf(stderr, "wippy: trap: %s\n%s", trap.message.c_str(), engine::format_backtrace(trap).c_str());
}

struct Stats {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  void print(const engine::Store* store, const wasi::RunOutcome* out) const {
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::fflush(stdout);
    std::fprintf(stderr, "fuel consumed: %llu\n",
                 static_cast<unsigned long long>(store ? store->fuel_consumed : 0));
    std::fprintf(stderr, "wall time: %.3f ms\n", ms);
    std::fprintf(stderr, "peak value-stack cells: %zu\n", out ? out->peak_stack_cells : size_t{0});
    if (out) std::fprintf(stderr, "slices: %llu\n", static_cast<unsigned long long>(out->slices));
  }
};

// Maps a finished run to the exit code, printing results or the trap.
int finish(const wasi::RunOutcome& out, const FuncType* results_type) {
  switch (out.kind) {
    case wasi::RunOutcome::Kind::Returned: {
      if (results_type) {
        size_t cell = 0;
        for (engine::ValType t : results_type->results) {
          std::printf("%s\n", format_value(t, out.results.data() + cell).c_str());
          cell += engine::cell_count(t);
        }
      }
      std::fflush(stdout);
      return 0;
    }
    case wasi::RunOutcome::Kind::Exited:
      std::fflush(stdout);
      // The OS keeps 8 bits: clamp so that a non-zero code never reads as success.
      return out.exit_code > 255 ? 255 : static_cast<int>(out.exit_code);
    case wasi::RunOutcome::Kind::Trapped:
      print_trap(out.trap);
      return kExitTrap;
    case wasi::RunOutcome::Kind::Suspended:
      std::fflush(stdout);
      std::fprintf(stderr, "wippy: a host function suspended with an operation `wippy wasm` cannot complete\n");
      return kExitTrap;
  }
  return kExitTrap;
}

engine::Limits run_limits(const WasmOptions& opt) {
  engine::Limits limits;
  limits.fuel = opt.fuel;
  if (opt.max_memory_pages) {
    limits.max_memory_pages = opt.max_memory_pages;
    limits.max_total_memory_pages = std::max<uint64_t>(limits.max_total_memory_pages, opt.max_memory_pages);
  }
  return limits;
}

// The budget per run() call and the --timeout deadline, which is checked between
// budgets: with a timeout and no --slice, budgets of kTimeoutSlice fuel units.
struct RunControl {
  static constexpr int64_t kTimeoutSlice = 1'000'000;  // a millisecond or so of guest code
  int64_t slice;
  std::optional<wasi::Deadline> deadline;

  explicit RunControl(const WasmOptions& opt) : slice(opt.slice) {
    if (!opt.timeout_ms) return;
    if (!slice) slice = kTimeoutSlice;
    using Clock = std::chrono::steady_clock;
    Clock::time_point now = Clock::now();
    // A limit beyond what the clock can count (centuries) is no limit: saturate.
    auto room = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::time_point::max() - now).count();
    Clock::time_point at = opt.timeout_ms >= static_cast<uint64_t>(room)
                               ? Clock::time_point::max()
                               : now + std::chrono::milliseconds(static_cast<int64_t>(opt.timeout_ms));
    deadline = wasi::Deadline{at, opt.timeout_ms};
  }
  const wasi::Deadline* deadline_ptr() const { return deadline ? &*deadline : nullptr; }
};

// The guest's WASI context: argv, environment, stdin, mounts. Returns an error or "".
std::string setup_context(const WasmOptions& opt, wasi::WasiContext& ctx) {
  ctx.args.push_back(opt.file);
  if (!opt.invoke) ctx.args.insert(ctx.args.end(), opt.args.begin(), opt.args.end());
  ctx.env = opt.env;
  ctx.stdin_source = wasi::file_source(stdin);
  try {
    for (const WasmOptions::Mount& m : opt.mounts) ctx.mount(m.host, m.guest, m.read_only);
  } catch (const std::exception& e) {
    return e.what();
  }
  return "";
}

// A component: `--invoke NAME` with WAVE values, else its wasi:cli/run export as a
// command (exit 0 for ok, 1 for err).
int run_component(const WasmOptions& opt, const engine::Engine& engine, std::span<const uint8_t> bytes,
                  const Stats& stats) {
  std::shared_ptr<const component::Component> comp;
  try {
    comp = component::load_component(bytes, {}, engine.decode_options());
  } catch (const component::ComponentError& e) {
    return fail(opt.file + ": " + e.describe());
  } catch (const std::exception& e) {
    return fail(opt.file + ": " + e.what());
  }
  std::string name = opt.invoke ? *opt.invoke : component::cli_run_export(*comp);
  if (name.empty()) {
    std::string exports;
    for (const std::string& n : component::exported_funcs(*comp)) exports += (exports.empty() ? "" : ", ") + n;
    return fail(opt.file + " is a component without a wasi:cli/run export (use --invoke NAME to call one of: " +
                (exports.empty() ? "none" : exports) + ")");
  }
  const component::Type* func = component::find_export_func(*comp, name);
  if (!func) return fail(component::missing_export_message(*comp, name));
  std::vector<component::Value> args;
  if (opt.invoke) {
    const auto& params = func->params();
    if (params.size() != opt.args.size())
      return fail("parameter count mismatch: expected " + std::to_string(params.size()) + ", got " + std::to_string(opt.args.size()));
    for (size_t i = 0; i < params.size(); ++i) {
      try {
        args.push_back(component::parse_value_text(opt.args[i], *params[i].type));
      } catch (const component::ValueTextError& e) {
        return fail("argument " + std::to_string(i + 1) + " (" + params[i].name + ": " + component::type_name(*params[i].type) + "): " + e.what());
      }
    }
  }
  wasi::WasiContext ctx;
  if (std::string err = setup_context(opt, ctx); !err.empty()) return fail(err);
  component::Linker linker;
  engine::Limits limits = run_limits(opt);
  std::unique_ptr<component::ComponentInstance> inst;
  std::unique_ptr<component::Call> call;
  try {
    wasi::add_p2_to_linker(linker, *comp, ctx);  // every group: `wippy wasm` is the user's own command
    procs::check_wasi_imports(*comp, linker);
    inst = std::make_unique<component::ComponentInstance>(comp, linker, limits);
    call = inst->prepare(name, args);
  } catch (const std::exception& e) {
    return fail(opt.file + ": " + e.what());
  }
  RunControl control(opt);
  wasi::RunOutcome out = wasi::drive(call->execution(), control.slice, control.deadline_ptr());
  int code = 0;
  if (out.kind == wasi::RunOutcome::Kind::Returned) {
    try {
      std::vector<component::Value> results = call->results();
      if (!results.empty() && opt.invoke) std::printf("%s\n", component::to_string(results[0], *func->result()).c_str());
      // A command's result<_, _>: err is a failure.
      if (!opt.invoke && !results.empty() && results[0].kind == component::Kind::Result) code = results[0].case_index() == 0 ? 0 : 1;
      std::fflush(stdout);
    } catch (const std::exception& e) {
      std::fflush(stdout);
      std::fprintf(stderr, "wippy: %s\n", e.what());
      code = kExitTrap;
    }
  } else {
    code = finish(out, nullptr);
  }
  if (opt.stats) stats.print(&inst->store(), &out);
  return code;
}

int run(const WasmOptions& opt) {
  Stats stats;
  std::vector<uint8_t> bytes;
  std::string error;
  if (!read_file(opt.file, bytes, error)) return fail(error);
  engine::Engine engine({.fuel_metering = opt.fuel_metering,
                         .translation = opt.eager_translation ? engine::Translation::Eager : engine::Translation::Auto});
  if (component::is_component(bytes)) return run_component(opt, engine, bytes, stats);
  engine::ModulePtr module;
  try {
    module = engine.load(bytes);
  } catch (const engine::ModuleError& e) {
    return fail(opt.file + ": " + e.describe());
  } catch (const std::exception& e) {
    return fail(opt.file + ": " + e.what());
  }

  // --invoke: find the export and convert the arguments before instantiating.
  const FuncType* type = nullptr;
  std::vector<uint64_t> cells;
  if (opt.invoke) {
    const engine::Export* exp = module->find_export(*opt.invoke);
    if (!exp) return fail("unknown export: " + *opt.invoke);
    if (exp->kind != engine::ExternKind::Func)
      return fail("export " + *opt.invoke + " is a " + engine::extern_kind_name(exp->kind) + ", not a function");
    type = &module->func_type(exp->index);
    if (type->params.size() != opt.args.size())
      return fail("parameter count mismatch: expected " + std::to_string(type->params.size()) +
                  ", got " + std::to_string(opt.args.size()));
    try {
      for (size_t i = 0; i < opt.args.size(); i++) cells.push_back(parse_value(type->params[i], opt.args[i]));
    } catch (const UsageError& e) {
      return fail(e.what());
    }
  } else if (const engine::Export* exp = module->find_export("_start");
             !exp || exp->kind != engine::ExternKind::Func) {
    return fail(opt.file + " exports no _start function (use --invoke NAME to call an export)");
  }

  wasi::WasiContext ctx;
  if (std::string err = setup_context(opt, ctx); !err.empty()) return fail(err);
  engine::Linker linker;
  wasi::add_to_linker(linker, ctx);

  engine::Limits limits = run_limits(opt);
  std::unique_ptr<engine::Instance> inst;
  try {
    inst = std::make_unique<engine::Instance>(linker, module, limits);
  } catch (const engine::LinkError& e) {
    return fail(opt.file + ": " + e.what());
  } catch (const engine::TrapError& e) {
    std::fprintf(stderr, "wippy: trap: %s\n", e.what());
    return kExitTrap;
  }

  RunControl control(opt);
  wasi::RunOutcome out;
  if (opt.invoke) {
    // The start function, a reactor's _initialize, then the export: each call's
    // outcome replaces the last, keeping the peak and the slice count.
    auto then = [&](const std::string& name, std::span<const uint64_t> args) {
      wasi::RunOutcome next = wasi::drive(*inst->call(name, args), control.slice, control.deadline_ptr());
      next.peak_stack_cells = std::max(next.peak_stack_cells, out.peak_stack_cells);
      next.slices += out.slices;
      out = std::move(next);
    };
    out = wasi::run_start(*inst, control.slice, control.deadline_ptr());
    bool ok = out.kind == wasi::RunOutcome::Kind::Returned;
    if (ok && procs::is_reactor(*module) && *opt.invoke != "_initialize") {
      then("_initialize", {});
      ok = out.kind == wasi::RunOutcome::Kind::Returned;
    }
    if (ok) then(*opt.invoke, cells);
    else type = nullptr;
  } else {
    out = wasi::run_command(*inst, control.slice, control.deadline_ptr());
  }
  int code = finish(out, type);
  if (opt.stats) stats.print(&inst->store(), &out);
  return code;
}

}  // namespace

int wasm_command(std::span<const std::string> words) {
  WasmOptions opt;
  try {
    opt = parse_wasm_options(words);
  } catch (const UsageError& e) {
    return usage_error("wasm", e.what());
  }
  if (opt.help) {
    std::fputs(kWasmUsage, stdout);
    return 0;
  }
  try {
    return run(opt);
  } catch (const std::exception& e) {
    return fail(std::string("error: ") + e.what());
  }
}

}  // namespace wippy::cli
