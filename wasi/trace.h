// The WASI trace (WIPPY_LOG=trace): one log line per preview1 call of a guest,
// "[WHO] NAME(ARGS) -> RESULTS". add_to_linker wraps the functions only when the level
// is trace at link time, so an untraced guest pays nothing per call.
#pragma once

#include <string>
#include <string_view>

#include "engine/host.h"

namespace wippy::wasi {

// `fn`, logging each call after it returns ("-> trap: MESSAGE" / "-> suspended" when
// it does not return a value).
engine::HostFn traced(std::string who, std::string_view name, const engine::FuncType& type, engine::HostFn fn);

}  // namespace wippy::wasi
