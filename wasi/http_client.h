// The HTTP client behind wasi:http/outgoing-handler (p2_http*.cpp): one network
// thread per host process runs every transfer with libcurl's multi interface
// (curl_multi_poll), so a thousand requests in flight need one thread, and a guest
// waiting for a response or body bytes suspends (its pollables wait on the
// transfer's ReadySignal) instead of holding a worker.
//
// Bodies stream both ways through bounded buffers: a guest that does not read the
// response pauses the transfer (backpressure), and curl pulls request-body bytes
// as the guest writes them. Every address curl connects to is checked against the
// entry's NetworkPolicy first (DNS-rebinding protection); only http and https, no
// redirects followed, no proxy from the environment.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "wasi/net_policy.h"
#include "wasi/p2_host_stream.h"

namespace wippy::wasi::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;
using p2::HostRead;
using p2::ReadySignal;

// A wasi:http error-code case (its index in the variant) and its payload, if any.
struct ErrorCode {
  enum Case : uint32_t {
    DnsError = 1,
    DestinationIpProhibited = 4,
    ConnectionRefused = 6,
    ConnectionTerminated = 7,
    ConnectionTimeout = 8,
    ConnectionReadTimeout = 9,
    TlsProtocolError = 12,
    TlsCertificateError = 13,
    HttpRequestDenied = 15,
    HttpRequestBodySize = 17,
    HttpRequestMethodInvalid = 18,
    HttpRequestUriInvalid = 19,
    HttpResponseIncomplete = 25,
    HttpResponseHeaderSectionSize = 26,
    HttpResponseTrailerSectionSize = 29,
    HttpResponseTimeout = 33,
    HttpProtocolError = 35,
    InternalError = 38,
  };
  uint32_t code = InternalError;
  std::optional<std::string> text;  // DNS-error's rcode, internal-error's message
  std::optional<uint64_t> size;     // HTTP-request-body-size
};

struct RequestSpec {
  std::string method;  // "GET", "POST", ... (validated by the caller)
  std::string scheme;  // "http" or "https"
  std::string authority;
  std::string path_with_query;
  HeaderList headers;
  bool has_body = false;
  std::optional<uint64_t> content_length;  // from the content-length header
  std::optional<std::chrono::nanoseconds> connect_timeout, first_byte_timeout, between_bytes_timeout;
  NetworkPolicy policy;
  std::string host;  // authority without port and brackets
  uint16_t port = 80;
};

// One request and its response, shared by the guest's resources and the network
// thread. All methods are thread-safe and never block. Each thing a guest may wait
// for has its own ReadySignal, notified only when that thing becomes true (so a
// pollable's wait never ends early); the *_ready() checks clear it before they
// look, so a change after them makes it readable again (no lost wake-up).
class Transfer : public std::enable_shared_from_this<Transfer> {
 public:
  explicit Transfer(RequestSpec spec);
  ~Transfer();
  Transfer(const Transfer&) = delete;
  Transfer& operator=(const Transfer&) = delete;
  const RequestSpec& spec() const { return spec_; }
  // Sets the request before start() (a body may be written before it is known).
  void configure(RequestSpec spec) { spec_ = std::move(spec); }
  enum class Wait { Head, Read, Write };
  // Readable when the head arrived, body bytes or the end are there, or there is
  // room for request-body bytes (each also when the transfer ended).
  int wait_fd(Wait w) const { return signal(w).fd(); }

  // --- the response (future-incoming-response, incoming-response) ---
  // The response head arrived, or the transfer failed.
  bool head_ready();
  std::optional<ErrorCode> error();
  uint16_t status();
  HeaderList response_headers();
  // The trailers that ended a chunked response (complete once body_done()).
  HeaderList response_trailers();
  // The destination the policy refused, once (for the warn line).
  std::optional<std::pair<std::string, uint16_t>> take_denial();

  // --- the request body (outgoing-body's output-stream) ---
  bool body_room_ready();
  uint64_t write_room(std::optional<std::string>& error);
  std::optional<std::string> write(std::string_view data);
  bool flushed();
  // outgoing-body.finish: no more bytes; an error if they are fewer than the
  // content-length header said.
  std::optional<ErrorCode> finish_body();

  // --- the response body (incoming-body's input-stream) ---
  bool body_readable();
  HostRead read(size_t max);
  // The body was received to its end, or the transfer failed (future-trailers).
  bool body_done();

  // Aborts the transfer (the guest dropped it); idempotent.
  void cancel();

 private:
  friend class Engine;
  friend struct Callbacks;
  friend void start(const std::shared_ptr<Transfer>& t);
  // Ends a transfer that could not start, with `e`.
  void fail_to_start(ErrorCode e) {
    std::lock_guard<std::mutex> lock(mu_);
    error_ = std::move(e);
    done_ = head_ = true;
    notify_all();
  }
  const ReadySignal& signal(Wait w) const { return w == Wait::Head ? head_signal_ : w == Wait::Read ? read_signal_ : write_signal_; }
  void notify_all() {
    head_signal_.notify();
    read_signal_.notify();
    write_signal_.notify();
  }
  RequestSpec spec_;
  ReadySignal head_signal_, read_signal_, write_signal_;
  std::mutex mu_;
  // response
  bool head_ = false, done_ = false, resp_paused_ = false, cancelled_ = false;
  uint16_t status_ = 0;
  HeaderList resp_headers_, resp_trailers_;
  size_t header_bytes_ = 0;
  std::string resp_body_;
  size_t resp_off_ = 0;
  std::optional<ErrorCode> error_;
  std::optional<std::pair<std::string, uint16_t>> denial_;
  // request body
  std::string req_body_;
  bool req_finished_ = false, req_paused_ = false;
  uint64_t req_written_ = 0;
  // network thread only
  void* easy_ = nullptr;
  void* header_list_ = nullptr;
  std::chrono::steady_clock::time_point started_, last_bytes_;
};

// The guest's hold on a transfer: when the last resource holding it goes (the
// guest dropped them, or the process ended), the transfer is aborted.
struct TransferRef {
  std::shared_ptr<Transfer> t;
  explicit TransferRef(std::shared_ptr<Transfer> tr) : t(std::move(tr)) {}
  ~TransferRef() { t->cancel(); }
};

// Starts `t` on the network thread (started on first use).
void start(const std::shared_ptr<Transfer>& t);

// Bytes of response body (and of request body) the host buffers per transfer before
// it pauses the transfer (or has the guest wait).
inline constexpr size_t kBodyBuffer = 256 * 1024;
// Response head larger than this fails with HTTP-response-header-section-size.
inline constexpr size_t kMaxHeaderBytes = 256 * 1024;

}  // namespace wippy::wasi::http
