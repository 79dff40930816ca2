// Text report of a script's results.
#pragma once

#include <string>

#include "spec-tests/script.h"

namespace wippy::spectest {

// "<file>: P passed, F failed, S skipped (reasons), msgdiff=N" followed by the
// failures (at most 20 unless verbose) and, if verbose, every message difference.
std::string format_report(const FileResult& result, bool verbose);

}  // namespace wippy::spectest
