// wippy:runtime/funcs: call-string / call-bytes for components, call_string /
// call_bytes / result for core modules; one AsyncOp runs the callee.
#include "procs/wasm_funcs.h"

#include <mutex>

#include "component/abi.h"  // kMaxLiftedBytes
#include "component/error.h"
#include "engine/types.h"  // is_valid_utf8
#include "procs/component_values.h"
#include "procs/guest_memory.h"
#include "procs/system.h"

namespace wippy::procs {

namespace {

using engine::FuncType;
using engine::HostCall;
using engine::HostResult;
using engine::ValType;

// What the caller gets: ok with the callee's result, or err with a message.
struct Outcome {
  bool ok = false;
  std::string text;
};

// The callee's end, written by its EXIT (any thread), read by the caller's finish().
struct CalleeEnd {
  std::mutex mu;
  Value value;
  std::optional<std::string> error;
};

// Runs `target` with `input` as a process on the caller's host and completes when it
// ends; finish() turns its end into an Outcome and hands it to `deliver`, which makes
// the suspended host function's result cells.
class FuncCallOp : public AsyncOp {
 public:
  using Deliver = std::function<std::vector<uint64_t>(const Outcome&)>;

  // max_result: the longest result the caller can take (0: any).
  FuncCallOp(ProcessContext& caller, std::string target, std::string input, bool text, const FuncsTargetCheck& check,
             size_t max_result, Deliver deliver)
      : system_(caller.system()), caller_(caller.pid()), target_(std::move(target)), input_(std::move(input)),
        text_(text), max_result_(max_result), check_(check), deliver_(std::move(deliver)) {}

  void start(std::shared_ptr<Completion> done, EventLoop&) override {
    if (text_ && !engine::is_valid_utf8(input_)) return refuse("the input is not valid UTF-8", done);
    if (check_) {
      if (std::optional<std::string> why = check_(target_)) return refuse(*why, done);
    }
    SpawnOptions opts;
    opts.parent = caller_;
    opts.on_exit = [end = end_, done](const Event& ev) {
      {
        std::lock_guard lk(end->mu);
        end->value = ev.value;
        end->error = ev.error;
      }
      done->complete(AsyncResult{});
    };
    std::vector<Value> args;
    args.emplace_back(std::move(input_));
    SpawnResult r = system_.spawn(caller_.host.str(), target_, std::move(args), std::move(opts));
    if (!r) return refuse(r.error, done);
    callee_ = r.pid;
  }

  // The caller ended while waiting: the callee's result has no one to go to.
  void cancel() override {
    if (callee_.valid()) system_.terminate(callee_);
  }

  void finish(AsyncResult& result) override { result.values = deliver_(outcome()); }

 private:
  void refuse(const std::string& why, const std::shared_ptr<Completion>& done) {
    {
      std::lock_guard lk(end_->mu);
      end_->error = why;
    }
    done->complete(AsyncResult{});
  }

  Outcome outcome() const {
    std::lock_guard lk(end_->mu);
    const std::string failed = "funcs call to " + target_ + " failed: ";
    if (end_->error) return {false, failed + *end_->error};
    const Value& v = end_->value;
    if (!v.is_string()) return {false, failed + "it returned " + v.type_name() + ", not a string"};
    const std::string& s = v.as_string();
    if (text_ && !engine::is_valid_utf8(s)) return {false, failed + "its result is not valid UTF-8"};
    if (max_result_ && s.size() > max_result_)
      return {false, failed + "its result of " + std::to_string(s.size()) + " bytes is longer than the " +
                         std::to_string(max_result_) + " bytes this call can return"};
    return {true, s};
  }

  System& system_;
  Pid caller_, callee_;
  std::string target_, input_;
  bool text_;  // call-string: input and result must be UTF-8
  size_t max_result_;
  FuncsTargetCheck check_;
  Deliver deliver_;
  std::shared_ptr<CalleeEnd> end_ = std::make_shared<CalleeEnd>();
};

// ---- Components ----------------------------------------------------------------------

component::SuspendableHostFunction component_call(bool text, FuncsTargetCheck check) {
  return [text, check](component::HostContext& hc, const std::vector<component::Value>& args) {
    if (args.size() != 2) throw component::CallError("funcs: expected (target, input)");
    std::string input = text ? args[1].str : bytes_of(args[1]);
    if (!hc.call || !hc.call->user) throw component::CallError("funcs: callable only inside a process");
    if (!hc.charge(1 + input.size() / 64)) return component::HostReply();
    ProcessContext& ctx = *static_cast<ProcessContext*>(hc.call->user);
    std::string target = args[0].str;
    return component::HostReply::suspended(
        [&ctx, text, check, target = std::move(target), input = std::move(input)](component::LowerResults lower) {
          auto deliver = [text, lower = std::move(lower)](const Outcome& o) {
            component::Value payload = o.ok && !text ? bytes_value(o.text) : component::Value::string(o.text);
            return lower({o.ok ? component::Value::ok(std::move(payload)) : component::Value::err(std::move(payload))});
          };
          // A list<u8> result becomes one host value a byte: bounded as lifting bounds it.
          size_t max_result = text ? 0 : component::kMaxLiftedBytes / sizeof(component::Value);
          return std::make_unique<FuncCallOp>(ctx, target, input, text, check, max_result, std::move(deliver));
        });
  };
}

void add_component_funcs(component::Linker& linker, const component::Component& c, const FuncsTargetCheck& check) {
  for (const component::ImportDef& imp : c.imports) {
    std::string_view name = imp.name;
    if (name.substr(0, name.find('@')) != kFuncsImportModule) continue;
    if (!is_runtime_import_01(name, kFuncsImportModule))
      throw component::LinkError("import " + imp.name + ": this host provides " + kFuncsImportModule + "@0.1.x");
    linker.define_suspendable(imp.name, "call-string", component_call(true, check));
    linker.define_suspendable(imp.name, "call-bytes", component_call(false, check));
  }
}

// ---- Core modules --------------------------------------------------------------------

void add_core_funcs(engine::Linker& linker, std::vector<std::shared_ptr<void>>& keep_alive,
                    const FuncsTargetCheck& check) {
  auto last = std::make_shared<std::string>();  // the last call's result or error message
  keep_alive.push_back(last);
  const std::string mod = kFuncsImportModule;
  const ValType I32 = ValType::I32;
  auto call_fn = [&](const char* name, bool text) {
    linker.define_func(mod, name, FuncType{{I32, I32, I32, I32}, {I32}},
                       [name, text, check, last](HostCall& call, const uint64_t* a, uint64_t*) {
                         auto at = [&](int i) { return static_cast<uint32_t>(a[i]); };
                         std::optional<std::string> target = read_guest(call, at(0), at(1));
                         std::optional<std::string> input = read_guest(call, at(2), at(3));
                         if (!target || !input) return HostResult::trap(std::string(name) + ": a range is outside memory");
                         if (!call.user) return HostResult::trap(std::string(name) + ": callable only inside a process");
                         if (!call.charge(1 + (target->size() + input->size()) / 64)) return HostResult::ok();
                         auto deliver = [last](const Outcome& o) {
                           *last = o.text;
                           return std::vector<uint64_t>{o.ok ? 0u : 1u};
                         };
                         return HostResult::suspend(std::make_unique<FuncCallOp>(
                             *static_cast<ProcessContext*>(call.user), std::move(*target), std::move(*input), text,
                             check, 0, std::move(deliver)));
                       });
  };
  call_fn("call_string", true);
  call_fn("call_bytes", false);
  linker.define_func(mod, "result", FuncType{{I32, I32}, {I32}}, [last](HostCall& call, const uint64_t* a, uint64_t* r) {
    std::optional<uint32_t> n = write_guest(call, static_cast<uint32_t>(a[0]), static_cast<uint32_t>(a[1]), *last);
    if (!n) return HostResult::trap("result: buffer outside memory");
    r[0] = *n;
    return HostResult::ok();
  });
}

}  // namespace

bool is_runtime_import_01(std::string_view name, std::string_view iface) {
  if (name.substr(0, iface.size()) != iface) return false;
  std::string_view rest = name.substr(iface.size());
  return rest.rfind("@0.1.", 0) == 0 && rest.size() > 5;
}

void add_funcs_imports(WasmImports& imports, const component::Component* component, FuncsTargetCheck check) {
  if (component) add_component_funcs(imports.components, *component, check);
  else add_core_funcs(imports.linker, imports.keep_alive, check);
}

}  // namespace wippy::procs
