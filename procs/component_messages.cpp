// wippy:runtime/process for components: self, send, receive (suspending), register,
// over WIT values (procs/wasm_messages.h).
#include "component/abi.h"  // kMaxLiftedBytes
#include "component/error.h"
#include "procs/component_values.h"
#include "procs/system.h"
#include "procs/wasm_funcs.h"  // is_runtime_import_01
#include "procs/wasm_messages.h"

namespace wippy::procs {

namespace {

using component::HostContext;
using component::HostReply;
using CValue = component::Value;

enum SendError : uint32_t { kNoSuchProcess = 0, kMailboxFull = 1 };
enum ReceiveError : uint32_t { kTimeout = 0, kCancelled = 1, kTooLarge = 2 };

// The longest payload a receive lowers: one host value a byte, bounded as lifting is.
constexpr size_t kMaxPayload = component::kMaxLiftedBytes / sizeof(CValue);

ProcessContext& context(HostContext& hc) {
  if (!hc.call || !hc.call->user) throw component::CallError("wippy:runtime/process: callable only inside a process");
  return *static_cast<ProcessContext*>(hc.call->user);
}

// result<message, receive-error> for the next message, or nullopt when there is none.
std::optional<CValue> next_message(ProcessContext& ctx) {
  std::optional<Message> m = ctx.take_message();
  if (!m) return std::nullopt;
  std::string payload = m->payload.is_string() ? m->payload.as_string() : m->payload.to_string();
  if (payload.size() > kMaxPayload) return CValue::err(CValue::enumeration(kTooLarge));
  return CValue::ok(CValue::record({CValue::string(m->from.to_string()), CValue::string(m->topic), bytes_value(payload)}));
}

CValue no_message(ProcessContext& ctx) { return CValue::err(CValue::enumeration(ctx.cancelled() ? kCancelled : kTimeout)); }

HostReply self(HostContext& hc, const std::vector<CValue>&) { return {{CValue::string(context(hc).pid().to_string())}}; }

HostReply send(HostContext& hc, const std::vector<CValue>& args) {
  if (args.size() != 3) throw component::CallError("send: expected (to, topic, payload)");
  ProcessContext& ctx = context(hc);
  const std::string& to_text = args[0].str;
  if (!hc.charge(1 + (to_text.size() + args[1].str.size() + args[2].items.size()) / 64)) return {};
  std::optional<Pid> to = Pid::parse(to_text);
  if (!to) to = ctx.system().names().lookup(to_text);
  if (!to) return {{CValue::err(CValue::enumeration(kNoSuchProcess))}};
  SendResult sent = ctx.system().try_send(ctx.pid(), *to, args[1].str, Value(bytes_of(args[2])));
  if (sent.ok()) return {{CValue::ok()}};
  return {{CValue::err(CValue::enumeration(sent.error == kErrNoProcess ? kNoSuchProcess : kMailboxFull))}};
}

HostReply receive(HostContext& hc, const std::vector<CValue>& args) {
  if (args.size() != 1) throw component::CallError("receive: expected (timeout-ns)");
  ProcessContext& ctx = context(hc);
  int64_t timeout = args[0].as_signed();
  if (std::optional<CValue> m = next_message(ctx)) return {{std::move(*m)}};
  if (timeout == 0 || ctx.cancelled()) return {{no_message(ctx)}};
  return HostReply::suspended([&ctx, timeout](component::LowerResults lower) -> std::unique_ptr<engine::HostPending> {
    return wait_for_message(timeout, [&ctx, lower = std::move(lower)](AsyncResult& result) {
      std::optional<CValue> m = next_message(ctx);
      result.values = lower({m ? std::move(*m) : no_message(ctx)});
    });
  });
}

HostReply register_name(HostContext& hc, const std::vector<CValue>& args) {
  if (args.size() != 1) throw component::CallError("register: expected (name)");
  ProcessContext& ctx = context(hc);
  return {{CValue::boolean(ctx.system().names().add(args[0].str, ctx.pid()).empty())}};
}

}  // namespace

void add_component_process_imports(component::Linker& linker, const component::Component& c) {
  for (const component::ImportDef& imp : c.imports) {
    std::string_view name = imp.name;
    if (name.substr(0, name.find('@')) != kProcessImportModule) continue;
    if (!is_runtime_import_01(name, kProcessImportModule))
      throw component::LinkError("import " + imp.name + ": this host provides " + kProcessImportModule + "@0.1.x");
    linker.define_suspendable(imp.name, "self", self);
    linker.define_suspendable(imp.name, "send", send);
    linker.define_suspendable(imp.name, "receive", receive);
    linker.define_suspendable(imp.name, "register", register_name);
  }
}

}  // namespace wippy::procs
