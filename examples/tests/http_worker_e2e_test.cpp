// End to end: `wippy run fetch` on examples/http_worker, where Lua spawns the
// http_worker component (wasi:http, required env API_URL) against a server this test
// starts on 127.0.0.1. API_URL reaches wippy through the environment (env(1)).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "tests/http_server.h"
#include "tests/subprocess.h"

namespace fs = std::filesystem;

namespace {

// `wippy run fetch` with API_URL set to `api_url`, or unset when it is empty.
wippy::test::ProcessResult run_fetch(const std::string& api_url) {
  std::vector<std::string> argv{"/usr/bin/env"};
  if (api_url.empty()) argv.insert(argv.end(), {"-u", "API_URL"});
  else argv.push_back("API_URL=" + api_url);
  argv.insert(argv.end(), {WIPPY_CLI, "run", "fetch"});
  return wippy::test::run_process(argv, "/dev/null", (fs::path(WIPPY_EXAMPLES_DIR) / "http_worker").string());
}

TEST(HttpWorkerExample, GetsAndPostsToTheApi) {
  wippy::test::TestHttpServer server;
  auto r = run_fetch("http://" + server.authority());
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out, "http_worker: GET /hello -> 200 \"hello world\"; POST /echo -> 200 \"sent by the Lua main\"\n");
  EXPECT_EQ(server.answered(), 2);
}

TEST(HttpWorkerExample, MissingApiUrlNamesTheEntryAndTheVariable) {
  auto r = run_fetch("");
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("app:http_worker: required wasi env variable not found: app:api_url (OS variable API_URL)"), std::string::npos)
      << r.err;
}

TEST(HttpWorkerExample, AnApiUrlThatIsNotHttpIsRefusedByTheWorker) {
  auto r = run_fetch("ftp://127.0.0.1/files");
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("http_worker: API_URL is not an http:// or https:// URL: ftp://127.0.0.1/files"),
            std::string::npos)
      << r.err;
}

TEST(HttpWorkerExample, AHostNotAllowedIsDeniedAndLogged) {
  // localhost is not in wasi.network.allow (127.0.0.1 is): refused before any
  // lookup or connection, so the server sees nothing.
  wippy::test::TestHttpServer server;
  std::string url = "http://localhost:" + std::to_string(server.port());
  auto r = run_fetch(url);
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("http_worker: GET " + url + "/hello: HTTP-request-denied"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("entry app:http_worker: network access to localhost:" + std::to_string(server.port()) +
                       " denied (not in wasi.network.allow)"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(server.gate_arrivals() + server.answered(), 0);
}

}  // namespace
