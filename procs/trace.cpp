#include "procs/trace.h"

namespace wippy::procs {

void Trace::write(std::chrono::nanoseconds since_start, std::string_view what) {
  std::string line = std::to_string(since_start.count());
  line += ' ';
  line += what;
  std::lock_guard lk(mu_);
  sink_(line);
}

std::string Trace::value(const Value& v) {
  constexpr size_t kMax = 200;
  std::string text = v.to_string();
  std::string out;
  for (char c : text.substr(0, kMax)) {
    if (c == '\n') out += "\\n";
    else out += c;
  }
  if (text.size() > kMax) out += "...";
  return out;
}

}  // namespace wippy::procs
