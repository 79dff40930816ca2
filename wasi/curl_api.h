// libcurl's entry points, loaded with dlopen when the first wasi:http request starts
// rather than linked: libcurl and the libraries it pulls in (TLS, Kerberos, LDAP,
// SSH, IDN) bring ~9,000 symbol relocations, several milliseconds of dynamic
// loading at every `wippy` start, for a feature most runs never use.
#pragma once

#include <curl/curl.h>

#include <string>

namespace wippy::wasi::http {

// The functions http_client.cpp calls, without their `curl_` prefix.
#define WIPPY_CURL_FUNCTIONS(X)                                                         \
  X(global_init) X(easy_init) X(easy_setopt) X(easy_getinfo) X(easy_strerror)           \
  X(easy_pause) X(easy_cleanup) X(slist_append) X(slist_free_all) X(multi_init)         \
  X(multi_add_handle) X(multi_remove_handle) X(multi_perform) X(multi_info_read)        \
  X(multi_poll) X(multi_wakeup)

struct CurlApi {
#define WIPPY_CURL_POINTER(name) decltype(&::curl_##name) name = nullptr;
  WIPPY_CURL_FUNCTIONS(WIPPY_CURL_POINTER)
#undef WIPPY_CURL_POINTER
};

// The API, loaded (and curl_global_init run) by the first call, thread-safe; nullptr
// if libcurl cannot be loaded, with the reason in `why` (the same on every call).
const CurlApi* load_curl(std::string& why);

}  // namespace wippy::wasi::http
