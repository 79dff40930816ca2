// The WASI 0.2 host's entry points (p2.h): which import group provides which
// interface, the import check, defining a component's wasi:* imports, and running
// a command. The interfaces themselves are in p2_cli.cpp, p2_io.cpp, p2_clocks.cpp,
// p2_filesystem.cpp, p2_random.cpp, p2_sockets*.cpp and p2_http.cpp.
#include "wasi/p2.h"

#include "component/loader.h"

#include <fmt/format.h>

#include "component/error.h"
#include "wasi/p2_host.h"

namespace wippy::wasi {
namespace {

struct P2Interface {
  std::string_view name;  // package/interface, no version
  Group group;
};

// design.md sections 6 and 10: the interfaces each group provides.
constexpr P2Interface kInterfaces[] = {
    {"wasi:cli/environment", Group::Cli},       {"wasi:cli/exit", Group::Cli},
    {"wasi:cli/stdin", Group::Cli},             {"wasi:cli/stdout", Group::Cli},
    {"wasi:cli/stderr", Group::Cli},            {"wasi:cli/terminal-input", Group::Cli},
    {"wasi:cli/terminal-output", Group::Cli},   {"wasi:cli/terminal-stdin", Group::Cli},
    {"wasi:cli/terminal-stdout", Group::Cli},   {"wasi:cli/terminal-stderr", Group::Cli},
    {"wasi:io/error", Group::Io},               {"wasi:io/streams", Group::Io},
    {"wasi:io/poll", Group::Poll},              {"wasi:clocks/wall-clock", Group::Clocks},
    {"wasi:clocks/monotonic-clock", Group::Clocks}, {"wasi:filesystem/types", Group::Filesystem},
    {"wasi:filesystem/preopens", Group::Filesystem}, {"wasi:random/random", Group::Random},
    {"wasi:random/insecure", Group::Random},    {"wasi:random/insecure-seed", Group::Random},
    {"wasi:sockets/network", Group::Sockets},   {"wasi:sockets/instance-network", Group::Sockets},
    {"wasi:sockets/tcp", Group::Sockets},       {"wasi:sockets/tcp-create-socket", Group::Sockets},
    {"wasi:sockets/udp", Group::Sockets},       {"wasi:sockets/udp-create-socket", Group::Sockets},
    {"wasi:sockets/ip-name-lookup", Group::Sockets},
    {"wasi:http/types", Group::Http},           {"wasi:http/outgoing-handler", Group::Http},
};

std::string_view without_version(std::string_view name) { return name.substr(0, name.find('@')); }

// "0.2.x" (any x, with an optional pre-release or build suffix).
bool is_p2_version(std::string_view name) {
  size_t at = name.find('@');
  if (at == std::string_view::npos) return false;
  std::string_view v = name.substr(at + 1);
  return v.rfind("0.2.", 0) == 0 && v.size() > 4;
}

bool is_wasi(std::string_view name) { return name.rfind("wasi:", 0) == 0; }

}  // namespace

std::optional<Group> p2_group_of(std::string_view iface) {
  std::string_view bare = without_version(iface);
  for (const P2Interface& i : kInterfaces) {
    if (i.name == bare) return i.group;
  }
  return std::nullopt;
}

void check_p2_imports(const component::Component& component, GroupMask enabled) {
  for (const component::ImportDef& imp : component.imports) {
    if (!is_wasi(imp.name)) continue;
    std::optional<Group> g = p2_group_of(imp.name);
    if (!g) {
      throw component::LinkError(
          fmt::format("import {}: no import group of this host provides this interface", imp.name));
    }
    if (!is_p2_version(imp.name)) {
      throw component::LinkError(fmt::format("import {}: only WASI 0.2.x interfaces are supported", imp.name));
    }
    if (!(enabled & group_bit(*g))) {
      throw component::LinkError(fmt::format("import {} needs the import group {}", imp.name, group_name(*g)));
    }
  }
}

void add_p2_to_linker(component::Linker& linker, const component::Component& component, WasiContext& ctx,
                      GroupMask enabled) {
  check_p2_imports(component, enabled);
  auto st = std::make_shared<p2::State>(ctx);
  const std::string who = trace_who(ctx);
  for (const component::ImportDef& imp : component.imports) {
    if (!is_wasi(imp.name)) continue;
    std::string_view bare = without_version(imp.name);
    std::string_view package = bare.substr(0, bare.find('/'));
    std::string_view iface = bare.substr(bare.find('/') + 1);
    p2::Iface i{linker, imp.name, st, who};
    if (package == "wasi:cli") p2::define_cli(i, iface);
    else if (package == "wasi:io") p2::define_io(i, iface);
    else if (package == "wasi:clocks") p2::define_clocks(i, iface);
    else if (package == "wasi:filesystem") p2::define_filesystem(i, iface);
    else if (package == "wasi:random") p2::define_random(i, iface);
    else if (package == "wasi:sockets") p2::define_sockets(i, iface);
    else if (package == "wasi:http") p2::define_http(i, iface);
  }
}

RunOutcome run_p2_command(component::ComponentInstance& instance, int64_t slice) {
  std::string run = component::cli_run_export(instance.exported_functions());
  if (run.empty()) throw component::CallError("the component exports no wasi:cli/run (it is not a command)");
  std::unique_ptr<component::Call> call = instance.prepare(run, {});
  RunOutcome out = drive(call->execution(), slice);
  if (out.kind == RunOutcome::Kind::Returned) {
    std::vector<component::Value> r = call->results();
    out.kind = RunOutcome::Kind::Exited;
    out.exit_code = !r.empty() && r[0].case_index() == 1 ? 1 : 0;
    out.results.clear();
  }
  return out;
}

}  // namespace wippy::wasi
