// Execution: setting up a call, running it in budgets, host calls and suspension,
// traps and their backtraces. The run loop itself is in exec_loop.cpp.
#include "interp/execution.h"

#include <algorithm>
#include <cstring>
#include <sstream>
#include <stdexcept>

namespace wippy::interp {

namespace {
// Value stack cells a new execution starts with (512 bytes); it doubles when a frame
// does not fit. Small, because tens of thousands of idle processes each hold one.
constexpr size_t kInitialStackCells = 64;
}  // namespace

const char* run_status_name(RunStatus s) {
  switch (s) {
    case RunStatus::Ready: return "ready";
    case RunStatus::Done: return "done";
    case RunStatus::Trapped: return "trapped";
    case RunStatus::OutOfBudget: return "out of budget";
    case RunStatus::Suspended: return "suspended";
  }
  return "?";
}

TrapCode trap_code_of(std::string_view message) {
  struct Known {
    std::string_view text;
    TrapCode code;
  };
  static constexpr Known kKnown[] = {
      {"fuel exhausted", TrapCode::FuelExhausted},
      {"call stack exhausted", TrapCode::StackOverflow},
      {"out of bounds memory access", TrapCode::MemoryOutOfBounds},
      {"out of bounds table access", TrapCode::TableOutOfBounds},
      {"unreachable", TrapCode::Unreachable},
      {"integer divide by zero", TrapCode::IntegerDivideByZero},
      {"integer overflow", TrapCode::IntegerOverflow},
      {"invalid conversion to integer", TrapCode::InvalidConversion},
      {"indirect call type mismatch", TrapCode::IndirectCallTypeMismatch},
      {"undefined element", TrapCode::UndefinedElement},
      {"uninitialized element", TrapCode::UninitializedElement},
  };
  for (const Known& k : kKnown) {
    if (message == k.text || (message.starts_with(k.text) && message[k.text.size()] == ' ')) return k.code;
  }
  return TrapCode::HostError;
}

// A trap in a deep recursion keeps this many innermost and outermost frames.
constexpr size_t kBacktraceInner = 24, kBacktraceOuter = 8;

std::string Trap::describe() const {
  std::ostringstream out;
  out << message;
  for (size_t i = 0; i < backtrace.size(); ++i) {
    const BacktraceFrame& f = backtrace[i];
    if (omitted_frames && i == kBacktraceInner) out << "\n  ... " << omitted_frames << " more frames";
    out << "\n  at func[" << f.func_index << "]";
    if (!f.name.empty()) out << " " << f.name;
    out << " (offset 0x" << std::hex << f.code_offset << std::dec << ")";
  }
  return out.str();
}

const void* const* Execution::handler_table() {
  static const void* const* table = [] {
    execute(nullptr, 0);
    return table_;
  }();
  return table;
}

Execution::Execution(Store& store, FuncInst* func, std::span<const uint64_t> args)
    : store_(&store), entry_(func) {
  set_args(args);
}

Execution::~Execution() = default;

void Execution::set_args(std::span<const uint64_t> args) {
  const size_t nparams = cell_count(entry_->type->params);
  if (args.size() != nparams) {
    throw std::invalid_argument("parameter count mismatch: expected " + std::to_string(nparams) +
                                " cells, got " + std::to_string(args.size()));
  }
  // A reused stack keeps its size; a cell is always written before it is read (the
  // first run zeroes the entry frame's locals), so old contents do not leak into a call.
  size_t cells = std::max<size_t>({kInitialStackCells, nparams, cell_count(entry_->type->results)});
  if (stack_.size() < cells) stack_.resize(cells);
  std::copy(args.begin(), args.end(), stack_.begin());
}

void Execution::reset(Store& store, FuncInst* func, std::span<const uint64_t> args) {
  store_ = &store;
  entry_ = func;
  status_ = RunStatus::Ready;
  started_ = false;
  frames_.set_size(0);
  resume_at_ = 0;
  pc_ = nullptr;
  results_.clear();
  trap_.code = TrapCode::HostError;
  trap_.message.clear();
  trap_.backtrace.clear();
  trap_.omitted_frames = 0;
  pending_.reset();
  pending_results_ = 0;
  resume_trap_message_.reset();
  host_fuel_ = 0;
  fuel_consumed_ = 0;
  user_data = nullptr;
  set_args(args);
}

bool Execution::grow_stack(size_t needed_cells) {
  size_t limit = store_->limits().max_stack_cells;
  if (needed_cells > limit) return false;
  const uint64_t* old_base = stack_.data();
  stack_.resize(std::min(limit, std::max(needed_cells, stack_.size() * 2)));
  for (size_t i = 0; i < frames_.size(); ++i) {
    Frame& f = frames_.data()[i];
    f.fp = stack_.data() + (f.fp - old_base);
  }
  return true;
}

RunStatus Execution::run(int64_t budget) {
  switch (status_) {
    case RunStatus::Done:
    case RunStatus::Trapped:
      return status_;
    case RunStatus::Suspended:
      throw std::logic_error("run() on a suspended execution: call resume() first");
    case RunStatus::Ready:
    case RunStatus::OutOfBudget:
      break;
  }
  if (!started_) {
    started_ = true;
    if (entry_->host) {
      // A host function called directly: its charges count against the limit only.
      uint64_t limit = store_->limits().fuel;
      uint64_t allowed = limit == 0 ? UINT64_MAX : limit - std::min(limit, store_->fuel_consumed);
      status_ = call_host(entry_, stack_.data(), allowed);
      store_->fuel_consumed += host_fuel_;
      fuel_consumed_ += host_fuel_;
      if (status_ != RunStatus::Ready) return status_;
    } else {
      const Function* f = entry_->code;
      size_t need = f->frame_size;
      if (need > stack_.size() && !grow_stack(need)) {
        set_trap("call stack exhausted", nullptr, TrapCode::StackOverflow);
        return status_ = RunStatus::Trapped;
      }
      if (frames_.full() && !frames_.grow(store_->limits().max_call_depth)) {
        set_trap("call stack exhausted", nullptr, TrapCode::StackOverflow);
        return status_ = RunStatus::Trapped;
      }
      frames_.push(Frame{f, entry_->instance, nullptr, stack_.data()});
      std::fill(stack_.begin() + f->num_params, stack_.begin() + f->locals_end, 0);
      pc_ = ensure_translated(*entry_->instance->module, *f);  // the code's start: its Fuel charges
      if (pc_ == nullptr) {
        set_trap("out of memory translating a function", nullptr, TrapCode::HostError);
        return status_ = RunStatus::Trapped;
      }
    }
  }
  if (frames_.empty()) {  // a host entry function completed (possibly after resume)
    results_.assign(stack_.begin(), stack_.begin() + cell_count(entry_->type->results));
    return status_ = RunStatus::Done;
  }
  // A negative budget would make a taken branch look out of fuel in unmetered code.
  return status_ = execute(this, std::max<int64_t>(budget, 0));
}

RunStatus Execution::call_host(FuncInst* f, uint64_t* args, uint64_t fuel_allowed) {
  const HostFunc& h = *f->host;
  size_t args_at = static_cast<size_t>(args - stack_.data());
  size_t nresults = cell_count(h.type.results);
  uint64_t small[8];
  std::vector<uint64_t> large;
  uint64_t* results = small;
  if (nresults > 8) {
    large.resize(nresults);
    results = large.data();
  }
  std::fill_n(results, nresults, 0);

  HostCall call;
  call.caller = frames_.empty() ? nullptr : frames_.back().instance;
  call.execution = this;
  call.user = user_data;
  call.fuel_allowed = fuel_allowed;
  HostResult r = h.fn(call, args, results);
  host_fuel_ = call.fuel_charged;
  if (call.refused_fuel) r = HostResult::trap("fuel exhausted");
  const TrapCode code = call.refused_fuel ? TrapCode::FuelExhausted : TrapCode::HostError;

  switch (r.kind) {
    case HostResult::Kind::Ok:
      std::copy_n(results, nresults, stack_.begin() + args_at);
      return RunStatus::Ready;
    case HostResult::Kind::Trap:
      set_trap(r.trap_message, pc_, code);
      trap_.backtrace.insert(trap_.backtrace.begin(), BacktraceFrame{f->index, h.name, 0});
      return RunStatus::Trapped;
    case HostResult::Kind::Suspend:
      pending_ = std::move(r.pending);
      pending_results_ = static_cast<uint32_t>(nresults);
      resume_at_ = args_at;
      return RunStatus::Suspended;
  }
  return RunStatus::Trapped;
}

void Execution::resume(std::span<const uint64_t> results) {
  if (status_ != RunStatus::Suspended) throw std::logic_error("resume() without a suspended host call");
  if (resume_trap_message_) {
    std::string message = std::move(*resume_trap_message_);
    resume_trap_message_.reset();
    resume_trap(std::move(message));
    return;
  }
  if (results.size() != pending_results_) {
    throw std::invalid_argument("resume: expected " + std::to_string(pending_results_) + " results, got " +
                                std::to_string(results.size()));
  }
  std::copy(results.begin(), results.end(), stack_.begin() + resume_at_);
  pending_.reset();
  status_ = RunStatus::Ready;
}

void Execution::resume_trap(std::string message) {
  if (status_ != RunStatus::Suspended) throw std::logic_error("resume_trap() without a suspended host call");
  resume_trap_message_.reset();
  pending_.reset();
  set_trap(std::move(message), pc_, TrapCode::HostError);
  status_ = RunStatus::Trapped;
}

// Index of `f` in its module's function index space.
static uint32_t function_index(const Instance& inst, const Function* f) {
  const Module& m = *inst.module;
  for (size_t i = 0; i < m.functions.size(); ++i)
    if (m.functions[i].get() == f) return static_cast<uint32_t>(i + m.num_imported_funcs);
  return 0;
}

void Execution::set_loop_trap(const char* message, int64_t index, const Slot* pc) {
  set_trap(index < 0 ? std::string(message) : std::string(message) + " " + std::to_string(index), pc,
           trap_code_of(message));
}

void Execution::set_trap(std::string message, const Slot* pc, TrapCode code) {
  trap_.code = code;
  trap_.message = std::move(message);
  trap_.backtrace.clear();
  trap_.omitted_frames = 0;
  for (size_t i = frames_.size(); i-- > 0;) {
    size_t depth = frames_.size() - 1 - i;  // 0 = innermost
    if (depth >= kBacktraceInner && i >= kBacktraceOuter) {
      trap_.omitted_frames++;
      continue;
    }
    const Frame& frame = frames_[i];
    const Slot* at = i + 1 == frames_.size() ? pc : frames_[i + 1].return_pc;
    BacktraceFrame bf;
    bf.func_index = function_index(*frame.instance, frame.func);
    bf.name = frame.instance->module->func_name(bf.func_index);
    bf.code_offset = frame.func->body_offset;
    const Slot* lazy_entry = frame.instance->module->lazy_entry;
    if (at && !(at >= lazy_entry && at <= lazy_entry + 2)) {  // not in an untranslated function
      // `at` points past the instruction's handler slot; step back into it.
      size_t slot = static_cast<size_t>(at - frame.func->code.data());
      bf.code_offset = frame.func->wasm_offset_of(slot ? slot - 1 : 0);
    }
    trap_.backtrace.push_back(std::move(bf));
  }
}

}  // namespace wippy::interp
