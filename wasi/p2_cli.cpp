// wasi:cli: environment (arguments, variables), exit, the standard streams and the
// terminal interfaces (no terminal is ever reported: stdio may be a log).
#include "wasi/host.h"
#include "wasi/p2_host.h"

namespace wippy::wasi::p2 {
namespace {

// The strings' bytes plus 4 per entry, as preview1's args_get / environ_get.
uint64_t list_bytes(const std::vector<std::string>& list) {
  uint64_t n = 0;
  for (const std::string& s : list) n += s.size() + 4;
  return n;
}

// wasi:cli/exit suspends with an ExitRequest: the driver ends the run with the code.
HostReply exit_with(uint32_t code) {
  return HostReply::suspended([code](component::LowerResults) { return std::make_unique<ExitRequest>(code); });
}

}  // namespace

void define_cli(Iface& i, std::string_view iface) {
  if (iface == "environment") {
    i.fn("get-arguments", [](State& st, HostContext& ctx, const Args&) -> HostReply {
      if (!charge_bytes(ctx, list_bytes(st.ctx.args))) return no_fuel();
      std::vector<Value> list;
      for (const std::string& a : st.ctx.args) list.push_back(Value::string(a));
      return {{Value::list(std::move(list))}};
    });
    i.fn("get-environment", [](State& st, HostContext& ctx, const Args&) -> HostReply {
      if (!charge_bytes(ctx, list_bytes(st.ctx.env))) return no_fuel();
      std::vector<Value> list;
      for (const std::string& e : st.ctx.env) {
        size_t eq = e.find('=');
        std::string name = e.substr(0, eq), value = eq == std::string::npos ? "" : e.substr(eq + 1);
        list.push_back(Value::tuple({Value::string(std::move(name)), Value::string(std::move(value))}));
      }
      return {{Value::list(std::move(list))}};
    });
    // Relative paths resolve against the "." preopen (WasiContext::set_cwd) instead.
    i.fn("initial-cwd", [](State&, HostContext&, const Args&) -> HostReply { return {{Value::none()}}; });
  } else if (iface == "exit") {
    i.fn("exit", [](State&, HostContext&, const Args& a) { return exit_with(a.at(0).case_index() == 0 ? 0 : 1); });
    i.fn("exit-with-code", [](State&, HostContext&, const Args& a) { return exit_with(static_cast<uint32_t>(a.at(0).bits)); });
  } else if (iface == "stdin") {
    i.fn("get-stdin", [](State& st, HostContext&, const Args&) -> HostReply {
      return {{own(st.inputs.add(std::make_shared<InputStream>()))}};
    });
  } else if (iface == "stdout" || iface == "stderr") {
    OutputStream::Kind kind = iface == "stdout" ? OutputStream::Kind::Stdout : OutputStream::Kind::Stderr;
    i.fn(iface == "stdout" ? "get-stdout" : "get-stderr", [kind](State& st, HostContext&, const Args&) -> HostReply {
      auto s = std::make_shared<OutputStream>();
      s->kind = kind;
      return {{own(st.outputs.add(std::move(s)))}};
    });
  } else if (iface == "terminal-stdin" || iface == "terminal-stdout" || iface == "terminal-stderr") {
    i.fn("get-" + std::string(iface), [](State&, HostContext&, const Args&) -> HostReply { return {{Value::none()}}; });
  }
  // terminal-input and terminal-output only define resources no function returns.
}

}  // namespace wippy::wasi::p2
