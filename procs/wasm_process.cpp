// WasmProcess: lazy instantiation, then the start function and the export, run in
// fuel slices on the dispatcher; suspensions on AsyncOps; limits.
#include "procs/wasm_process.h"

#include <stdexcept>

#include "engine/backtrace.h"
#include "procs/block_pool.h"
#include "procs/wasi_op.h"
#include "wasi/context.h"  // wasi::ExitRequest (proc_exit), header only

namespace wippy::procs {

namespace {

std::string time_limit_message(uint64_t ms) {
  return "execution time limit exceeded (" + std::to_string(ms) + " ms)";
}

// Wraps every host function so that the time limit is checked after each call that
// completed, not only between slices: a run of long host calls inside one slice
// overruns the limit by one call at most.
void check_time_after_host_calls(engine::Linker& linker, const EventLoop& loop, Clock::time_point deadline, uint64_t ms) {
  linker.wrap_host_funcs([&loop, deadline, ms](engine::HostFn fn) -> engine::HostFn {
    return [fn = std::move(fn), &loop, deadline, ms](engine::HostCall& call, const uint64_t* args, uint64_t* results) {
      engine::HostResult r = fn(call, args, results);
      // A suspension is checked when the process resumes (WasmProcess::step).
      if (r.kind == engine::HostResult::Kind::Ok && loop.now() >= deadline)
        return engine::HostResult::trap(time_limit_message(ms));
      return r;
    };
  });
}

}  // namespace

WasmProcess::WasmProcess(WasmProcessConfig config) : cfg_(std::move(config)) {
  if (!cfg_.module && !cfg_.component) throw std::invalid_argument("WasmProcess: no module");
  if (!cfg_.args.empty() && cfg_.args.size() <= kInlineArgs) {
    for (Value& v : cfg_.args) std::construct_at(&inline_args_[inline_count_++], std::move(v));
    std::vector<Value>().swap(cfg_.args);
  }
}

WasmProcess::~WasmProcess() {
  close();
  std::destroy_n(inline_args_, inline_count_);
}

std::span<const Value> WasmProcess::args() const {
  if (inline_count_) return {inline_args_, inline_count_};
  return cfg_.args;
}

void* WasmProcess::operator new(size_t size) { return detail::pooled_new<WasmProcess>(size); }
void WasmProcess::operator delete(void* p, size_t size) noexcept { detail::pooled_delete<WasmProcess>(p, size); }

uint64_t WasmProcess::fuel_consumed() const { return program_ ? program_->store().fuel_consumed : 0; }

ProcessUsage WasmProcess::usage() const {
  if (!program_) return {};
  return {program_->store().fuel_consumed, program_->memory_bytes()};
}

StepResult WasmProcess::instantiate(ProcessContext& ctx) {
  if (cfg_.limits.max_execution_ms) {
    deadline_ = saturating_add(ctx.loop().now(), saturating_ms(cfg_.limits.max_execution_ms));
    deadline_timer_ = ctx.wake_at(*deadline_);
  }
  engine::Limits limits;
  if (cfg_.limits.fuel) limits.fuel = cfg_.limits.fuel;
  if (cfg_.limits.max_memory_pages) limits.max_memory_pages = cfg_.limits.max_memory_pages;
  if (cfg_.limits.max_call_depth) limits.max_call_depth = cfg_.limits.max_call_depth;
  try {
    // A process without imports shares one empty set: the process stays small for the
    // thread that spawns it, and the worker builds no linkers.
    static const WasmImports kNoImports;
    const WasmImports* imports = &kNoImports;
    if (cfg_.imports) {
      imports_ = std::make_unique<WasmImports>();
      cfg_.imports(*imports_, ctx);
      if (deadline_) check_time_after_host_calls(imports_->linker, ctx.loop(), *deadline_, cfg_.limits.max_execution_ms);
      imports = imports_.get();
    }
    // The module moves on: its reference count is shared by every process of it.
    program_ = cfg_.component
                   ? component_program(*imports, std::move(cfg_.component), cfg_.method, args(), limits)
                   : core_program(*imports, std::move(cfg_.module), cfg_.method, args(), limits, cfg_.wit_func);
  } catch (const std::exception& e) {
    return StepResult::fail(e.what());
  }
  return next_call();
}

// Moves on to the program's next call; the process is done when there is none.
StepResult WasmProcess::next_call() {
  WasmCall* next = nullptr;
  try {
    next = program_->next_call();
    if (!next) return StepResult::done(call_ ? call_->result() : Value());
  } catch (const std::exception& e) {
    return StepResult::fail(e.what());
  }
  call_ = next;
  return StepResult::cont();
}

StepResult WasmProcess::step(ProcessContext& ctx) {
  if (!program_) {
    StepResult r = instantiate(ctx);
    if (r.kind == StepResult::Kind::Done) return r;
  }
  if (deadline_ && ctx.loop().now() >= *deadline_)
    return StepResult::fail(time_limit_message(cfg_.limits.max_execution_ms));
  if (op_) {
    if (!completion_->ready()) op_->poll(ctx);
    if (!completion_->ready()) return StepResult::waiting();  // a spurious wake-up
    std::optional<AsyncResult> res = completion_->take();
    if (res) op_->finish(*res);
    op_.reset();
    completion_.reset();
    if (res && res->next) return suspend(std::move(res->next), ctx);  // the host call goes on
    engine::Execution& exec = call_->execution();
    if (res && res->trap)
      exec.resume_trap(*res->trap);
    else
      exec.resume(res ? std::span<const uint64_t>(res->values) : std::span<const uint64_t>());
  }
  return drive(ctx);
}

// Waits for what a host call suspended on: its operation runs on the event loop or
// the I/O pool and wakes the process when done.
StepResult WasmProcess::suspend(std::unique_ptr<engine::HostPending> p, ProcessContext& ctx) {
  if (auto* b = dynamic_cast<wasi::BlockingOp*>(p.get())) {
    p.release();
    p = std::make_unique<WasiBlockingOp>(std::unique_ptr<wasi::BlockingOp>(b));
  }
  if (auto* op = dynamic_cast<AsyncOp*>(p.get())) {
    p.release();
    op_.reset(op);
    completion_ = std::make_shared<Completion>(ctx.waker());
    op_->start(completion_, ctx.loop());
    // If it completed already, the wake-up arrived during this step and the
    // dispatcher runs the process again at once.
    return StepResult::waiting();
  }
  return StepResult::fail("a host function suspended with an operation the process host cannot run");
}

StepResult WasmProcess::drive(ProcessContext& ctx) {
  engine::Execution& exec = call_->execution();
  exec.user_data = &ctx;
  int64_t slice = cfg_.slice > 0 ? cfg_.slice : ctx.slice_budget();
  engine::RunStatus st = exec.run(slice);
  switch (st) {
    case engine::RunStatus::OutOfBudget:
      return StepResult::cont();
    case engine::RunStatus::Done:
      return next_call();
    case engine::RunStatus::Trapped: {
      StepResult r = StepResult::fail(exec.trap().message);
      r.backtrace = engine::format_backtrace(exec.trap());
      return r;
    }
    case engine::RunStatus::Suspended: {
      std::unique_ptr<engine::HostPending> p = exec.take_pending();
      if (auto* exit = dynamic_cast<wasi::ExitRequest*>(p.get())) {
        if (exit->code == 0) return StepResult::done();
        StepResult r = StepResult::fail("exit code " + std::to_string(exit->code));
        r.exit_code = exit->code;
        return r;
      }
      return suspend(std::move(p), ctx);
    }
    default:
      return StepResult::fail(std::string("unexpected execution status: ") + engine::run_status_name(st));
  }
}

void WasmProcess::close() {
  if (op_) op_->cancel();
  op_.reset();
  completion_.reset();
  deadline_timer_.cancel();
  call_ = nullptr;
  program_.reset();
  imports_.reset();
}

}  // namespace wippy::procs
