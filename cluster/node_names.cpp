// Cluster-wide names: a node answers lookups of the names its processes hold, on one
// subject per name, subscribed while it holds the name (request/reply to the owner).
#include "cluster/nats_connect.h"
#include "cluster/node.h"

namespace wippy::cluster {

using procs::Pid;

std::string Node::name_subject(std::string_view name) {
  // Hex: any name (dots, spaces, wildcards) is one safe subject token.
  static constexpr char kHex[] = "0123456789abcdef";
  std::string s = "wippy.name.";
  for (unsigned char c : name) {
    s += kHex[c >> 4];
    s += kHex[c & 15];
  }
  return s;
}

void Node::sync_name(const std::string& name) {
  std::lock_guard nl(names_mu_);
  bool held = system_.names().lookup(name).has_value();
  auto it = name_subs_.find(name);
  std::shared_lock lk(conn_mu_);
  if (!conn_) return;
  if (held && it == name_subs_.end()) {
    try {
      name_subs_.emplace(name, subscribe(name_subject(name), &Node::on_name_request));
    } catch (const std::runtime_error& e) {
      drop(std::string("name ") + name + " is not visible to other nodes: " + e.what());
    }
  } else if (!held && it != name_subs_.end()) {
    if (natsSubscription_Unsubscribe(it->second) == NATS_OK) {
      std::lock_guard ml(mu_);
      unsubscribed_++;
    }
    name_subs_.erase(it);  // destroyed with the rest in stop()
  } else {
    return;
  }
  // The server knows of the change before register/unregister returns: a lookup
  // from another node right after sees it.
  natsConnection_FlushTimeout(conn_, opts_.request_timeout.count());
}

void Node::on_name_request(natsConnection*, natsSubscription*, natsMsg* msg, void* self) {
  auto* node = static_cast<Node*>(self);
  std::string name(natsMsg_GetData(msg), natsMsg_GetDataLength(msg));
  const char* reply = natsMsg_GetReply(msg);
  // "" when the name was released a moment ago: the asker sees "not registered".
  std::optional<Pid> pid = node->system_.names().lookup(name);
  if (reply && *reply) node->publish(reply, pid ? pid->to_string() : std::string());
  natsMsg_Destroy(msg);
}

std::optional<Pid> Node::lookup(const std::string& name) {
  natsMsg* reply = nullptr;
  natsStatus s = NATS_CONNECTION_CLOSED;
  {
    std::shared_lock lk(conn_mu_);
    if (conn_)
      s = natsConnection_Request(&reply, conn_, name_subject(name).c_str(), name.data(), static_cast<int>(name.size()),
                                 opts_.request_timeout.count());
  }
  if (s != NATS_OK) return std::nullopt;  // no responders: nobody holds it
  std::optional<Pid> pid = Pid::parse(std::string_view(natsMsg_GetData(reply), natsMsg_GetDataLength(reply)));
  natsMsg_Destroy(reply);
  return pid;
}

}  // namespace wippy::cluster
