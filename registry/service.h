// Internal to registry/: `process.service` entries -> procs::ServiceConfig (the
// supervisor's plain configuration), and the checks that need every entry.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <vector>

#include "procs/supervisor.h"
#include "registry/entry.h"
#include "registry/fields.h"

namespace wippy::registry::detail {

// `process`, `host`, `input` and `lifecycle` of one entry (`ns` resolves short IDs).
procs::ServiceConfig parse_service(const YAML::Node& node, const Fields& f, const std::string& id,
                                   const std::string& ns);

// `process` names a process.wasm/process.lua entry, `host` a process.host, every
// `requires` a process.service, and the requirements have no cycle.
void check_services(const std::vector<Entry>& entries, Diagnostics& diag);

}  // namespace wippy::registry::detail
