// Per-file report lines of the spec runner.
#include "spec-tests/report.h"

namespace wippy::spectest {

namespace {
constexpr size_t kMaxFailures = 20;
}

std::string format_report(const FileResult& r, bool verbose) {
  const Progress& c = r.counts;
  std::string out = r.name + ": " + std::to_string(c.passed) + " passed, " +
                    std::to_string(c.failed) + " failed, " + std::to_string(c.skipped) +
                    " skipped";
  if (!r.skip_reasons.empty()) {
    out += " (";
    bool first = true;
    for (const auto& [reason, n] : r.skip_reasons) {
      if (!first) out += "; ";
      first = false;
      out += reason + ": " + std::to_string(n);
    }
    out += ")";
  }
  out += ", msgdiff=" + std::to_string(c.msgdiff) + "\n";
  size_t shown = 0;
  for (const std::string& f : r.failures) {
    if (!verbose && shown == kMaxFailures) {
      out += "  ... " + std::to_string(r.failures.size() - shown) +
             " more failures (use --verbose to list all)\n";
      break;
    }
    out += "  FAIL " + f + "\n";
    ++shown;
  }
  if (verbose) {
    for (const std::string& m : r.msgdiffs) out += "  msgdiff " + m + "\n";
  }
  return out;
}

}  // namespace wippy::spectest
