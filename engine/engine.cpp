// Engine: module loading with hash verification and a cache keyed by content.
#include "engine/engine.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <iterator>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "engine/hash.h"
#include "interp/limits.h"

namespace wippy::engine {

namespace {

constexpr std::string_view kSha256Prefix = "sha256:";

// Returns the lowercase hex digits of "sha256:<64 hex>", or throws LoadError.
std::string parse_expected_hash(std::string_view expected) {
  if (expected.size() != kSha256Prefix.size() + 64 || !expected.starts_with(kSha256Prefix)) {
    throw LoadError("invalid hash format: expected sha256:<64 hex digits>");
  }
  std::string hex(expected.substr(kSha256Prefix.size()));
  for (char& c : hex) {
    if (!std::isxdigit(static_cast<unsigned char>(c))) {
      throw LoadError("invalid hash format: expected sha256:<64 hex digits>");
    }
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return hex;
}

}  // namespace

void verify_hash(std::span<const uint8_t> bytes, std::string_view expected_hash) {
  if (expected_hash.empty()) return;
  std::string want = parse_expected_hash(expected_hash);
  std::string got = sha256_hex(bytes);
  if (want != got) throw LoadError("hash verification failed: expected sha256:" + want + ", got sha256:" + got);
}

ModulePtr Engine::load(std::span<const uint8_t> bytes, std::string_view expected_hash) {
  interp::check_module_size(bytes.size());  // before hashing all of it
  verify_hash(bytes, expected_hash);

  std::string key = xxh128_hex(bytes);
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(key);
    if (it != cache_.end()) {
      if (ModulePtr cached = it->second.lock()) {
        ++cache_hits_;
        return cached;
      }
      cache_.erase(it);
    }
  }

  // Decode outside the lock: loads of different modules proceed in parallel.
  ModulePtr module = interp::decode_module(bytes, decode_options());

  std::lock_guard lock(mu_);
  auto& slot = cache_[key];
  if (ModulePtr other = slot.lock()) {
    return other;  // another thread decoded the same bytes meanwhile
  }
  slot = module;
  // Drop entries whose modules are gone, so the map does not grow without bound.
  for (auto it = cache_.begin(); it != cache_.end();) {
    it = it->second.expired() ? cache_.erase(it) : std::next(it);
  }
  return module;
}

ModulePtr Engine::load_file(const std::filesystem::path& path, std::string_view expected_hash) {
  auto fail = [&](int err) {
    return LoadError("cannot read " + path.string() + ": " + std::strerror(err));
  };
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw fail(errno);
  std::vector<uint8_t> bytes;
  struct stat st {};
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
    const auto size = static_cast<uint64_t>(st.st_size);
    if (size > interp::limits::kModuleBytes) {
      ::close(fd);
      interp::check_module_size(size);  // throws
    }
    bytes.reserve(size);
  }
  uint8_t buf[1 << 16];
  // A pipe or device has no size: stop one buffer past the limit (the decoder refuses it).
  while (bytes.size() <= interp::limits::kModuleBytes) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      if (errno == EINTR) continue;
      int err = errno;
      ::close(fd);
      throw fail(err);
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), buf, buf + n);
  }
  ::close(fd);
  return load(bytes, expected_hash);
}

size_t Engine::cache_hits() const {
  std::lock_guard lock(mu_);
  return cache_hits_;
}

size_t Engine::cache_size() const {
  std::lock_guard lock(mu_);
  size_t n = 0;
  for (const auto& [key, weak] : cache_) {
    if (!weak.expired()) ++n;
  }
  return n;
}

}  // namespace wippy::engine
