// The network thread and the transfers of http_client.h: libcurl's multi
// interface on one thread (curl_multi_poll), commands from guest threads through
// a queue and curl_multi_wakeup, bodies through bounded buffers with
// CURL_WRITEFUNC_PAUSE / CURL_READFUNC_PAUSE.
#include "wasi/http_client.h"

#include "wasi/curl_api.h"

#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <thread>

namespace wippy::wasi::http {

using Clock = std::chrono::steady_clock;

class Engine {
 public:
  // Reached only through a started transfer, so libcurl is loaded (see start()).
  static Engine& get() {
    std::string unused;
    // Never destroyed: the thread serves until the host process exits.
    static Engine* engine = new Engine(*load_curl(unused));
    return *engine;
  }

  enum class Op { Add, Unpause, Cancel };
  void post(Op op, std::shared_ptr<Transfer> t) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      queue_.push_back({op, std::move(t)});
    }
    curl_.multi_wakeup(multi_);
  }

 private:
  explicit Engine(const CurlApi& curl) : curl_(curl) {
    multi_ = curl_.multi_init();
    std::thread([this] { run(); }).detach();
  }

  void run();
  void add(const std::shared_ptr<Transfer>& t);
  void remove(CURL* easy);
  void finished(CURL* easy, CURLcode code);
  int check_deadlines();

  const CurlApi& curl_;
  CURLM* multi_ = nullptr;
  std::mutex mu_;
  std::vector<std::pair<Op, std::shared_ptr<Transfer>>> queue_;
  std::map<CURL*, std::shared_ptr<Transfer>> live_;
};

namespace {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n')) s.remove_suffix(1);
  return s;
}

ErrorCode error_of(const CurlApi& curl, CURLcode code, CURL* easy) {
  ErrorCode e;
  switch (code) {
    case CURLE_COULDNT_RESOLVE_HOST:
      e.code = ErrorCode::DnsError;
      e.text = "address not available";
      break;
    case CURLE_COULDNT_CONNECT: e.code = ErrorCode::ConnectionRefused; break;
    case CURLE_OPERATION_TIMEDOUT: {
      long connected = 0;
      curl.easy_getinfo(easy, CURLINFO_CONNECT_TIME_T, &connected);
      e.code = connected > 0 ? ErrorCode::HttpResponseTimeout : ErrorCode::ConnectionTimeout;
      break;
    }
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE: e.code = ErrorCode::HttpResponseIncomplete; break;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR: e.code = ErrorCode::ConnectionTerminated; break;
    case CURLE_PEER_FAILED_VERIFICATION: e.code = ErrorCode::TlsCertificateError; break;
    case CURLE_SSL_CONNECT_ERROR: e.code = ErrorCode::TlsProtocolError; break;
    case CURLE_UNSUPPORTED_PROTOCOL:
    case CURLE_URL_MALFORMAT: e.code = ErrorCode::HttpRequestUriInvalid; break;
    case CURLE_WEIRD_SERVER_REPLY: e.code = ErrorCode::HttpProtocolError; break;
    default:
      e.code = ErrorCode::InternalError;
      e.text = curl.easy_strerror(code);
  }
  return e;
}

}  // namespace

// --- curl callbacks (network thread) ------------------------------------------------

struct Callbacks {
  // One line of the response head: a status line starts a new response (after a 1xx),
  // the empty line ends a final one.
  static size_t header(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string_view line(data, size * n);
    std::lock_guard<std::mutex> lock(t->mu_);
    if (t->cancelled_) return 0;
    t->header_bytes_ += line.size();
    if (t->header_bytes_ > kMaxHeaderBytes) {
      t->error_ = ErrorCode{t->head_ ? ErrorCode::HttpResponseTrailerSectionSize : ErrorCode::HttpResponseHeaderSectionSize, {}, {}};
      return 0;
    }
    if (line.rfind("HTTP/", 0) == 0) {
      size_t sp = line.find(' ');
      t->status_ = sp == std::string_view::npos ? 0 : static_cast<uint16_t>(std::atoi(std::string(line.substr(sp + 1, 3)).c_str()));
      t->resp_headers_.clear();
    } else if (trim(line).empty()) {
      if (t->status_ >= 200 && !t->head_) {
        t->head_ = true;
        t->last_bytes_ = Clock::now();
        t->head_signal_.notify();
      }
    } else if (size_t colon = line.find(':'); colon != std::string_view::npos) {
      // After the head: a trailer (curl passes a chunked body's trailers here too).
      std::string name(trim(line.substr(0, colon)));
      std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
      (t->head_ ? t->resp_trailers_ : t->resp_headers_).emplace_back(std::move(name), std::string(trim(line.substr(colon + 1))));
    }
    return size * n;
  }

  // Response-body bytes: buffered up to kBodyBuffer, then the transfer pauses until
  // the guest reads (curl delivers the same bytes again on unpause).
  static size_t body(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::lock_guard<std::mutex> lock(t->mu_);
    if (t->cancelled_) return 0;
    if (t->resp_body_.size() - t->resp_off_ >= kBodyBuffer) {
      t->resp_paused_ = true;
      return CURL_WRITEFUNC_PAUSE;
    }
    t->resp_body_.append(data, size * n);
    t->last_bytes_ = Clock::now();
    t->read_signal_.notify();
    return size * n;
  }

  // Request-body bytes the guest wrote; none yet: pause until it writes or finishes.
  static size_t upload(char* data, size_t size, size_t n, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::lock_guard<std::mutex> lock(t->mu_);
    if (t->cancelled_) return CURL_READFUNC_ABORT;
    if (t->req_body_.empty()) {
      if (t->req_finished_) return 0;
      t->req_paused_ = true;
      return CURL_READFUNC_PAUSE;
    }
    size_t k = std::min(size * n, t->req_body_.size());
    std::copy_n(t->req_body_.data(), k, data);
    t->req_body_.erase(0, k);
    t->write_signal_.notify();
    return k;
  }

  // Every address curl is about to connect to passes the policy first (a name that
  // resolves to a refused address is refused: DNS rebinding).
  static curl_socket_t open_socket(void* user, curlsocktype, curl_sockaddr* addr) {
    auto* t = static_cast<Transfer*>(user);
    std::optional<IpAddress> ip = IpAddress::from_sockaddr(&addr->addr);
    const RequestSpec& s = t->spec_;
    bool literal = IpAddress::parse(s.host).has_value();
    if (!ip || !s.policy.may_connect(literal ? std::string_view() : std::string_view(s.host), *ip, s.port)) {
      std::lock_guard<std::mutex> lock(t->mu_);
      t->denial_ = std::make_pair(s.host, s.port);
      return CURL_SOCKET_BAD;
    }
    return ::socket(addr->family, addr->socktype | SOCK_CLOEXEC, addr->protocol);
  }
};

// --- the network thread ----------------------------------------------------------------

void Engine::add(const std::shared_ptr<Transfer>& t) {
  const RequestSpec& s = t->spec_;
  {
    std::lock_guard<std::mutex> lock(t->mu_);
    if (t->cancelled_) return;  // dropped before it started
  }
  CURL* easy = curl_.easy_init();
  if (!easy) return t->fail_to_start(ErrorCode{ErrorCode::InternalError, std::string("cannot start a transfer"), {}});
  std::string url = s.scheme + "://" + s.authority + (s.path_with_query.empty() ? "/" : s.path_with_query);
  curl_.easy_setopt(easy, CURLOPT_URL, url.c_str());
  curl_.easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_.easy_setopt(easy, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_.easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);  // the guest sees a 3xx
  curl_.easy_setopt(easy, CURLOPT_PROXY, "");           // no proxy from the environment
  curl_.easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
  curl_.easy_setopt(easy, CURLOPT_PRIVATE, t.get());
  curl_.easy_setopt(easy, CURLOPT_HEADERFUNCTION, &Callbacks::header);
  curl_.easy_setopt(easy, CURLOPT_HEADERDATA, t.get());
  curl_.easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Callbacks::body);
  curl_.easy_setopt(easy, CURLOPT_WRITEDATA, t.get());
  curl_.easy_setopt(easy, CURLOPT_OPENSOCKETFUNCTION, &Callbacks::open_socket);
  curl_.easy_setopt(easy, CURLOPT_OPENSOCKETDATA, t.get());
  if (s.connect_timeout) {
    curl_.easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::max<int64_t>(1, std::chrono::duration_cast<std::chrono::milliseconds>(*s.connect_timeout).count())));
  }
  if (s.method == "GET" && !s.has_body) {
    curl_.easy_setopt(easy, CURLOPT_HTTPGET, 1L);
  } else if (s.method == "HEAD") {
    curl_.easy_setopt(easy, CURLOPT_NOBODY, 1L);
  } else if (s.has_body) {
    curl_.easy_setopt(easy, CURLOPT_POST, 1L);
    curl_.easy_setopt(easy, CURLOPT_READFUNCTION, &Callbacks::upload);
    curl_.easy_setopt(easy, CURLOPT_READDATA, t.get());
    // No content-length: chunked.
    curl_.easy_setopt(easy, CURLOPT_POSTFIELDSIZE_LARGE, s.content_length ? static_cast<curl_off_t>(*s.content_length) : curl_off_t{-1});
    if (s.method != "POST") curl_.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, s.method.c_str());
  } else {
    curl_.easy_setopt(easy, CURLOPT_CUSTOMREQUEST, s.method.c_str());
  }
  // The guest's headers, and none of curl's defaults it did not ask for.
  curl_slist* list = nullptr;
  bool accept = false;
  for (const auto& [name, value] : s.headers) {
    if (iequals(name, "content-length")) continue;  // curl sends the size it was given
    accept = accept || iequals(name, "accept");
    std::string line = value.empty() ? name + ";" : name + ": " + value;
    list = curl_.slist_append(list, line.c_str());
  }
  if (!accept) list = curl_.slist_append(list, "Accept:");
  list = curl_.slist_append(list, "Expect:");
  curl_.easy_setopt(easy, CURLOPT_HTTPHEADER, list);
  t->easy_ = easy;
  t->header_list_ = list;
  t->started_ = t->last_bytes_ = Clock::now();
  live_[easy] = t;
  curl_.multi_add_handle(multi_, easy);
}

void Engine::remove(CURL* easy) {
  auto it = live_.find(easy);
  if (it == live_.end()) return;
  curl_.multi_remove_handle(multi_, easy);
  curl_.easy_cleanup(easy);
  curl_.slist_free_all(static_cast<curl_slist*>(it->second->header_list_));
  it->second->easy_ = nullptr;
  live_.erase(it);
}

void Engine::finished(CURL* easy, CURLcode code) {
  auto it = live_.find(easy);
  if (it == live_.end()) return;
  Transfer& t = *it->second;
  {
    std::lock_guard<std::mutex> lock(t.mu_);
    if (code != CURLE_OK && !t.error_) {
      t.error_ = t.denial_ ? ErrorCode{ErrorCode::DestinationIpProhibited, {}, {}} : error_of(curl_, code, easy);
    }
    t.done_ = true;
    t.head_ = true;
    t.notify_all();
  }
  remove(easy);
}

// Applies the first-byte and between-bytes timeouts (curl has neither); returns the
// milliseconds until the next one may pass (at most a second).
int Engine::check_deadlines() {
  Clock::time_point now = Clock::now(), next = now + std::chrono::seconds(1);
  std::vector<CURL*> expired;
  for (auto& [easy, t] : live_) {
    std::lock_guard<std::mutex> lock(t->mu_);
    std::optional<Clock::time_point> at;
    if (!t->head_ && t->spec_.first_byte_timeout) at = t->started_ + *t->spec_.first_byte_timeout;
    if (t->head_ && !t->resp_paused_ && t->spec_.between_bytes_timeout) at = t->last_bytes_ + *t->spec_.between_bytes_timeout;
    if (!at) continue;
    if (*at <= now) {
      t->error_ = ErrorCode{t->head_ ? ErrorCode::ConnectionReadTimeout : ErrorCode::HttpResponseTimeout, {}, {}};
      expired.push_back(easy);
    } else {
      next = std::min(next, *at);
    }
  }
  for (CURL* easy : expired) finished(easy, CURLE_OPERATION_TIMEDOUT);
  return static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(next - now).count()) + 1;
}

void Engine::run() {
  for (;;) {
    std::vector<std::pair<Op, std::shared_ptr<Transfer>>> ops;
    {
      std::lock_guard<std::mutex> lock(mu_);
      ops.swap(queue_);
    }
    for (auto& [op, t] : ops) {
      if (op == Op::Add) {
        add(t);
      } else if (t->easy_ && live_.count(static_cast<CURL*>(t->easy_))) {
        if (op == Op::Cancel) remove(static_cast<CURL*>(t->easy_));
        else curl_.easy_pause(static_cast<CURL*>(t->easy_), CURLPAUSE_CONT);
      }
    }
    int running = 0;
    curl_.multi_perform(multi_, &running);
    int left = 0;
    while (CURLMsg* m = curl_.multi_info_read(multi_, &left)) {
      if (m->msg == CURLMSG_DONE) finished(m->easy_handle, m->data.result);
    }
    int wait_ms = check_deadlines();
    curl_.multi_poll(multi_, nullptr, 0, wait_ms, nullptr);
  }
}

void start(const std::shared_ptr<Transfer>& t) {
  std::string why;
  if (!load_curl(why)) return t->fail_to_start(ErrorCode{ErrorCode::InternalError, why, {}});
  Engine::get().post(Engine::Op::Add, t);
}

// --- the guest's side ----------------------------------------------------------------

Transfer::Transfer(RequestSpec spec) : spec_(std::move(spec)) {}
Transfer::~Transfer() = default;

bool Transfer::head_ready() {
  head_signal_.clear();
  std::lock_guard<std::mutex> lock(mu_);
  return head_ || error_;
}

std::optional<ErrorCode> Transfer::error() {
  std::lock_guard<std::mutex> lock(mu_);
  return error_;
}

uint16_t Transfer::status() {
  std::lock_guard<std::mutex> lock(mu_);
  return status_;
}

HeaderList Transfer::response_headers() {
  std::lock_guard<std::mutex> lock(mu_);
  return resp_headers_;
}

HeaderList Transfer::response_trailers() {
  std::lock_guard<std::mutex> lock(mu_);
  return resp_trailers_;
}

std::optional<std::pair<std::string, uint16_t>> Transfer::take_denial() {
  std::lock_guard<std::mutex> lock(mu_);
  return std::exchange(denial_, std::nullopt);
}

bool Transfer::body_room_ready() {
  write_signal_.clear();
  std::lock_guard<std::mutex> lock(mu_);
  return done_ || error_ || req_body_.size() < kBodyBuffer;
}

uint64_t Transfer::write_room(std::optional<std::string>& error) {
  std::lock_guard<std::mutex> lock(mu_);
  if (error_ || (done_ && !req_finished_)) {
    error = "the request failed";
    return 0;
  }
  if (req_finished_) {
    error = "the body is finished";
    return 0;
  }
  return req_body_.size() < kBodyBuffer ? kBodyBuffer - req_body_.size() : 0;
}

std::optional<std::string> Transfer::write(std::string_view data) {
  bool unpause = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_ || done_) return std::string("the request failed");
    if (req_finished_) return std::string("the body is finished");
    if (spec_.content_length && req_written_ + data.size() > *spec_.content_length) {
      error_ = ErrorCode{ErrorCode::HttpRequestBodySize, {}, req_written_ + data.size()};
      return std::string("more body bytes than the content-length header says");
    }
    req_body_.append(data);
    req_written_ += data.size();
    unpause = std::exchange(req_paused_, false);
  }
  if (unpause) Engine::get().post(Engine::Op::Unpause, shared_from_this());
  return std::nullopt;
}

bool Transfer::flushed() {
  std::lock_guard<std::mutex> lock(mu_);
  return req_body_.empty() || error_ || done_;
}

std::optional<ErrorCode> Transfer::finish_body() {
  bool unpause = false;
  std::optional<ErrorCode> e;
  {
    std::lock_guard<std::mutex> lock(mu_);
    req_finished_ = true;
    if (spec_.content_length && req_written_ != *spec_.content_length) {
      e = ErrorCode{ErrorCode::HttpRequestBodySize, {}, req_written_};
      error_ = e;
    }
    unpause = std::exchange(req_paused_, false);
  }
  if (e) cancel();
  else if (unpause) Engine::get().post(Engine::Op::Unpause, shared_from_this());
  return e;
}

bool Transfer::body_readable() {
  read_signal_.clear();
  std::lock_guard<std::mutex> lock(mu_);
  return resp_off_ < resp_body_.size() || done_ || error_;
}

HostRead Transfer::read(size_t max) {
  HostRead r;
  bool unpause = false;
  {
    std::lock_guard<std::mutex> lock(mu_);
    size_t k = std::min(max, resp_body_.size() - resp_off_);
    r.bytes.assign(resp_body_, resp_off_, k);
    resp_off_ += k;
    if (resp_off_ == resp_body_.size()) {
      resp_body_.clear();
      resp_off_ = 0;
    } else if (resp_off_ > kBodyBuffer) {
      resp_body_.erase(0, resp_off_);
      resp_off_ = 0;
    }
    if (r.bytes.empty() && error_) r.error = "the response failed";
    else if (r.bytes.empty() && done_) r.closed = true;
    if (resp_paused_ && resp_body_.size() - resp_off_ < kBodyBuffer / 2) unpause = std::exchange(resp_paused_, false);
  }
  if (unpause) Engine::get().post(Engine::Op::Unpause, shared_from_this());
  return r;
}

bool Transfer::body_done() {
  read_signal_.clear();
  std::lock_guard<std::mutex> lock(mu_);
  return (done_ && resp_off_ == resp_body_.size()) || error_;
}

void Transfer::cancel() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (done_ || cancelled_) return;
    cancelled_ = true;
  }
  Engine::get().post(Engine::Op::Cancel, shared_from_this());
}

}  // namespace wippy::wasi::http
