// Connecting to NATS with the cluster's credentials and TLS settings.
#pragma once

#include <nats/nats.h>

#include <string>

#include "cluster/node.h"

namespace wippy::cluster {

// The status text plus the client's last error detail.
std::string nats_error(natsStatus s);

// Connects to `url` as client `client_name`, reconnecting forever while the server
// is away. Throws std::runtime_error naming the URL (and the credential file that
// could not be read, or the server's refusal).
natsConnection* connect_nats(const std::string& url, const std::string& client_name, const NatsSecurity& security);

}  // namespace wippy::cluster
