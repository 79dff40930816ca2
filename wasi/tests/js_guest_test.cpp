// A large real guest: guests/js/greet.js componentized by componentize-js, i.e. the
// SpiderMonkey engine (about 12 MB of core wasm) with the script inside, importing
// wasi:cli, wasi:io, wasi:clocks, wasi:filesystem and wasi:random. It runs on the
// WASI 0.2 host and must return what the same component returns when `jco transpile`
// runs it on node (js_reference.mjs). Skipped (ctest: wasi_js_guest) when the build
// could not componentize it because componentize-js is not installed.
#include <cstdio>

#include <fmt/format.h>

#include "component/tests/guest_util.h"
#include "wasi/p2.h"
#include "wasi/tests/fs_util.h"
#include "wasi/tests/js_util.h"

namespace wippy::wasi::test {
namespace {

using component::Value;
using Clock = std::chrono::steady_clock;

double ms_since(Clock::time_point t) { return std::chrono::duration<double, std::milli>(Clock::now() - t).count(); }

// A value of greet.wit's types as JSON.stringify prints jco's JS form of it (the one
// record there is point {x, y}).
std::string json(const Value& v) {
  auto join = [](const std::vector<Value>& items, const char* open, const char* close, bool point) {
    std::string out = open;
    for (size_t i = 0; i < items.size(); ++i) {
      if (i) out += ',';
      if (point) out += i == 0 ? "\"x\":" : "\"y\":";
      out += json(items[i]);
    }
    return out + close;
  };
  switch (v.kind) {
    case component::Kind::String: return json_string(v.str);
    case component::Kind::S32: return std::to_string(v.as_signed());
    case component::Kind::U32: return std::to_string(v.bits);
    case component::Kind::Record: return join(v.items, "{", "}", true);
    case component::Kind::List:
    case component::Kind::Tuple: return join(v.items, "[", "]", false);
    default: throw std::runtime_error("no JSON form for " + std::to_string(static_cast<int>(v.kind)));
  }
}

struct JsCall {
  std::string name;
  std::vector<Value> args;
};

Value point(int32_t x, int32_t y) { return Value::record({Value::s32(x), Value::s32(y)}); }
Value strings(std::vector<std::string> xs) {
  std::vector<Value> items;
  for (std::string& s : xs) items.push_back(Value::string(std::move(s)));
  return Value::list(std::move(items));
}

// The calls of js_reference.mjs, in its order.
std::vector<JsCall> calls() {
  return {
      {"greet", {Value::string("wörld")}},
      {"greet", {Value::string("")}},
      {"say", {Value::string("hello from js")}},
      {"test:js/shapes#centroid", {Value::list({point(1, 2), point(4, -7), point(-2, 0)})}},
      {"test:js/shapes#centroid", {Value::list({})}},
      {"test:js/shapes#measure", {strings({"a", "ccc", "bb", "ünï"})}},
  };
}

double timing(const std::string& reference, const std::string& key) {
  size_t at = reference.find("\"" + key + "\":");
  return at == std::string::npos ? 0 : std::stod(reference.substr(at + key.size() + 3));
}

// The guest instantiated on the WASI 0.2 host, stdout and stderr captured; skipped
// when the build could not componentize it.
class JsGuest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string missing = js_guest_missing("js_greet"); !missing.empty()) GTEST_SKIP() << missing;
    Clock::time_point t0 = Clock::now();
    auto c = component::test::load_guest("js_greet.component.wasm");
    decode_ms_ = ms_since(t0);
    ctx_.stdout_sink = string_sink(out_);
    ctx_.stderr_sink = string_sink(err_);
    add_p2_to_linker(linker_, *c, ctx_);
    Clock::time_point t1 = Clock::now();
    inst_ = std::make_unique<component::ComponentInstance>(c, linker_);
    instantiate_ms_ = ms_since(t1);
  }

  WasiContext ctx_;
  std::string out_, err_;
  component::Linker linker_;
  std::unique_ptr<component::ComponentInstance> inst_;
  double decode_ms_ = 0, instantiate_ms_ = 0;
};

TEST_F(JsGuest, SameResultsAsJcoOnNode) {
  Clock::time_point t2 = Clock::now();
  std::string lines;
  for (const JsCall& call : calls()) {
    std::unique_ptr<component::Call> running = inst_->prepare(call.name, call.args);
    RunOutcome o = drive(running->execution());
    ASSERT_EQ(o.kind, RunOutcome::Kind::Returned) << call.name << ": " << o.trap.message << "\nstderr: " << err_;
    std::vector<Value> r = running->results();
    ASSERT_EQ(r.size(), 1u) << call.name;
    lines += fmt::format("{{\"name\":{},\"args\":{},\"result\":{}}}\n", json_string(call.name),
                         json(Value::list(call.args)), json(r[0]));
  }
  double call_ms = ms_since(t2);

  EXPECT_NE(lines.find("\"result\":\"Hello, wörld!\""), std::string::npos) << lines;
  EXPECT_EQ(out_, "hello from js\n");
  EXPECT_EQ(err_, "");
  std::string reference = run_js_reference("js_reference.mjs", "js_greet");
  // The reference prints say's line among its JSON lines and a timing line last.
  std::string expected = lines;
  expected.insert(expected.find("{\"name\":\"say\""), out_);
  EXPECT_EQ(reference.substr(0, reference.rfind("{\"compile_ms\"")), expected);

  double node_compile = timing(reference, "compile_ms"), node_instantiate = timing(reference, "instantiate_ms"),
         node_call = timing(reference, "call_ms");
  std::printf("js guest: decode+validate %.0f ms (node compile %.0f ms), instantiate %.0f ms (node %.0f ms, x%.1f), "
              "%zu calls %.1f ms (node %.1f ms, x%.1f)\n",
              decode_ms_, node_compile, instantiate_ms_, node_instantiate, instantiate_ms_ / node_instantiate,
              calls().size(), call_ms, node_call, call_ms / node_call);
}

// An exception the script does not catch: componentize-js prints it to stderr and
// traps; the call reports the trap, nothing crashes.
TEST_F(JsGuest, UncaughtExceptionTraps) {
  std::unique_ptr<component::Call> running = inst_->prepare("greet", {Value::string("throw")});
  RunOutcome o = drive(running->execution());
  EXPECT_EQ(o.kind, RunOutcome::Kind::Trapped);
  EXPECT_NE(err_.find("greet refused: throw"), std::string::npos) << err_;
}

}  // namespace
}  // namespace wippy::wasi::test
