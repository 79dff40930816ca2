// wippy:runtime/process for core modules: self, send, receive (suspending),
// last_from, last_topic, register; and the wait that receive suspends on.
#include "procs/wasm_messages.h"

#include <functional>
#include <optional>

#include "procs/guest_memory.h"
#include "procs/system.h"

namespace wippy::procs {

namespace {

using engine::FuncType;
using engine::HostCall;
using engine::HostResult;
using engine::ValType;

// The process's side of its mailbox: the message receive() holds (when it did not
// fit) and the last one delivered.
struct Mailbox {
  std::optional<Message> held;
  Message last;
};

ProcessContext& context(HostCall& call) { return *static_cast<ProcessContext*>(call.user); }

std::string payload_text(const Value& v) { return v.is_string() ? v.as_string() : v.to_string(); }

// Delivers the held message (or the next one) if one is there: its payload's length,
// copied when it fits. nullopt: no message; a trap message in `trap`.
std::optional<int32_t> deliver(HostCall& call, Mailbox& box, uint32_t buf, uint32_t cap, std::string& trap) {
  if (!box.held) box.held = context(call).take_message();
  if (!box.held) return std::nullopt;
  std::string text = payload_text(box.held->payload);
  if (text.size() > cap) return static_cast<int32_t>(std::min<size_t>(text.size(), INT32_MAX));
  std::optional<uint32_t> n = write_guest(call, buf, cap, text);
  if (!n) {
    trap = "receive: buffer at " + std::to_string(buf) + " (" + std::to_string(text.size()) + " bytes) is outside memory";
    return -1;
  }
  box.last = std::move(*box.held);
  box.held.reset();
  return static_cast<int32_t>(*n);
}

// Waits for a message or the timeout. poll() completes it when a wake-up finds a
// message (or a cancel); finish() delivers on the process's thread.
class MessageWait : public AsyncOp {
 public:
  MessageWait(int64_t timeout_ns, std::function<void(AsyncResult&)> deliver)
      : timeout_ns_(timeout_ns), deliver_(std::move(deliver)) {}
  void start(std::shared_ptr<Completion> done, EventLoop& loop) override {
    done_ = done;
    if (timeout_ns_ >= 0)
      timer_ = loop.after(std::chrono::nanoseconds(timeout_ns_), [done] { done->complete(AsyncResult{}); });
  }
  void poll(ProcessContext& ctx) override {
    if (ctx.has_message() || ctx.cancelled()) done_->complete(AsyncResult{});
  }
  void cancel() override { timer_.cancel(); }
  void finish(AsyncResult& result) override {
    timer_.cancel();
    deliver_(result);
  }

 private:
  int64_t timeout_ns_;
  std::function<void(AsyncResult&)> deliver_;
  std::shared_ptr<Completion> done_;
  TimerHandle timer_;
};

}  // namespace

std::unique_ptr<AsyncOp> wait_for_message(int64_t timeout_ns, std::function<void(AsyncResult&)> deliver) {
  return std::make_unique<MessageWait>(timeout_ns, std::move(deliver));
}

void add_process_imports(WasmImports& imports, const component::Component* component) {
  if (component) return add_component_process_imports(imports.components, *component);
  auto box = std::make_shared<Mailbox>();
  imports.keep_alive.push_back(box);
  const std::string mod = kProcessImportModule;
  const ValType I32 = ValType::I32, I64 = ValType::I64;

  imports.linker.define_func(mod, "self", FuncType{{I32, I32}, {I32}},
                             [](HostCall& call, const uint64_t* a, uint64_t* r) {
                               std::optional<uint32_t> n = write_guest(call, static_cast<uint32_t>(a[0]),
                                                               static_cast<uint32_t>(a[1]), context(call).pid().to_string());
                               if (!n) return HostResult::trap("self: buffer outside memory");
                               r[0] = *n;
                               return HostResult::ok();
                             });
  imports.linker.define_func(
      mod, "send", FuncType{{I32, I32, I32, I32, I32, I32}, {I32}}, [](HostCall& call, const uint64_t* a, uint64_t* r) {
        auto at = [&](int i) { return static_cast<uint32_t>(a[i]); };
        std::optional<std::string> pid = read_guest(call, at(0), at(1)), topic = read_guest(call, at(2), at(3)),
                                   data = read_guest(call, at(4), at(5));
        if (!pid || !topic || !data) return HostResult::trap("send: a range is outside memory");
        if (!call.charge(1 + (pid->size() + topic->size() + data->size()) / 64)) return HostResult::ok();
        ProcessContext& ctx = context(call);
        std::optional<Pid> to = Pid::parse(*pid);
        if (!to) {
          if (std::optional<Pid> named = ctx.system().lookup_name(*pid)) to = named;
        }
        SendResult sent;
        if (to) sent = ctx.system().try_send(ctx.pid(), *to, std::move(*topic), Value(std::move(*data)));
        r[0] = !to || sent.error == kErrNoProcess ? 1 : sent.ok() ? 0 : 2;
        return HostResult::ok();
      });
  imports.linker.define_func(
      mod, "receive", FuncType{{I64, I32, I32}, {I32}}, [box](HostCall& call, const uint64_t* a, uint64_t* r) {
        auto timeout = static_cast<int64_t>(a[0]);
        auto buf = static_cast<uint32_t>(a[1]), cap = static_cast<uint32_t>(a[2]);
        std::string trap;
        std::optional<int32_t> n = deliver(call, *box, buf, cap, trap);
        if (!trap.empty()) return HostResult::trap(trap);
        if (n || timeout == 0 || context(call).cancelled()) {
          r[0] = static_cast<uint32_t>(n.value_or(context(call).cancelled() ? -2 : -1));
          return HostResult::ok();
        }
        // The caller's instance and process outlive the wait.
        return HostResult::suspend(wait_for_message(timeout, [box, call, buf, cap](AsyncResult& result) mutable {
          std::string trap;
          std::optional<int32_t> n = deliver(call, *box, buf, cap, trap);
          if (!trap.empty()) result.trap = trap;
          else result.values = {static_cast<uint32_t>(n.value_or(context(call).cancelled() ? -2 : -1))};
        }));
      });
  imports.linker.define_func(mod, "register", FuncType{{I32, I32}, {I32}},
                             [](HostCall& call, const uint64_t* a, uint64_t* r) {
                               std::optional<std::string> name =
                                   read_guest(call, static_cast<uint32_t>(a[0]), static_cast<uint32_t>(a[1]));
                               if (!name) return HostResult::trap("register: name outside memory");
                               ProcessContext& ctx = context(call);
                               r[0] = ctx.system().register_name(*name, ctx.pid()).empty() ? 0 : 1;
                               return HostResult::ok();
                             });
  // last_topic / last_from: a text of the last message delivered.
  auto last = [box](const char* name, std::string (*text)(const Message&)) {
    return [box, name, text](HostCall& call, const uint64_t* a, uint64_t* r) {
      std::optional<uint32_t> n = write_guest(call, static_cast<uint32_t>(a[0]), static_cast<uint32_t>(a[1]), text(box->last));
      if (!n) return HostResult::trap(std::string(name) + ": buffer outside memory");
      r[0] = *n;
      return HostResult::ok();
    };
  };
  imports.linker.define_func(mod, "last_topic", FuncType{{I32, I32}, {I32}},
                             last("last_topic", [](const Message& m) { return m.topic; }));
  imports.linker.define_func(mod, "last_from", FuncType{{I32, I32}, {I32}},
                             last("last_from", [](const Message& m) { return m.from.to_string(); }));
}

}  // namespace wippy::procs
