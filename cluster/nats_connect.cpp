// connect_nats: the natsOptions of a node (credentials, TLS, reconnects).
#include "cluster/nats_connect.h"

#include <atomic>
#include <stdexcept>

namespace wippy::cluster {

std::string nats_error(natsStatus s) {
  const char* last = nats_GetLastError(nullptr);
  return std::string(natsStatus_GetText(s)) + (last && *last ? std::string(": ") + last : std::string());
}

namespace {

std::atomic<bool> library_used{false};

// Applies the credentials and TLS settings; "" or what failed.
std::string apply_security(natsOptions* o, const NatsSecurity& sec) {
  auto check = [](natsStatus s, const std::string& what) { return s == NATS_OK ? "" : what + ": " + nats_error(s); };
  std::string err;
  if (!sec.user.empty() || !sec.password.empty())
    err = check(natsOptions_SetUserInfo(o, sec.user.c_str(), sec.password.c_str()), "user/password");
  if (err.empty() && !sec.token.empty()) err = check(natsOptions_SetToken(o, sec.token.c_str()), "token");
  if (err.empty() && !sec.creds_file.empty())
    err = check(natsOptions_SetUserCredentialsFromFiles(o, sec.creds_file.c_str(), nullptr),
                "credentials file " + sec.creds_file);
  if (err.empty() && (sec.nkey.empty() != sec.nkey_seed_file.empty()))
    err = "an nkey needs both the public key and the seed file";
  if (err.empty() && !sec.nkey.empty())
    err = check(natsOptions_SetNKeyFromSeed(o, sec.nkey.c_str(), sec.nkey_seed_file.c_str()),
                "nkey seed file " + sec.nkey_seed_file);
  bool tls = sec.tls || !sec.tls_ca.empty() || !sec.tls_cert.empty();
  if (err.empty() && tls) err = check(natsOptions_SetSecure(o, true), "TLS");
  if (err.empty() && !sec.tls_ca.empty())
    err = check(natsOptions_LoadCATrustedCertificates(o, sec.tls_ca.c_str()), "TLS CA file " + sec.tls_ca);
  if (err.empty() && (sec.tls_cert.empty() != sec.tls_key.empty()))
    err = "a TLS client certificate needs both the certificate and the key file";
  if (err.empty() && !sec.tls_cert.empty())
    err = check(natsOptions_LoadCertificatesChain(o, sec.tls_cert.c_str(), sec.tls_key.c_str()),
                "TLS certificate " + sec.tls_cert + " / key " + sec.tls_key);
  return err;
}

}  // namespace

natsConnection* connect_nats(const std::string& url, const std::string& client_name, const NatsSecurity& security) {
  natsOptions* nopts = nullptr;
  natsStatus s = natsOptions_Create(&nopts);
  if (s != NATS_OK) throw std::runtime_error("cannot connect to NATS at " + url + ": " + nats_error(s));
  std::string err;
  s = natsOptions_SetURL(nopts, url.c_str());
  if (s == NATS_OK) s = natsOptions_SetName(nopts, client_name.c_str());
  // Keep reconnecting while the server is away; sends meanwhile wait in the
  // client's reconnect buffer (lost, not duplicated, if it overflows).
  if (s == NATS_OK) s = natsOptions_SetMaxReconnect(nopts, -1);
  // One delivery thread for all of the node's subscriptions (one per name otherwise).
  if (s == NATS_OK) s = natsOptions_UseGlobalMessageDelivery(nopts, true);
  // Publish at once rather than through the client's flusher thread: a message or a
  // spawn request is one hop, not a hop plus the flusher's wake-up.
  if (s == NATS_OK) s = natsOptions_SetSendAsap(nopts, true);
  if (s == NATS_OK) err = apply_security(nopts, security);
  natsConnection* conn = nullptr;
  library_used = true;
  if (s == NATS_OK && err.empty()) s = natsConnection_Connect(&conn, nopts);
  natsOptions_Destroy(nopts);
  if (s != NATS_OK) err = nats_error(s);
  if (!err.empty()) throw std::runtime_error("cannot connect to NATS at " + url + ": " + err);
  return conn;
}

void close_nats_library() {
  if (library_used.exchange(false)) nats_CloseAndWait(2000);
}

}  // namespace wippy::cluster
