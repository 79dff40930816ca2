// A cluster node: joins a process system to a NATS cluster so that pids of other
// nodes ({node@host|N}) can be sent to. Each node subscribes to its own subject
// (wippy.node.<name>); a send publishes one encoded envelope there. NATS keeps
// the order of one connection's messages on one subject and delivers at most once,
// and each node delivers its subject's messages on one thread in arrival order: so
// messages of one sender to one receiver arrive in order, at most once.
// Nodes publish a heartbeat (wippy.heartbeat.<name>); a node that watches processes
// of another node and hears nothing from it for `node_timeout` (or hears it leave)
// delivers EXIT "node down: NAME" to each such watcher.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <set>
#include <thread>
#include <utility>
#include <vector>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>

#include "cluster/value_codec.h"
#include "procs/system.h"

struct __natsConnection;
struct __natsSubscription;
struct __natsMsg;

namespace wippy::cluster {

struct NodeOptions {
  std::string name;      // 1-64 of [A-Za-z0-9_-]: a NATS subject token and a pid prefix
  std::string nats_url;  // "nats://127.0.0.1:4222"
  CodecLimits limits;    // of one message's payload
  std::chrono::milliseconds heartbeat_interval{1000};
  std::chrono::milliseconds node_timeout{3000};  // silence after which a node is down
};

struct NodeStats {
  uint64_t sent = 0;        // envelopes published
  uint64_t delivered = 0;   // received and queued in a local inbox
  uint64_t dropped = 0;     // received but not deliverable (bad bytes, no such process, mailbox full)
};

class Node : public procs::RemoteRouter {
 public:
  // Names the system's node (before any of its hosts exist), connects to NATS,
  // subscribes, and becomes the system's remote router. Throws std::invalid_argument
  // for a bad name, std::runtime_error naming the URL when NATS cannot be reached.
  static std::shared_ptr<Node> join(procs::System& system, NodeOptions options);
  ~Node() override;  // leave()

  // Stops routing: unsubscribes (waiting for a delivery in progress), closes the
  // connection. Later sends to other nodes fail with "no route to node X".
  void leave();
  // Drops out as a crashed node would: no goodbye, no more heartbeats (for tests of
  // the node-down path). Then as leave().
  void vanish();

  procs::SendResult send(const procs::Pid& from, const procs::Pid& to, std::string topic,
                         procs::Value payload) override;
  void monitor(const procs::Pid& watcher, const procs::Pid& target) override;
  void demonitor(const procs::Pid& watcher, const procs::Pid& target) override;
  bool deliver_event(const procs::Pid& to, procs::Event ev) override;

  const std::string& name() const { return opts_.name; }
  NodeStats stats() const;
  // The last reason a received message was dropped ("" if none).
  std::string last_drop() const;

  static std::string subject_of(std::string_view node) { return "wippy.node." + std::string(node); }
  // Throws std::invalid_argument unless `name` is a valid node name.
  static void check_name(std::string_view name);

  Node(procs::System& system, NodeOptions options);  // use join()

 private:
  static void on_message(__natsConnection*, __natsSubscription*, __natsMsg* msg, void* self);
  static void on_heartbeat(__natsConnection*, __natsSubscription*, __natsMsg* msg, void* self);
  static void on_complete(void* self);
  void subscribe(const std::string& subject, void (*handler)(__natsConnection*, __natsSubscription*, __natsMsg*, void*));
  void receive(std::string_view bytes);
  void drop(std::string why);
  std::string publish(const std::string& subject, std::string_view bytes);  // "" or the error
  std::string publish_locked(const std::string& subject, std::string_view bytes);  // conn_mu_ held
  std::string publish_envelope(std::string_view node, procs::Value envelope);
  void heartbeat_loop();
  void node_down(const std::string& node);
  // Ends the watch of (watcher, target); false if there was none (after "node down",
  // a demonitor, or never).
  bool unwatch(const procs::Pid& watcher, const std::optional<procs::Pid>& target);
  void stop(bool goodbye);

  procs::System& system_;
  NodeOptions opts_;
  __natsConnection* conn_ = nullptr;
  std::vector<__natsSubscription*> subs_;
  std::mutex stop_mu_;                 // one stop() at a time
  mutable std::shared_mutex conn_mu_;  // conn_ lifetime: publishes share it, stop() owns it to close
  mutable std::mutex mu_;              // everything below up to heartbeat_
  std::condition_variable sub_done_cv_;
  size_t subs_done_ = 0;
  std::string last_drop_;
  // Remote processes watched from here, by node: (watcher, target).
  std::map<std::string, std::set<std::pair<procs::Pid, procs::Pid>>> watches_;
  std::map<std::string, std::chrono::steady_clock::time_point> last_heard_;
  std::condition_variable stop_cv_;
  bool stopping_ = false;
  std::thread heartbeat_;
  std::atomic<uint64_t> sent_{0}, delivered_{0}, dropped_{0};
};

}  // namespace wippy::cluster
