// Internal to registry/: one YAML file -> entries (syntax and per-entry field rules;
// references between entries are checked later, when every file has been read).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "registry/entry.h"
#include "registry/fields.h"

namespace wippy::registry::detail {

// Reads `file` (absolute) and appends its entries to `out`. `display` is the file's
// name in messages. Never throws: YAML syntax errors become messages with the line.
void parse_file(const std::filesystem::path& file, const std::string& display,
                const std::filesystem::path& project_dir, std::vector<Entry>& out,
                Diagnostics& diag);

// A reference as written ("ns:name", or "name" for the same namespace) -> a full ID.
std::string full_id(const std::string& ref, const std::string& ns);

}  // namespace wippy::registry::detail
