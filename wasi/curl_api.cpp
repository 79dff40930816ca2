#include "wasi/curl_api.h"

#include <dlfcn.h>

namespace wippy::wasi::http {

namespace {

// libcurl's SONAME: its ABI has been version 4 since 2006.
constexpr const char* kLibcurl = "libcurl.so.4";

struct Loaded {
  CurlApi api;
  std::string error;  // empty when api is complete
};

Loaded load() {
  Loaded l;
  void* lib = dlopen(kLibcurl, RTLD_NOW | RTLD_LOCAL);  // never closed: the network thread lives on
  if (!lib) {
    const char* e = dlerror();
    l.error = std::string("wasi:http needs libcurl (") + kLibcurl + "): " + (e ? e : "cannot load it");
    return l;
  }
#define WIPPY_CURL_LOAD(name)                                                                 \
  l.api.name = reinterpret_cast<decltype(l.api.name)>(dlsym(lib, "curl_" #name));            \
  if (!l.api.name) {                                                                          \
    l.error = std::string("wasi:http: ") + kLibcurl + " has no curl_" #name " (libcurl too old)"; \
    return l;                                                                                 \
  }
  WIPPY_CURL_FUNCTIONS(WIPPY_CURL_LOAD)
#undef WIPPY_CURL_LOAD
  if (l.api.global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) l.error = "wasi:http: curl_global_init failed";
  return l;
}

}  // namespace

const CurlApi* load_curl(std::string& why) {
  static const Loaded loaded = load();
  if (!loaded.error.empty()) {
    why = loaded.error;
    return nullptr;
  }
  return &loaded.api;
}

}  // namespace wippy::wasi::http
