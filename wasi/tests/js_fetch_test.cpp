// A JavaScript guest that uses `fetch` (guests/js/fetch.js; componentize-js
// implements fetch on wasi:http/outgoing-handler): the same component on our WASI
// 0.2 host and under `jco transpile` + preview2-shim on node (js_fetch_reference.mjs),
// against one server started here on 127.0.0.1; the results must be the same.
// Skipped (ctest: wasi_js_fetch) when componentize-js is not installed.
#include <fmt/format.h>

#include "component/tests/guest_util.h"
#include "tests/http_server.h"
#include "wasi/p2.h"
#include "wasi/tests/fs_util.h"
#include "wasi/tests/js_util.h"

namespace wippy::wasi::test {
namespace {

using component::Value;

class JsFetch : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string missing = js_guest_missing("js_fetch"); !missing.empty()) GTEST_SKIP() << missing;
    ctx_.entry = "test:js-fetch";
    ctx_.stdout_sink = string_sink(out_);
    ctx_.stderr_sink = string_sink(err_);
    ctx_.warn = [this](std::string_view line) { warnings_.emplace_back(line); };
  }

  void allow(const std::string& rule) {
    std::string error;
    std::optional<NetRule> r = NetRule::parse(rule, error);
    ASSERT_TRUE(r) << error;
    ctx_.network.connect.push_back(*r);
  }

  // Calls export `name` with one string on a fresh instance; its result as
  // js_fetch_reference.mjs prints it.
  std::string call(const std::string& name, const std::string& arg) {
    auto c = component::test::load_guest("js_fetch.component.wasm");
    component::Linker linker;
    add_p2_to_linker(linker, *c, ctx_);
    component::ComponentInstance inst(c, linker);
    std::unique_ptr<component::Call> running = inst.prepare(name, {Value::string(arg)});
    RunOutcome o = drive(running->execution());
    EXPECT_EQ(o.kind, RunOutcome::Kind::Returned) << name << ": " << o.trap.message << "\nstderr: " << err_;
    if (o.kind != RunOutcome::Kind::Returned) return "";
    return fmt::format("{{\"name\":{},\"args\":[{}],\"result\":{}}}\n", json_string(name), json_string(arg),
                       json_string(running->results().at(0).str));
  }

  WasiContext ctx_;
  std::string out_, err_;
  std::vector<std::string> warnings_;
  wippy::test::TestHttpServer server_;
};

TEST_F(JsFetch, SameResultsAsJcoOnNode) {
  allow("127.0.0.1:*");
  std::string base = "http://" + server_.authority();
  std::string refused = "http://127.0.0.1:" + std::to_string(wippy::test::TestHttpServer::refused_port()) + "/";
  std::string ours = call("fetch-summary", base) + call("fetch-error", refused);
  EXPECT_NE(ours.find("GET /hello -> 200 x-test=yes \\\"hello world\\\"; POST /echo -> 200 x-method=POST \\\"sent by js\\\""),
            std::string::npos)
      << ours << err_;
  EXPECT_EQ(server_.answered(), 2);
  std::string reference = run_js_reference("js_fetch_reference.mjs", "js_fetch", "'" + base + "' '" + refused + "'");
  EXPECT_EQ(ours, reference);
  std::printf("js fetch, on both:\n%s", ours.c_str());
  EXPECT_EQ(server_.answered(), 4);
  EXPECT_TRUE(warnings_.empty());
}

// Outside wasi.network.allow: fetch rejects (the guest sees HTTP-request-denied),
// the host logs the entry, nothing reaches the server.
TEST_F(JsFetch, DeniedDestinationRejectsTheFetch) {
  allow("127.0.0.2:*");
  std::string text = call("fetch-error", "http://" + server_.authority() + "/hello");
  EXPECT_EQ(text.find("no error"), std::string::npos) << text;
  std::printf("js fetch, denied: %s", text.c_str());
  ASSERT_EQ(warnings_.size(), 1u);
  EXPECT_EQ(warnings_[0], network_denial("test:js-fetch", "127.0.0.1", server_.port()));
  EXPECT_EQ(server_.answered(), 0);
}

}  // namespace
}  // namespace wippy::wasi::test
