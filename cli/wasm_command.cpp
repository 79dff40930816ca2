// `wippy wasm`: runs a module without a project, either as a WASI command (`_start`)
// or by invoking one export with numeric arguments.
#include "cli/wasm_command.h"

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <memory>
#include <vector>

#include "cli/wasm_args.h"
#include "engine/backtrace.h"
#include "engine/engine.h"
#include "wasi/command.h"
#include "wasi/wasi.h"

namespace wippy::cli {

const char* const kWasmUsage =
    "usage: wippy wasm FILE.wasm [ARGS...] [--fuel N] [--slice N] [--stats]\n"
    "       wippy wasm FILE.wasm --invoke NAME [VALUES...] [--fuel N] [--slice N] [--stats]\n"
    "\n"
    "Without --invoke, runs FILE as a WASI command (its _start export) with ARGS as its\n"
    "arguments and exits with its exit code. With --invoke, calls the export NAME with\n"
    "VALUES converted to its parameter types and prints its results, one per line.\n"
    "\n"
    "  --invoke NAME  call this export instead of _start\n"
    "  --fuel N       total fuel limit (1 unit per instruction); traps with 'fuel exhausted'\n"
    "  --slice N      run in budgets of N fuel units (the result is the same for any N)\n"
    "  --stats        print fuel consumed, wall time and peak value-stack cells to stderr\n"
    "  --no-fuel-metering  translate without fuel counting (to measure its cost; no --fuel/--slice)\n"
    "  --dir HOST[::GUEST]     preopen directory HOST as GUEST (default: HOST) for the guest\n"
    "  --ro-dir HOST[::GUEST]  the same, read-only (writes fail with EROFS)\n"
    "  --env NAME=VALUE        an environment variable for the guest (repeatable)\n"
    "  --             every word after it is an argument\n"
    "\n"
    "Exit codes: the guest's exit code (255 if above 255); 1 if it trapped; 2 for a bad\n"
    "command line, an unreadable, malformed or invalid module, or an import that cannot\n"
    "be linked.\n";

namespace {

using interp::FuncType;

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

void print_trap(const interp::Trap& trap) {
  std::fflush(stdout);
  std::fprintf(stderr, "wippy: trap: %s\n%s", trap.message.c_str(), engine::format_backtrace(trap).c_str());
}

struct Stats {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  void print(const engine::Instance* inst, const wasi::RunOutcome* out) const {
    double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
    std::fflush(stdout);
    std::fprintf(stderr, "fuel consumed: %llu\n",
                 static_cast<unsigned long long>(inst ? inst->store().fuel_consumed : 0));
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
        for (interp::ValType t : results_type->results) {
          std::printf("%s\n", format_value(t, out.results.data() + cell).c_str());
          cell += interp::cell_count(t);
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

int run(const WasmOptions& opt) {
  Stats stats;
  std::vector<uint8_t> bytes;
  std::string error;
  if (!read_file(opt.file, bytes, error)) return fail(error);

  engine::Engine engine({.fuel_metering = opt.fuel_metering});
  engine::ModulePtr module;
  try {
    module = engine.load(bytes);
  } catch (const interp::ModuleError& e) {
    return fail(opt.file + ": " + e.describe());
  } catch (const std::exception& e) {
    return fail(opt.file + ": " + e.what());
  }

  // --invoke: find the export and convert the arguments before instantiating.
  const FuncType* type = nullptr;
  std::vector<uint64_t> cells;
  if (opt.invoke) {
    const interp::Export* exp = module->find_export(*opt.invoke);
    if (!exp) return fail("unknown export: " + *opt.invoke);
    if (exp->kind != interp::ExternKind::Func)
      return fail("export " + *opt.invoke + " is a " + interp::extern_kind_name(exp->kind) + ", not a function");
    type = &module->func_type(exp->index);
    if (type->params.size() != opt.args.size())
      return fail("parameter count mismatch: expected " + std::to_string(type->params.size()) +
                  ", got " + std::to_string(opt.args.size()));
    try {
      for (size_t i = 0; i < opt.args.size(); i++) cells.push_back(parse_value(type->params[i], opt.args[i]));
    } catch (const UsageError& e) {
      return fail(e.what());
    }
  } else if (const interp::Export* exp = module->find_export("_start");
             !exp || exp->kind != interp::ExternKind::Func) {
    return fail(opt.file + " exports no _start function (use --invoke NAME to call an export)");
  }

  wasi::WasiContext ctx;
  ctx.args.push_back(opt.file);
  if (!opt.invoke) ctx.args.insert(ctx.args.end(), opt.args.begin(), opt.args.end());
  ctx.env = opt.env;
  ctx.stdin_source = wasi::file_source(stdin);
  try {
    for (const WasmOptions::Mount& m : opt.mounts) ctx.mount(m.host, m.guest, m.read_only);
  } catch (const std::exception& e) {
    return fail(e.what());
  }
  engine::Linker linker;
  wasi::add_to_linker(linker, ctx);

  engine::Limits limits;
  limits.fuel = opt.fuel;
  std::unique_ptr<engine::Instance> inst;
  try {
    inst = std::make_unique<engine::Instance>(linker, module, limits);
  } catch (const interp::LinkError& e) {
    return fail(opt.file + ": " + e.what());
  } catch (const interp::TrapError& e) {
    std::fprintf(stderr, "wippy: trap: %s\n", e.what());
    return kExitTrap;
  }

  wasi::RunOutcome out;
  if (opt.invoke) {
    out = wasi::run_start(*inst, opt.slice);
    if (out.kind == wasi::RunOutcome::Kind::Returned) {
      std::unique_ptr<interp::Execution> ex = inst->call(*opt.invoke, cells);
      wasi::RunOutcome call = wasi::drive(*ex, opt.slice);
      call.peak_stack_cells = std::max(call.peak_stack_cells, out.peak_stack_cells);
      call.slices += out.slices;
      out = std::move(call);
    } else {
      type = nullptr;
    }
  } else {
    out = wasi::run_command(*inst, opt.slice);
  }
  int code = finish(out, type);
  if (opt.stats) stats.print(inst.get(), &out);
  return code;
}

}  // namespace

int wasm_command(std::span<const std::string> words) {
  WasmOptions opt;
  try {
    opt = parse_wasm_options(words);
  } catch (const UsageError& e) {
    std::fprintf(stderr, "wippy wasm: %s\n%s", e.what(), kWasmUsage);
    return kExitUsage;
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
