// Node: the NATS connection, the envelopes of remote sends, monitors and events,
// heartbeats, and inbound delivery.
#include "cluster/node.h"

#include <nats/nats.h>

#include <stdexcept>

namespace wippy::cluster {

using procs::Event;
using procs::EventKind;
using procs::Pid;
using procs::SendResult;
using procs::Value;

namespace {

// Envelopes on a node's subject (encoded arrays, first element the kind):
//   [1, from, to, topic, payload]              a message
//   [2, watcher, target] / [3, watcher, target] monitor / demonitor a local target
//   [4, to, event kind, from, value, error]    an event (EXIT, LINK_DOWN, CANCEL); error nil or a string
constexpr int64_t kSend = 1, kMonitor = 2, kDemonitor = 3, kEvent = 4;
// Heartbeats on wippy.heartbeat.<node>: one byte, alive or leaving.
constexpr char kAlive = 'H', kLeaving = 'L';
const std::string kHeartbeatPrefix = "wippy.heartbeat.";

std::string nats_error(natsStatus s) {
  const char* last = nats_GetLastError(nullptr);
  return std::string(natsStatus_GetText(s)) + (last && *last ? std::string(": ") + last : std::string());
}

CodecLimits envelope_limits(CodecLimits payload) {
  payload.max_depth += 1;  // the envelope array around the payload
  return payload;
}

}  // namespace

void Node::check_name(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
  if (!ok)
    throw std::invalid_argument("bad node name '" + std::string(name) +
                                "': use 1-64 letters, digits, '_' or '-'");
}

Node::Node(procs::System& system, NodeOptions options) : system_(system), opts_(std::move(options)) {}

void Node::subscribe(const std::string& subject,
                     void (*handler)(natsConnection*, natsSubscription*, natsMsg*, void*)) {
  natsSubscription* sub = nullptr;
  natsStatus s = natsConnection_Subscribe(&sub, conn_, subject.c_str(), handler, this);
  if (s == NATS_OK) {
    subs_.push_back(sub);
    s = natsSubscription_SetOnCompleteCB(sub, &Node::on_complete, this);
  }
  if (s != NATS_OK)
    throw std::runtime_error("cannot subscribe to " + subject + " at " + opts_.nats_url + ": " + nats_error(s));
}

std::shared_ptr<Node> Node::join(procs::System& system, NodeOptions options) {
  check_name(options.name);
  if (!system.host_names().empty())
    throw std::logic_error("node " + options.name + " must join before the system has hosts");
  if (options.nats_url.empty()) throw std::invalid_argument("node " + options.name + ": no NATS URL");
  auto node = std::make_shared<Node>(system, std::move(options));
  const NodeOptions& o = node->opts_;
  natsOptions* nopts = nullptr;
  natsStatus s = natsOptions_Create(&nopts);
  if (s == NATS_OK) s = natsOptions_SetURL(nopts, o.nats_url.c_str());
  if (s == NATS_OK) s = natsOptions_SetName(nopts, ("wippy node " + o.name).c_str());
  // Keep reconnecting while the server is away; sends meanwhile wait in the
  // client's reconnect buffer (lost, not duplicated, if it overflows).
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(nopts, -1);
  if (s == NATS_OK) s = natsConnection_Connect(&node->conn_, nopts);
  natsOptions_Destroy(nopts);
  if (s != NATS_OK) throw std::runtime_error("cannot connect to NATS at " + o.nats_url + ": " + nats_error(s));
  try {
    node->subscribe(subject_of(o.name), &Node::on_message);
    node->subscribe(kHeartbeatPrefix + "*", &Node::on_heartbeat);
    // The subscriptions are known to the server before join returns: a message sent
    // to this node afterwards is not lost to a race.
    if (natsStatus f = natsConnection_Flush(node->conn_); f != NATS_OK)
      throw std::runtime_error("cannot reach NATS at " + o.nats_url + ": " + nats_error(f));
  } catch (...) {
    node->leave();
    throw;
  }
  node->heartbeat_ = std::thread([raw = node.get()] { raw->heartbeat_loop(); });
  system.set_node(o.name);
  system.set_remote_router(node);
  return node;
}

Node::~Node() { leave(); }

void Node::leave() { stop(true); }
void Node::vanish() { stop(false); }

void Node::stop(bool goodbye) {
  std::lock_guard once(stop_mu_);
  {
    std::lock_guard lk(mu_);
    stopping_ = true;
    stop_cv_.notify_all();
  }
  if (heartbeat_.joinable()) heartbeat_.join();
  {
    std::shared_lock lk(conn_mu_);
    if (!conn_) return;
    if (goodbye) {
      publish_locked(kHeartbeatPrefix + opts_.name, std::string_view(&kLeaving, 1));
      natsConnection_FlushTimeout(conn_, 1000);
    }
  }
  // No delivery may touch this node once stop returns: wait for the last ones. A
  // delivery may still publish (an EXIT back), so the connection stays open meanwhile.
  size_t waiting = 0;
  for (natsSubscription* sub : subs_) waiting += natsSubscription_Unsubscribe(sub) == NATS_OK;
  {
    std::unique_lock dl(mu_);
    sub_done_cv_.wait(dl, [&] { return subs_done_ >= waiting; });
  }
  std::unique_lock lk(conn_mu_);
  for (natsSubscription* sub : subs_) natsSubscription_Destroy(sub);
  subs_.clear();
  natsConnection_Close(conn_);
  natsConnection_Destroy(conn_);
  conn_ = nullptr;
}

void Node::on_complete(void* self) {
  auto* node = static_cast<Node*>(self);
  std::lock_guard lk(node->mu_);
  node->subs_done_++;
  node->sub_done_cv_.notify_all();
}

std::string Node::publish(const std::string& subject, std::string_view bytes) {
  std::shared_lock lk(conn_mu_);
  return publish_locked(subject, bytes);
}

std::string Node::publish_locked(const std::string& subject, std::string_view bytes) {
  if (!conn_) return "node " + opts_.name + " left the cluster";
  int64_t max = natsConnection_GetMaxPayload(conn_);
  if (max > 0 && static_cast<int64_t>(bytes.size()) > max)
    return "message too large for NATS: " + std::to_string(bytes.size()) + " bytes (server max_payload " +
           std::to_string(max) + ")";
  natsStatus s = natsConnection_Publish(conn_, subject.c_str(), bytes.data(), static_cast<int>(bytes.size()));
  return s == NATS_OK ? std::string() : nats_error(s);
}

std::string Node::publish_envelope(std::string_view node, Value envelope) {
  std::string bytes;
  try {
    bytes = encode_value(envelope, envelope_limits(opts_.limits));
  } catch (const CodecError& e) {
    return e.what();
  }
  std::string err = publish(subject_of(node), bytes);
  if (err.empty()) sent_++;
  return err;
}

SendResult Node::send(const Pid& from, const Pid& to, std::string topic, Value payload) {
  std::string err = publish_envelope(
      to.node(), Value::Array{kSend, from.to_string(), to.to_string(), std::move(topic), std::move(payload)});
  if (err.empty()) return {};
  if (err.find("left the cluster") != std::string::npos)
    return {"no route to node " + std::string(to.node()) + ": " + err};
  return {err.rfind("value too", 0) == 0 || err.rfind("message too", 0) == 0
              ? err
              : "send to node " + std::string(to.node()) + " failed: " + err};
}

void Node::monitor(const Pid& watcher, const Pid& target) {
  std::string node(target.node());
  {
    std::lock_guard lk(mu_);
    watches_[node].insert({watcher, target});
    // The timeout runs from now for a node not heard from yet.
    last_heard_.try_emplace(node, std::chrono::steady_clock::now());
  }
  std::string err = publish_envelope(node, Value::Array{kMonitor, watcher.to_string(), target.to_string()});
  if (!err.empty()) {
    {
      std::lock_guard lk(mu_);
      watches_[node].erase({watcher, target});
    }
    system_.deliver_event(watcher, Event{EventKind::Exit, target, {}, "no route to node " + node + ": " + err, {},
                                         std::nullopt});
  }
}

void Node::demonitor(const Pid& watcher, const Pid& target) {
  std::string node(target.node());
  {
    std::lock_guard lk(mu_);
    if (auto it = watches_.find(node); it != watches_.end()) it->second.erase({watcher, target});
  }
  publish_envelope(node, Value::Array{kDemonitor, watcher.to_string(), target.to_string()});
}

bool Node::deliver_event(const Pid& to, Event ev) {
  Value error = ev.error ? Value(*ev.error) : Value();
  return publish_envelope(to.node(), Value::Array{kEvent, to.to_string(), static_cast<int64_t>(ev.kind),
                                                  ev.from.to_string(), std::move(ev.value), std::move(error)})
      .empty();
}

void Node::on_message(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
  static_cast<Node*>(self)->receive(std::string_view(natsMsg_GetData(msg), natsMsg_GetDataLength(msg)));
  natsMsg_Destroy(msg);
}

void Node::receive(std::string_view bytes) {
  Value env;
  try {
    env = decode_value(bytes, envelope_limits(opts_.limits));
  } catch (const CodecError& e) {
    return drop(e.what());
  }
  const Value::Array* a = env.is_array() ? &env.as_array() : nullptr;
  auto pid_at = [&](size_t i) -> std::optional<Pid> {
    return i < a->size() && (*a)[i].is_string() ? Pid::parse((*a)[i].as_string()) : std::nullopt;
  };
  int64_t kind = a && !a->empty() && (*a)[0].is_int() ? (*a)[0].as_int() : 0;
  size_t want = kind == kSend ? 5 : kind == kMonitor || kind == kDemonitor ? 3 : kind == kEvent ? 6 : 0;
  if (!want || a->size() != want) return drop("not an envelope: " + env.to_string(200));
  std::optional<Pid> p1 = pid_at(1), p2 = pid_at(2);
  std::optional<Pid> local = kind == kSend || kind == kEvent ? (kind == kSend ? p2 : p1) : p2;
  if (!local || (kind != kEvent && !p1) || (kind == kEvent && !(*a)[3].is_string()))
    return drop("bad pid in envelope: " + env.to_string(200));
  if (local->node() != opts_.name) return drop("envelope for " + local->to_string() + " reached node " + opts_.name);
  switch (kind) {
    case kSend: {
      if (!(*a)[3].is_string()) return drop("bad topic in envelope: " + env.to_string(200));
      SendResult r = system_.try_send(*p1, *p2, (*a)[3].as_string(), (*a)[4]);
      if (!r) return drop("to " + p2->to_string() + ": " + r.error);
      break;
    }
    case kMonitor: system_.monitor(*p1, *p2); break;  // EXIT (now, if it is gone) goes back as kEvent
    case kDemonitor: system_.demonitor(*p1, *p2); break;
    case kEvent: {
      int64_t ek = (*a)[2].is_int() ? (*a)[2].as_int() : -1;
      std::optional<Pid> from = Pid::parse((*a)[3].as_string());
      if (ek < 0 || ek > static_cast<int64_t>(EventKind::Cancel) || !(from || (*a)[3].as_string() == "{}") ||
          !((*a)[5].is_nil() || (*a)[5].is_string()))
        return drop("bad event envelope: " + env.to_string(200));
      Event ev{static_cast<EventKind>(ek), from.value_or(Pid{}), (*a)[4], std::nullopt, {}, std::nullopt};
      if ((*a)[5].is_string()) ev.error = (*a)[5].as_string();
      if (ev.kind == EventKind::Exit && !unwatch(*p1, from))  // one EXIT per monitor
        return drop("EXIT from " + (*a)[3].as_string() + " for " + p1->to_string() + ", which no longer watches it");
      if (!system_.deliver_event(*p1, std::move(ev))) return drop("event to " + p1->to_string() + ": no such process");
      break;
    }
  }
  delivered_++;
}

bool Node::unwatch(const Pid& watcher, const std::optional<Pid>& target) {
  if (!target) return false;
  std::lock_guard lk(mu_);
  auto it = watches_.find(std::string(target->node()));
  return it != watches_.end() && it->second.erase({watcher, *target}) > 0;
}

void Node::on_heartbeat(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
  auto* node = static_cast<Node*>(self);
  std::string_view subject = natsMsg_GetSubject(msg);
  std::string from(subject.substr(std::min(subject.size(), kHeartbeatPrefix.size())));
  bool leaving = natsMsg_GetDataLength(msg) == 1 && natsMsg_GetData(msg)[0] == kLeaving;
  natsMsg_Destroy(msg);
  if (from == node->opts_.name) return;
  if (leaving) return node->node_down(from);
  std::lock_guard lk(node->mu_);
  node->last_heard_[from] = std::chrono::steady_clock::now();
}

void Node::heartbeat_loop() {
  std::unique_lock lk(mu_);
  while (!stopping_) {
    lk.unlock();
    publish(kHeartbeatPrefix + opts_.name, std::string_view(&kAlive, 1));
    lk.lock();
    auto now = std::chrono::steady_clock::now();
    std::vector<std::string> down;
    for (const auto& [node, watched] : watches_)
      if (!watched.empty() && now - last_heard_[node] > opts_.node_timeout) down.push_back(node);
    lk.unlock();
    for (const std::string& n : down) node_down(n);
    lk.lock();
    stop_cv_.wait_for(lk, opts_.heartbeat_interval, [&] { return stopping_; });
  }
}

void Node::node_down(const std::string& node) {
  std::set<std::pair<Pid, Pid>> watched;
  {
    std::lock_guard lk(mu_);
    if (auto it = watches_.find(node); it != watches_.end()) watched.swap(it->second);
    last_heard_.erase(node);
  }
  for (const auto& [watcher, target] : watched)
    system_.deliver_event(watcher, Event{EventKind::Exit, target, {}, "node down: " + node, {}, std::nullopt});
}

void Node::drop(std::string why) {
  dropped_++;
  std::lock_guard lk(mu_);
  last_drop_ = std::move(why);
}

NodeStats Node::stats() const { return {sent_.load(), delivered_.load(), dropped_.load()}; }

std::string Node::last_drop() const {
  std::lock_guard lk(mu_);
  return last_drop_;
}

}  // namespace wippy::cluster
