// Shared by the JavaScript guest tests (js_guest_test.cpp, js_fetch_test.cpp): the
// build's status of a componentize-js guest and the reference run on node.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include <fmt/format.h>

namespace wippy::wasi::test {

inline std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// s as JSON.stringify prints it (for the texts these tests compare).
inline std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (c < 0x20) out += fmt::format("\\u{:04x}", c);
    else out += static_cast<char>(c);
  }
  return out + "\"";
}

// "" when guest NAME was componentized, else why not (wippy_js_guest's NAME.status).
inline std::string js_guest_missing(const std::string& name) {
  std::string status = read_text(std::string(WIPPY_GUEST_DIR) + "/" + name + ".status");
  return status.rfind("built", 0) == 0 ? "" : "the JavaScript guest " + name + " was not built: " + status;
}

// stdout of `node SCRIPT JCO_DIR TRANSPILED_DIR NAME ARGS...` (SCRIPT in wasi/tests);
// a failing run fails the test.
inline std::string run_js_reference(const std::string& script, const std::string& name, const std::string& args = "") {
  std::string cmd = fmt::format("'{}' '{}/{}' '{}' '{}/{}_js' {} {}", WIPPY_NODE, WIPPY_JS_TESTS, script, WIPPY_JCO_DIR,
                                WIPPY_JS_TRANSPILED_ROOT, name, name, args);
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) throw std::runtime_error("cannot run " + cmd);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  EXPECT_EQ(pclose(p), 0) << cmd << "\n" << out;
  return out;
}

}  // namespace wippy::wasi::test
