// One logger for the whole runtime: levels, a threshold from WIPPY_LOG, whole lines
// on stderr. A message below the threshold costs one relaxed load and a compare:
// the format arguments are not evaluated into text.
#pragma once

#include <fmt/format.h>

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace wippy::log {

// trace: every WASI call of every process; debug: runtime decisions (hosts, spawns,
// restarts); info: what a user of `wippy run` wants to see (service restarts); warn and
// error: something went wrong that does not end the run.
enum class Level : uint8_t { Trace, Debug, Info, Warn, Error, Off };

inline constexpr Level kDefaultLevel = Level::Info;

// "trace", "debug", "info", "warn" (or "warning"), "error", "off", any case; nullopt otherwise.
std::optional<Level> parse_level(std::string_view text);
const char* level_name(Level level);

namespace detail {
extern std::atomic<uint8_t> threshold;
}

// True when a message at `level` is written.
inline bool enabled(Level level) {
  return static_cast<uint8_t>(level) >= detail::threshold.load(std::memory_order_relaxed) &&
         level != Level::Off;
}
void set_threshold(Level level);
Level threshold();

// Sets the threshold from WIPPY_LOG (unset or empty: kDefaultLevel). Returns an error
// message for a value that is not a level (the threshold is then kDefaultLevel).
std::optional<std::string> init_from_env();

// The sink: whole lines, never interleaved between threads. Tests replace it.
using Sink = void (*)(Level level, std::string_view line);
void set_sink(Sink sink);  // nullptr: stderr
// Writes "wippy: <line>" (with "debug: " / "trace: " before the text at those levels).
void write(Level level, std::string_view text);
// A line that is output rather than a message (a process's stdout on a host with no
// terminal), whatever the threshold: through the same sink (with level Off), so it
// never splits a message or is split by one.
void write_output(std::string_view line);

template <class... Args>
void at(Level level, fmt::format_string<Args...> format, Args&&... args) {
  if (enabled(level)) write(level, fmt::format(format, std::forward<Args>(args)...));
}
template <class... Args>
void trace(fmt::format_string<Args...> format, Args&&... args) {
  at(Level::Trace, format, std::forward<Args>(args)...);
}
template <class... Args>
void debug(fmt::format_string<Args...> format, Args&&... args) {
  at(Level::Debug, format, std::forward<Args>(args)...);
}
template <class... Args>
void info(fmt::format_string<Args...> format, Args&&... args) {
  at(Level::Info, format, std::forward<Args>(args)...);
}
template <class... Args>
void warn(fmt::format_string<Args...> format, Args&&... args) {
  at(Level::Warn, format, std::forward<Args>(args)...);
}
template <class... Args>
void error(fmt::format_string<Args...> format, Args&&... args) {
  at(Level::Error, format, std::forward<Args>(args)...);
}

}  // namespace wippy::log
