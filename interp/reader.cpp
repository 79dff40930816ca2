// LEB128 decoding, names and UTF-8 checking with the spec's malformed messages.
#include "interp/reader.h"

namespace wippy::interp {

uint64_t Reader::leb_unsigned(unsigned bits) {
  const unsigned max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  for (unsigned i = 0;; ++i) {
    if (i == max_bytes) fail("integer representation too long");
    const size_t at = offset();
    const uint8_t b = u8();
    const unsigned left = bits - 7 * i;  // value bits the encoding may still carry
    // In the last permitted byte, the bits beyond the type's width must be zero.
    if (left < 7 && ((b & 0x7f) >> left) != 0) fail_at("integer too large", at);
    result |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) return result;
  }
}

int64_t Reader::leb_signed(unsigned bits) {
  const unsigned max_bytes = (bits + 6) / 7;
  uint64_t result = 0;
  for (unsigned i = 0;; ++i) {
    if (i == max_bytes) fail("integer representation too long");
    const size_t at = offset();
    const uint8_t b = u8();
    const unsigned left = bits - 7 * i;
    if (left < 7) {
      // The sign bit and the unused bits above it must all be equal.
      const uint8_t mask = static_cast<uint8_t>((0x7f << (left - 1)) & 0x7f);
      if ((b & mask) != 0 && (b & mask) != mask) fail_at("integer too large", at);
    }
    result |= static_cast<uint64_t>(b & 0x7f) << (7 * i);
    if ((b & 0x80) == 0) {
      const unsigned shift = 7 * (i + 1);
      if (shift < 64 && (b & 0x40)) result |= ~uint64_t{0} << shift;
      return static_cast<int64_t>(result);
    }
  }
}

std::string Reader::name() {
  const uint32_t n = u32();
  if (n > remaining()) fail("length out of bounds");
  const size_t at = offset();
  auto b = bytes(n);
  if (!is_valid_utf8(b)) fail_at("malformed UTF-8 encoding", at);
  return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}

bool is_valid_utf8(std::span<const uint8_t> s) {
  size_t i = 0;
  while (i < s.size()) {
    const uint8_t c = s[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t len;
    uint32_t cp;
    if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;  // continuation byte or 0xf8..0xff as a lead byte
    }
    if (s.size() - i < len) return false;
    for (size_t k = 1; k < len; ++k) {
      const uint8_t cc = s[i + k];
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMinForLength[5] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len]) return false;       // overlong
    if (cp >= 0xd800 && cp <= 0xdfff) return false;  // surrogate
    if (cp > 0x10ffff) return false;
    i += len;
  }
  return true;
}

}  // namespace wippy::interp
