// Durations as configuration and scripts write them: Go-style text ("250ms",
// "1m30s", "1.5h") or integer nanoseconds. One parser for the registry
// (process.service lifecycle) and the Lua time module, so both accept the same.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wippy::procs {

// Parses Go's time.ParseDuration syntax: an optional sign, then one or more
// <number><unit> with a decimal number (fraction allowed) and a unit of ns, us
// (or µs), ms, s, m, h; "0" alone is zero. Returns nanoseconds, or nullopt and a
// message in `error` ("invalid duration \"10 s\": ...", "... overflows ...").
std::optional<int64_t> parse_duration(std::string_view text, std::string* error = nullptr);

// "1m30s", "250ms", "0s", "-2s": Go's String() form.
std::string format_duration(int64_t ns);

}  // namespace wippy::procs
