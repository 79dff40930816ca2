// Instantiating a component and calling its exports. The core instances run on the
// interpreter in one Store (the component's limits apply to all of them); imports
// are host functions over component::Value, looked up by (interface, function).
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "component/abi.h"
#include "component/component.h"
#include "component/value.h"
#include "engine/execution.h"

namespace wippy::component {

// A host function: gets the lifted arguments, returns the result (0 or 1 values).
// A CallError (or any std::exception) it throws traps the guest with its message.
// An own/borrow result may leave Value::resource null: the signature's resource.
using HostFunction = std::function<std::vector<Value>(const std::vector<Value>& args)>;

// --- Host functions that charge fuel or suspend --------------------------------------
//
// A host call that waits (a sleep, a read of stdin) must not block the thread: the
// host function returns a suspension instead of values, the core engine::Execution
// of the component::Call returns RunStatus::Suspended, and its pending operation
// (Execution::take_pending) is whatever the host layer built. This layer does not
// know that type (wasi/ builds a wasi::BlockingOp; component/ does not depend on
// wasi/): it hands the host a LowerResults, and the host's operation calls it on
// completion, on the guest's thread, to turn its result Values into the core result
// cells that the driver passes to Execution::resume. Lowering may call the guest's
// cabi_realloc: that runs as a separate core execution on the instance's store,
// which is allowed while the outer one is suspended. If lowering fails (realloc
// traps, a value does not fit the type) the returned cells are zeros and the
// execution traps on resume (Execution::trap_on_resume) with the reason.

// What a host function sees of its call. `call` is the core host call (fuel:
// charge() before the work, as preview1 does); null when the host function is
// called directly by the embedder (ComponentInstance::call of a re-export).
struct HostContext {
  engine::HostCall* call = nullptr;
  // False when the fuel limit refused the charge: return at once (the call traps
  // with `fuel exhausted` whatever is returned).
  bool charge(uint64_t units) { return !call || call->charge(units); }
};

// Lowers the results of a suspended host call into the core result cells (see above).
using LowerResults = std::function<std::vector<uint64_t>(const std::vector<Value>& results)>;
// Builds the pending operation the core execution suspends with; its completion
// returns lower(results). It may also be an operation that is never resumed (an exit).
using Suspension = std::function<std::unique_ptr<engine::HostPending>(LowerResults lower)>;

struct HostReply {
  std::vector<Value> values;  // the results, when `suspend` is empty
  Suspension suspend;

  HostReply(std::vector<Value> v = {}) : values(std::move(v)) {}  // NOLINT: implicit on purpose
  static HostReply suspended(Suspension s) {
    HostReply r;
    r.suspend = std::move(s);
    return r;
  }
};
using SuspendableHostFunction = std::function<HostReply(HostContext& ctx, const std::vector<Value>& args)>;

class Linker {
 public:
  // `iface` is the import's name as the component spells it ("test:pkg/host",
  // "wasi:cli/environment@0.2.0"), or "" for a function the world imports directly.
  void define(std::string iface, std::string func, HostFunction fn);
  // A host function that may charge fuel and suspend (see HostReply).
  void define_suspendable(std::string iface, std::string func, SuspendableHostFunction fn);
  // What happens when the guest drops its last owned handle of a host resource.
  void define_resource_drop(std::string iface, std::string resource, std::function<void(uint32_t rep)> fn);

  const SuspendableHostFunction* find(std::string_view iface, std::string_view func) const;
  const std::function<void(uint32_t)>* find_drop(std::string_view iface, std::string_view resource) const;

 private:
  std::map<std::pair<std::string, std::string>, SuspendableHostFunction, std::less<>> funcs_;
  std::map<std::pair<std::string, std::string>, std::function<void(uint32_t)>, std::less<>> drops_;
};

struct Runtime;
struct Func;

// One call of an exported function: arguments are lowered when it is created, the
// core function runs in budgets (run), results are lifted and post-return is called
// when it is done (results). The core call is an engine::Execution: a host call
// that suspends makes run() return Suspended (see HostReply for the contract).
class Call {
 public:
  Call(Runtime& rt, std::shared_ptr<Func> func, const std::vector<Value>& args);
  ~Call();
  Call(const Call&) = delete;
  Call& operator=(const Call&) = delete;

  engine::RunStatus run(int64_t budget = INT64_MAX);
  // After run() returned Done: the lifted results (0 or 1 values). Throws CallError
  // if the guest trapped or a result is refused.
  std::vector<Value> results();
  engine::Execution& execution() { return *exec_; }

 private:
  void end_borrows();
  void leave();  // the instance may be called again

  Runtime& rt_;
  std::shared_ptr<Func> func_;
  std::unique_ptr<Abi> abi_;
  std::unique_ptr<engine::Execution> exec_;
  bool finished_ = false;
  bool entered_ = false;
};

class ComponentInstance {
 public:
  // Instantiates: resolves imports from `linker` (LinkError naming a missing
  // interface function), instantiates the core instances in order and runs their
  // start functions.
  ComponentInstance(std::shared_ptr<const Component> component, const Linker& linker,
                    engine::StoreLimits limits = {});
  ~ComponentInstance();

  // The type of an exported function: `name` (a world export) or `iface#func`.
  // Throws CallError naming the export if there is none.
  const Type& func_type(std::string_view name) const;
  // Prepares a call (arguments are checked against the signature and lowered).
  std::unique_ptr<Call> prepare(std::string_view name, const std::vector<Value>& args);
  // Calls to completion.
  std::vector<Value> call(std::string_view name, const std::vector<Value>& args);
  // Drops an owned handle of a resource this component implements (runs its
  // destructor), as the host does when it is done with one the guest returned.
  void drop(const Value& handle);

  engine::Store& store();
  const Resources& resources() const;
  // Names of the exported functions (`name` and `iface#func`).
  std::vector<std::string> exported_functions() const;

 private:
  std::shared_ptr<Func> find(std::string_view name) const;
  std::unique_ptr<Runtime> rt_;
};

}  // namespace wippy::component
