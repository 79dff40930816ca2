// The WASI trace (WIPPY_LOG=trace): one log line per WASI call of a guest,
// "[WHO] NAME(ARGS) -> RESULTS". add_to_linker (preview1) and add_p2_to_linker (WASI
// 0.2) wrap the functions only when the level is trace at link time, so an untraced
// guest pays nothing per call.
#pragma once

#include <string>
#include <string_view>

#include "component/instance.h"
#include "engine/host.h"

namespace wippy::wasi {

// `fn`, logging each call after it returns ("-> trap: MESSAGE" / "-> suspended" when
// it does not return a value).
engine::HostFn traced(std::string who, std::string_view name, const engine::FuncType& type, engine::HostFn fn);

// A WASI 0.2 function `iface#name`, logging each call: "-> RESULTS", "-> trap: MESSAGE",
// or "-> suspended" and, when it completes, "... resumed -> RESULTS". Values are
// printed without their WIT names, bytes as a count and long strings cut.
component::SuspendableHostFunction traced_p2(std::string who, std::string name, component::SuspendableHostFunction fn);

struct WasiContext;
// Who the trace lines of `ctx`'s guest name ("" when the level is not trace, so
// nothing is wrapped).
std::string trace_who(const WasiContext& ctx);

}  // namespace wippy::wasi
