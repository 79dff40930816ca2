// Messages into WASM processes (wippy:runtime/process): a long-lived WASM echo server
// that suspends in receive, the timeout, a payload longer than the buffer, and a
// range outside memory.
#include "procs/wasm_messages.h"

#include "procs/tests/test_util.h"

namespace wippy::procs::test {
namespace {

WasmImportsProvider process_imports() {
  return [](WasmImports& im, ProcessContext&) { add_process_imports(im); };
}

std::unique_ptr<Process> echo(const std::string& method, std::vector<Value> args = {}) {
  return wasm("echo", method, std::move(args), {}, process_imports());
}

void add_host(System& sys, unsigned workers, Clock::duration stop_timeout = std::chrono::seconds(10)) {
  HostOptions h;
  h.name = "h";
  h.workers = workers;
  h.stop_timeout = stop_timeout;
  sys.add_host(h);
}

TEST(WasmMessages, EchoServerAnswersEachSender) {
  System sys;
  add_host(sys, 2);
  ExitCollector server_exit, client_exit;
  Pid server = sys.spawn_process("h", echo("serve", {Value(int64_t{-1})}), server_exit.options()).pid;
  // The client sends three payloads and ends with what came back, in order.
  auto sent = std::make_shared<bool>(false);
  auto replies = std::make_shared<Value::Array>();
  Pid client = sys.spawn_process("h", fn_process([=](ProcessContext& ctx) -> StepResult {
                                   if (!*sent) {
                                     *sent = true;
                                     for (const char* s : {"a", "bb", "a longer payload"})
                                       EXPECT_TRUE(ctx.system().send(ctx.pid(), server, "job", s));
                                   }
                                   while (auto m = ctx.take_message()) {
                                     EXPECT_EQ(m->topic, "echo");
                                     EXPECT_EQ(m->from, server);
                                     replies->push_back(m->payload);
                                   }
                                   if (replies->size() == 3) return StepResult::done(Value(*replies));
                                   return StepResult::waiting();
                                 }),
                                 client_exit.options())
                   .pid;
  ASSERT_TRUE(client_exit.wait_for(1));
  EXPECT_EQ(client_exit.only().value.to_string(), "[\"a\", \"bb\", \"a longer payload\"]");
  EXPECT_TRUE(sys.alive(server));  // suspended in receive, holding no thread
  EXPECT_TRUE(sys.terminate(server));
  ASSERT_TRUE(server_exit.wait_for(1));
  (void)client;
}

TEST(WasmMessages, TimeoutLongPayloadAndBadRanges) {
  System sys;
  add_host(sys, 1);
  ExitCollector a, b, c, d;
  sys.spawn_process("h", echo("serve", {Value(int64_t{2'000'000})}), a.options());  // 2 ms, nothing comes
  Pid peek = sys.spawn_process("h", echo("peek_len"), b.options()).pid;
  sys.send(Pid{}, peek, "t", "hello");
  sys.spawn_process("h", echo("self_len"), c.options());
  sys.spawn_process("h", echo("bad_send"), d.options());
  ASSERT_TRUE(a.wait_for(1) && b.wait_for(1) && c.wait_for(1) && d.wait_for(1));
  EXPECT_EQ(a.only().value, Value(0));
  EXPECT_EQ(b.only().value, Value(5));  // not copied into 2 bytes: its length
  EXPECT_EQ(c.only().value, Value(5));  // "{h|3}"
  EXPECT_EQ(d.only().error.value_or(""), "send: a range is outside memory");
}

}  // namespace
}  // namespace wippy::procs::test

namespace wippy::procs::test {
namespace {

TEST(WasmMessages, CancelEndsAWaitingReceive) {
  System sys;
  add_host(sys, 1, std::chrono::hours(1));  // it must end by itself, not be terminated
  ExitCollector a;
  Counter suspended;
  Pid p = sys.spawn_process("h", observed(echo("serve", {Value(int64_t{-1})}), nullptr, &suspended), a.options()).pid;
  ASSERT_TRUE(suspended.wait_for(1));
  ASSERT_TRUE(sys.cancel(Pid{}, p));
  ASSERT_TRUE(a.wait_for(1));
  EXPECT_EQ(a.only().value, Value(0));  // receive gave -2: served none, returned
}

}  // namespace
}  // namespace wippy::procs::test
