// A component as toolchains make them for WASI 0.2: tests/guests/hello.c built for
// wasm32-wasi and wrapped with jco's preview1 command adapter (a second core module
// that turns preview1 calls into wasi:cli, wasi:io and wasi:filesystem imports).
// The host here is a few test functions, not the WASI 0.2 host (still to come):
// enough to run `wasi:cli/run#run` and check what it printed.
#include <gtest/gtest.h>

#include "component/instance.h"
#include "component/tests/guest_util.h"

namespace wippy::component {
namespace {

using V = Value;

struct TestWasiHost {
  std::vector<std::string> args;
  std::string stdout_text;
  std::string stderr_text;
  std::vector<std::string> unexpected_calls;

  // Every function the component imports is first defined to fail and record the
  // call (the test asserts that none of those is called); the ones hello needs are
  // then defined for real.
  Linker linker(const Component& c) {
    Linker l;
    for (const ImportDef& imp : c.imports) {
      if (imp.desc.sort != Sort::Instance) continue;
      for (const ExternDesc& e : imp.desc.type->exports) {
        if (e.sort != Sort::Func) continue;
        std::string what = imp.name + "#" + e.name;
        l.define(imp.name, e.name, [this, what](const std::vector<Value>&) -> std::vector<Value> {
          unexpected_calls.push_back(what);
          throw CallError(what + " is not expected by this test");
        });
      }
      std::string iface = imp.name.substr(0, imp.name.find('@'));
      const std::string& v = imp.name;
      if (iface == "wasi:cli/environment") {
        l.define(v, "get-arguments", [this](const std::vector<Value>&) {
          std::vector<Value> list;
          for (const std::string& a : args) list.push_back(V::string(a));
          return std::vector<Value>{V::list(std::move(list))};
        });
      } else if (iface == "wasi:cli/stdin" || iface == "wasi:cli/stdout" || iface == "wasi:cli/stderr") {
        // The streams' representations are their file descriptor numbers.
        std::string which = iface.substr(std::string("wasi:cli/").size());
        uint32_t rep = which == "stdin" ? 0 : which == "stdout" ? 1 : 2;
        l.define(v, "get-" + which, [rep](const std::vector<Value>&) { return std::vector<Value>{V::own(nullptr, rep)}; });
      } else if (iface.rfind("wasi:cli/terminal-", 0) == 0 && iface.find("put") == std::string::npos) {
        std::string which = iface.substr(std::string("wasi:cli/").size());  // terminal-stdout, ...
        l.define(v, "get-" + which, [](const std::vector<Value>&) { return std::vector<Value>{V::none()}; });
      } else if (iface == "wasi:filesystem/preopens") {
        l.define(v, "get-directories", [](const std::vector<Value>&) { return std::vector<Value>{V::list({})}; });
      } else if (iface == "wasi:io/streams") {
        auto write = [this](const std::vector<Value>& a) {
          std::string& out = a.at(0).bits == 1 ? stdout_text : stderr_text;
          for (const Value& byte : a.at(1).items) out += static_cast<char>(byte.bits);
          return std::vector<Value>{V::ok()};
        };
        l.define(v, "[method]output-stream.write", write);
        l.define(v, "[method]output-stream.blocking-write-and-flush", write);
        l.define(v, "[method]output-stream.blocking-flush", [](const std::vector<Value>&) { return std::vector<Value>{V::ok()}; });
        l.define(v, "[method]output-stream.check-write",
                 [](const std::vector<Value>&) { return std::vector<Value>{V::ok(V::u64(1 << 16))}; });
      }
    }
    return l;
  }
};

class WasiCommand : public ::testing::Test {
 protected:
  void SetUp() override {
    component_ = test::load_guest("hello.component.wasm");
    for (const ExportDef& e : component_->exports) {
      if (e.name.rfind("wasi:cli/run@0.2.", 0) == 0) run_ = e.name + "#run";
    }
  }
  std::shared_ptr<const Component> component_;
  std::string run_;
};

TEST_F(WasiCommand, DecodesTheAdaptedComponent) {
  ASSERT_FALSE(run_.empty());
  std::vector<std::string> imports;
  for (const ImportDef& imp : component_->imports) imports.push_back(imp.name.substr(0, imp.name.find('@')));
  for (const char* want : {"wasi:cli/environment", "wasi:cli/exit", "wasi:io/streams", "wasi:cli/stdout", "wasi:filesystem/preopens"}) {
    EXPECT_NE(std::find(imports.begin(), imports.end(), want), imports.end()) << want;
  }
  EXPECT_GE(component_->core_modules.size(), 2u);  // the program and the adapter
}

TEST_F(WasiCommand, RunsAndPrints) {
  TestWasiHost host;
  host.args = {"hello", "one", "two"};
  ComponentInstance inst(component_, host.linker(*component_));
  std::vector<Value> r = inst.call(run_, {});
  EXPECT_EQ(r, std::vector<Value>{V::ok()});
  EXPECT_EQ(host.stdout_text, "hello from wasm\narg 1: one\narg 2: two\n");
  EXPECT_EQ(host.stderr_text, "");
  EXPECT_EQ(host.unexpected_calls, std::vector<std::string>{});
}

TEST_F(WasiCommand, MissingWasiInterfaceFailsInstantiation) {
  try {
    ComponentInstance inst(component_, Linker{});
    FAIL() << "instantiated";
  } catch (const LinkError& e) {
    EXPECT_NE(std::string(e.what()).find("of interface `wasi:"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace wippy::component
