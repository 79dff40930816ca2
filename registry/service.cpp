// process.service: lifecycle fields, durations, input values, references.
#include "registry/service.h"

#include <map>

#include "procs/duration.h"
#include "registry/parse.h"

namespace wippy::registry::detail {

namespace {

// A YAML value as a message value: plain scalars become null, booleans, integers
// or numbers when they read as such; quoted ones stay strings.
procs::Value to_value(const YAML::Node& n, int depth = 0) {
  if (depth > 64) throw std::runtime_error("nested more than 64 levels deep");
  if (n.IsSequence()) {
    procs::Value::Array a;
    for (const YAML::Node& item : n) a.push_back(to_value(item, depth + 1));
    return a;
  }
  if (n.IsMap()) {
    procs::Value::Map m;
    for (const auto& kv : n) m.emplace_back(kv.first.Scalar(), to_value(kv.second, depth + 1));
    return m;
  }
  if (!n.IsScalar()) return {};
  const std::string& s = n.Scalar();
  if (n.Tag() == "!") return s;  // quoted
  if (s == "null" || s == "~") return {};
  if (s == "true") return true;
  if (s == "false") return false;
  int64_t i = 0;
  if (YAML::convert<int64_t>::decode(n, i)) return i;
  double d = 0;
  if (YAML::convert<double>::decode(n, d)) return d;
  return s;
}

// A duration field: a plain integer (nanoseconds) or Go-style text ("10s").
std::optional<procs::Clock::duration> duration(const YAML::Node& map, const char* key, const std::string& field,
                                               const Fields& f, bool positive) {
  std::optional<YAML::Node> v = Fields::get(map, key);
  if (!v) return std::nullopt;
  if (!v->IsScalar()) {
    f.error(field + " must be a duration such as 500ms, 10s or 1m30s, or integer nanoseconds");
    return std::nullopt;
  }
  const std::string& text = v->Scalar();
  std::optional<int64_t> ns;
  std::string error;
  bool digits = !text.empty() && text.find_first_not_of("0123456789") == std::string::npos;
  if (v->Tag() != "!" && digits) {
    ns = parse_uint(text) && *parse_uint(text) <= static_cast<uint64_t>(INT64_MAX)
             ? std::optional<int64_t>(static_cast<int64_t>(*parse_uint(text)))
             : std::nullopt;
    if (!ns) error = "integer nanoseconds above 2^63-1: " + text;
  } else {
    ns = procs::parse_duration(text, &error);
  }
  if (!ns) {
    f.error(field + ": " + error);
    return std::nullopt;
  }
  if (*ns < 0 || (positive && *ns == 0)) {
    f.error(field + " must be " + (positive ? "positive" : "zero or more") + ", got " + text);
    return std::nullopt;
  }
  return std::chrono::duration_cast<procs::Clock::duration>(std::chrono::nanoseconds(*ns));
}

std::optional<double> number(const YAML::Node& map, const char* key, const std::string& field, const Fields& f,
                             double min, double max) {
  std::optional<YAML::Node> v = Fields::get(map, key);
  if (!v) return std::nullopt;
  double d = 0;
  if (!v->IsScalar() || !YAML::convert<double>::decode(*v, d) || !(d >= min && d <= max)) {
    f.error(field + " must be a number from " + std::to_string(min).substr(0, 3) + " to " +
            (max > 1e300 ? std::string("any") : std::to_string(max).substr(0, 3)));
    return std::nullopt;
  }
  return d;
}

void parse_restart(const YAML::Node& r, const Fields& f, procs::RestartPolicy& out) {
  f.refuse_unknown(r, {"initial_delay", "max_delay", "backoff_factor", "jitter", "max_attempts"}, "lifecycle.restart");
  const std::string p = "lifecycle.restart.";
  if (auto d = duration(r, "initial_delay", p + "initial_delay", f, false)) out.initial_delay = *d;
  if (auto d = duration(r, "max_delay", p + "max_delay", f, false)) out.max_delay = *d;
  if (auto n = number(r, "backoff_factor", p + "backoff_factor", f, 1.0, 1e308)) out.backoff_factor = *n;
  if (auto n = number(r, "jitter", p + "jitter", f, 0.0, 1.0)) out.jitter = *n;
  if (auto n = f.uint(r, "max_attempts", p + "max_attempts", 0, UINT32_MAX)) out.max_attempts = static_cast<uint32_t>(*n);
  if (out.max_delay < out.initial_delay) f.error(p + "max_delay must not be less than initial_delay");
}

}  // namespace

procs::ServiceConfig parse_service(const YAML::Node& node, const Fields& f, const std::string& id,
                                   const std::string& ns) {
  procs::ServiceConfig c;
  c.id = id;
  if (auto p = f.str(node, "process", "process", true)) c.process = full_id(*p, ns);
  if (auto h = f.str(node, "host", "host", true)) c.host = full_id(*h, ns);
  if (auto in = Fields::get(node, "input")) {
    if (!in->IsSequence()) {
      f.error("input must be a list of the process's arguments");
    } else {
      try {
        for (const YAML::Node& item : *in) c.input.push_back(to_value(item));
      } catch (const std::exception& e) {
        f.error(std::string("input: ") + e.what());
      }
    }
  }
  auto lc = f.map(node, "lifecycle", "lifecycle");
  if (!lc) return c;
  f.refuse_unknown(*lc,
                   {"auto_start", "start_timeout", "stop_timeout", "stable_threshold", "requires", "startup", "restart"},
                   "lifecycle");
  if (auto a = f.boolean(*lc, "auto_start", "lifecycle.auto_start")) c.auto_start = *a;
  if (auto d = duration(*lc, "start_timeout", "lifecycle.start_timeout", f, true)) c.start_timeout = *d;
  if (auto d = duration(*lc, "stop_timeout", "lifecycle.stop_timeout", f, true)) c.stop_timeout = *d;
  if (auto d = duration(*lc, "stable_threshold", "lifecycle.stable_threshold", f, false)) c.stable_threshold = *d;
  if (auto r = f.str_list(*lc, "requires", "lifecycle.requires"))
    for (const std::string& dep : *r) c.depends_on.push_back(full_id(dep, ns));
  if (auto s = f.str(*lc, "startup", "lifecycle.startup")) {
    if (*s == "required" || *s == "optional") c.required = *s == "required";
    else f.error("lifecycle.startup must be required or optional, got \"" + *s + "\"");
  }
  if (auto r = f.map(*lc, "restart", "lifecycle.restart")) parse_restart(*r, f, c.restart);
  return c;
}

void check_services(const std::vector<Entry>& entries, Diagnostics& diag) {
  std::map<std::string, const Entry*> by_id;
  for (const Entry& e : entries) by_id.emplace(e.id, &e);
  std::vector<procs::ServiceConfig> graph;
  std::map<std::string, const Entry*> services;
  bool refs_ok = true;
  for (const Entry& e : entries) {
    if (e.kind != Kind::ProcessService) continue;
    const procs::ServiceConfig& c = e.service();
    std::string where = e.file.generic_string() + ": entry " + e.id + ": ";
    auto ref = [&](const std::string& field, const std::string& target, std::initializer_list<Kind> kinds,
                   const char* want) {
      auto it = by_id.find(target);
      if (it == by_id.end()) {
        diag.add(where + field + ": " + target + " is not defined (declare a " + want + " entry with that ID)");
        return false;
      }
      for (Kind k : kinds)
        if (it->second->kind == k) return true;
      diag.add(where + field + ": " + target + " is a " + std::string(kind_name(it->second->kind)) + ", expected " + want);
      return false;
    };
    ref("process", c.process, {Kind::ProcessWasm, Kind::ProcessLua}, "process.wasm or process.lua");
    ref("host", c.host, {Kind::ProcessHost}, "process.host");
    for (size_t i = 0; i < c.depends_on.size(); ++i)
      refs_ok &= ref("lifecycle.depends_on[" + std::to_string(i) + "]", c.depends_on[i], {Kind::ProcessService},
                     "process.service");
    graph.push_back(c);
    services.emplace(c.id, &e);
  }
  if (!refs_ok) return;
  try {
    procs::service_start_order(graph);
  } catch (const procs::ServiceGraphError& err) {
    const Entry* e = services.at(err.service);
    diag.add(e->file.generic_string() + ": entry " + e->id + ": lifecycle.depends_on: " + err.detail);
  }
}

}  // namespace wippy::registry::detail
