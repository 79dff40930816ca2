// Remote spawn: the request a node sends to spawn on another node, and the serving
// side that checks the entry, spawns, and answers with the pid or the error.
#include <stdexcept>

#include "cluster/envelope.h"
#include "cluster/nats_connect.h"
#include "cluster/node.h"

namespace wippy::cluster {

using procs::Pid;
using procs::SpawnOptions;
using procs::SpawnResult;
using procs::Value;
using namespace envelope;

SpawnResult Node::spawn(const std::string& node, const std::string& host, const std::string& entry_id,
                        std::vector<Value> args, const SpawnOptions& opts) {
  const std::string where = "spawn of " + entry_id + " on node " + node;
  if ((opts.monitor || opts.link) && !opts.parent.valid()) return {{}, "monitor/link requires a parent process"};
  int64_t flags = (opts.monitor ? kSpawnMonitor : 0) | (opts.link ? kSpawnLink : 0) |
                  (opts.trap_links ? kSpawnTrapLinks : 0);
  std::string bytes;
  try {
    bytes = encode_value(Value::Array{kSpawn, opts.parent.to_string(), host, entry_id,
                                      Value(Value::Array(std::make_move_iterator(args.begin()),
                                                         std::make_move_iterator(args.end()))),
                                      flags},
                         limits_of(opts_.limits));
  } catch (const CodecError& e) {
    return {{}, where + ": arguments: " + e.what()};
  }
  {
    std::lock_guard lk(mu_);
    spawning_[opts.parent]++;
  }
  natsMsg* reply = nullptr;
  natsStatus s = NATS_CONNECTION_CLOSED;
  {
    std::shared_lock lk(conn_mu_);
    if (conn_)
      s = natsConnection_Request(&reply, conn_, subject_of(node).c_str(), bytes.data(), static_cast<int>(bytes.size()),
                                 opts_.request_timeout.count());
  }
  std::string error;
  Pid child;
  if (s == NATS_NO_RESPONDERS) {
    error = "no route to node " + node + ": it is not in the cluster";
  } else if (s == NATS_TIMEOUT) {
    error = where + ": no answer within " + std::to_string(opts_.request_timeout.count()) +
            " ms (the process may have started there)";
  } else if (s != NATS_OK) {
    error = "no route to node " + node + ": " + nats_error(s);
  } else {
    try {
      Value answer = decode_value(std::string_view(natsMsg_GetData(reply), natsMsg_GetDataLength(reply)), {});
      const Value::Array* a = answer.is_array() ? &answer.as_array() : nullptr;
      std::optional<Pid> pid = a && a->size() == 1 && (*a)[0].is_string() ? Pid::parse((*a)[0].as_string()) : std::nullopt;
      if (pid && pid->node() == node) {
        child = *pid;
      } else if (a && a->size() == 2 && (*a)[1].is_string()) {
        error = (*a)[1].as_string();
      } else {
        error = where + ": bad answer " + answer.to_string(200);
      }
    } catch (const CodecError& e) {
      error = where + ": bad answer: " + e.what();
    }
    natsMsg_Destroy(reply);
  }
  bool ended = false;
  {
    std::lock_guard lk(mu_);
    ended = ended_.erase({opts.parent, child}) > 0;
    if (--spawning_[opts.parent] == 0) {
      spawning_.erase(opts.parent);
      std::erase_if(ended_, [&](const auto& e) { return e.first == opts.parent; });
    }
    if (error.empty() && !ended && opts.monitor) {
      watches_[node].insert({opts.parent, child});
      last_heard_.try_emplace(node, std::chrono::steady_clock::now());
    }
  }
  if (!error.empty()) return {{}, std::move(error)};
  // The child's LINK_DOWN or unlink may have come first: then there is no link to keep.
  if (opts.link && !ended) {
    if (system_.add_remote_link(opts.parent, child)) {
      track_link(opts.parent, child);
    } else {
      unlink(opts.parent, child);  // the parent ended meanwhile
    }
  }
  return {child, {}};
}

void Node::serve_spawn(const Value::Array& a, const char* reply) {
  if (!reply || !*reply) return drop("spawn request without a reply subject");
  std::optional<Pid> parent = a[1].is_string() ? Pid::parse(a[1].as_string()) : std::nullopt;
  std::string error;
  if (!(parent || (a[1].is_string() && a[1].as_string() == "{}")) || !a[2].is_string() || !a[3].is_string() ||
      !a[4].is_array() || !a[5].is_int()) {
    error = "bad spawn request: " + Value(a).to_string(200);
  } else if (!opts_.spawn_check) {
    error = "node " + opts_.name + " accepts no remote spawns";
  } else {
    error = opts_.spawn_check(a[3].as_string());
  }
  SpawnResult r;
  if (error.empty()) {
    SpawnOptions so;
    so.parent = parent.value_or(Pid{});
    so.monitor = (a[5].as_int() & kSpawnMonitor) != 0;
    so.link = (a[5].as_int() & kSpawnLink) != 0;
    so.trap_links = (a[5].as_int() & kSpawnTrapLinks) != 0;
    const Value::Array& args = a[4].as_array();
    r = system_.spawn(a[2].as_string(), a[3].as_string(), std::vector<Value>(args.begin(), args.end()), so);
    // The child's links hold its remote parent from the start; track it for node down.
    if (r && so.link && parent) track_link(r.pid, *parent);
    error = r.error;
  }
  Value answer = error.empty() ? Value(Value::Array{r.pid.to_string()}) : Value(Value::Array{Value(), error});
  std::string bytes = encode_value(answer, {});
  if (std::string err = publish(reply, bytes); !err.empty()) return drop("spawn answer: " + err);
  delivered_++;
}

}  // namespace wippy::cluster
