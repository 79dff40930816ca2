// An event trace of a run (`wippy run --trace FILE`): one line per spawn, step,
// message, event and exit, stamped with the nanoseconds since the start. In
// deterministic mode the time is virtual and two runs of a project with the same
// seed write the same bytes; otherwise it shows what happened, in one order of many.
#pragma once

#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "procs/value.h"

namespace wippy::procs {

class Trace {
 public:
  using Sink = std::function<void(const std::string& line)>;  // one line, no newline
  explicit Trace(Sink sink) : sink_(std::move(sink)) {}
  // "<ns> <what>", whole lines in one order across threads.
  void write(std::chrono::nanoseconds since_start, std::string_view what);
  // A value's text as traced: at most 200 bytes, newlines escaped.
  static std::string value(const Value& v);

 private:
  std::mutex mu_;
  Sink sink_;
};

}  // namespace wippy::procs
