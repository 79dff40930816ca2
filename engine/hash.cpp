// Content hashes: SHA-256 for integrity checks (OpenSSL EVP), xxHash3-128 for the
// module cache key.
#include <openssl/evp.h>
#include <xxhash.h>

#include <memory>
#include <stdexcept>

#include "engine/engine.h"
#include "engine/hash.h"

namespace wippy::engine {

namespace {

std::string to_hex(const unsigned char* data, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n * 2, '0');
  for (size_t i = 0; i < n; ++i) {
    out[2 * i] = kDigits[data[i] >> 4];
    out[2 * i + 1] = kDigits[data[i] & 0xf];
  }
  return out;
}

}  // namespace

std::string sha256_hex(std::span<const uint8_t> bytes) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &len) != 1) {
    throw std::runtime_error("sha256: OpenSSL digest failed");
  }
  return to_hex(digest, len);
}

std::string xxh128_hex(std::span<const uint8_t> bytes) {
  XXH128_hash_t h = XXH3_128bits(bytes.data(), bytes.size());
  XXH128_canonical_t canon;
  XXH128_canonicalFromHash(&canon, h);
  return to_hex(canon.digest, sizeof(canon.digest));
}

}  // namespace wippy::engine
