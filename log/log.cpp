#include "log/log.h"

#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <string>

namespace wippy::log {

namespace detail {
std::atomic<uint8_t> threshold{static_cast<uint8_t>(kDefaultLevel)};
}

namespace {

std::atomic<Sink> g_sink{nullptr};

void stderr_sink(Level, std::string_view line) {
  static std::mutex mu;
  std::lock_guard lk(mu);
  std::fwrite(line.data(), 1, line.size(), stderr);
  std::fputc('\n', stderr);
  std::fflush(stderr);
}

}  // namespace

std::optional<Level> parse_level(std::string_view text) {
  std::string t;
  for (char c : text) t += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (t == "trace") return Level::Trace;
  if (t == "debug") return Level::Debug;
  if (t == "info") return Level::Info;
  if (t == "warn" || t == "warning") return Level::Warn;
  if (t == "error") return Level::Error;
  if (t == "off") return Level::Off;
  return std::nullopt;
}

const char* level_name(Level level) {
  switch (level) {
    case Level::Trace: return "trace";
    case Level::Debug: return "debug";
    case Level::Info: return "info";
    case Level::Warn: return "warn";
    case Level::Error: return "error";
    case Level::Off: return "off";
  }
  return "?";
}

void set_threshold(Level level) { detail::threshold.store(static_cast<uint8_t>(level), std::memory_order_relaxed); }

Level threshold() { return static_cast<Level>(detail::threshold.load(std::memory_order_relaxed)); }

std::optional<std::string> init_from_env() {
  const char* env = std::getenv("WIPPY_LOG");
  if (!env || !*env) {
    set_threshold(kDefaultLevel);
    return std::nullopt;
  }
  std::optional<Level> level = parse_level(env);
  set_threshold(level.value_or(kDefaultLevel));
  if (level) return std::nullopt;
  return std::string("WIPPY_LOG=") + env + " is not a level (trace, debug, info, warn, error, off)";
}

void set_sink(Sink sink) { g_sink.store(sink); }

void write(Level level, std::string_view text) {
  std::string line = "wippy: ";
  if (level == Level::Trace || level == Level::Debug) line += std::string(level_name(level)) + ": ";
  line += text;
  Sink sink = g_sink.load();
  (sink ? sink : stderr_sink)(level, line);
}

void write_output(std::string_view line) {
  Sink sink = g_sink.load();
  (sink ? sink : stderr_sink)(Level::Off, line);
}

}  // namespace wippy::log
