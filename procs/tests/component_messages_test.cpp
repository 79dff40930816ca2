// wippy:runtime/process for components (messages.c): a long-lived component echo
// server answering a client by messages, registered by name; the receive timeout; a
// cancel that ends a waiting receive; self; a send to a pid that has ended.
#include <fstream>
#include <iterator>

#include "component/loader.h"
#include "procs/tests/test_util.h"
#include "procs/wasm_messages.h"

namespace wippy::procs::test {
namespace {

std::unique_ptr<Process> messages(const std::string& method, std::vector<Value> args = {}) {
  static std::shared_ptr<const component::Component> c = [] {
    std::ifstream in(std::string(WIPPY_GUEST_DIR) + "/messages.component.wasm", std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return component::load_component(bytes);
  }();
  WasmProcessConfig cfg;
  cfg.component = c;
  cfg.method = method;
  cfg.args = std::move(args);
  cfg.imports = [](WasmImports& im, ProcessContext&) { add_process_imports(im, c.get()); };
  return std::make_unique<WasmProcess>(std::move(cfg));
}

class ComponentMessages : public ::testing::Test {
 protected:
  ComponentMessages() {
    HostOptions h;
    h.name = "h";
    h.workers = 2;
    h.stop_timeout = std::chrono::hours(1);  // what must end by itself is not terminated
    sys.add_host(h);
  }
  System sys;
};

TEST_F(ComponentMessages, EchoServerByNameUntilStop) {
  ExitCollector server_exit, client_exit;
  Counter suspended;
  sys.spawn_process("h", observed(messages("serve", {Value("upper"), Value(int64_t{-1})}), nullptr, &suspended),
                    server_exit.options());
  ASSERT_TRUE(suspended.wait_for(1));  // registered, waiting in receive
  auto sent = std::make_shared<bool>(false);
  auto replies = std::make_shared<Value::Array>();
  sys.spawn_process("h", fn_process([=](ProcessContext& ctx) -> StepResult {
                      Pid server = *ctx.system().names().lookup("upper");
                      if (!*sent) {
                        *sent = true;
                        for (std::string s : {std::string("hello"), std::string(), std::string("x\xff\0y", 4)})
                          EXPECT_TRUE(ctx.system().send(ctx.pid(), server, "job", Value(std::move(s))));
                      }
                      while (auto m = ctx.take_message()) {
                        EXPECT_EQ(m->topic, "echo");
                        EXPECT_EQ(m->from, server);
                        replies->push_back(m->payload);
                      }
                      if (replies->size() < 3) return StepResult::waiting();
                      EXPECT_TRUE(ctx.system().send(ctx.pid(), server, "stop", Value("")));
                      return StepResult::done(Value(*replies));
                    }),
                    client_exit.options());
  ASSERT_TRUE(client_exit.wait_for(1) && server_exit.wait_for(1));
  Value::Array want{Value("HELLO"), Value(""), Value(std::string("X\xff\0Y", 4))};
  EXPECT_EQ(client_exit.only().value, Value(want));  // bytes pass through unchanged but for a-z
  EXPECT_FALSE(server_exit.only().error) << *server_exit.only().error;
  EXPECT_EQ(server_exit.only().value, Value("3 stopped"));
}

TEST_F(ComponentMessages, TimeoutCancelSelfAndEndedPid) {
  ExitCollector timed, cancelled, self, dead, send;
  Counter suspended;
  sys.spawn_process("h", messages("serve", {Value(""), Value(int64_t{2'000'000})}), timed.options());  // 2 ms
  Pid waiting = sys.spawn_process("h", observed(messages("serve", {Value(""), Value(int64_t{-1})}), nullptr, &suspended),
                                  cancelled.options())
                    .pid;
  Pid me = sys.spawn_process("h", messages("whoami"), self.options()).pid;
  Pid gone = sys.spawn_process("h", fn_process([](ProcessContext&) { return StepResult::done({}); }), dead.options()).pid;
  ASSERT_TRUE(timed.wait_for(1) && self.wait_for(1) && dead.wait_for(1) && suspended.wait_for(1));
  EXPECT_EQ(timed.only().value, Value("0 timeout"));
  EXPECT_EQ(self.only().value, Value(me.to_string()));
  ASSERT_TRUE(sys.cancel(Pid{}, waiting));
  ASSERT_TRUE(cancelled.wait_for(1));
  EXPECT_EQ(cancelled.only().value, Value("0 cancelled"));

  sys.spawn_process("h", messages("send-to", {Value(gone.to_string())}), send.options());
  sys.spawn_process("h", messages("send-to", {Value("no-such-name")}), send.options());
  sys.spawn_process("h", messages("send-to", {Value(me.to_string())}), send.options());  // ended too
  ASSERT_TRUE(send.wait_for(3));
  for (const Event& ev : send.events()) EXPECT_EQ(ev.value, Value("no-such-process"));
}

}  // namespace
}  // namespace wippy::procs::test
