// A bounds-checked cursor over module bytes: LEB128 integers, floats, names.
// Every failure throws ModuleError(Malformed) with the spec's message and offset.
#pragma once

#include <cstdint>
#include <cstring>
#include <span>
#include <string>

#include "interp/types.h"

namespace wippy::interp {

class Reader {
 public:
  // `base` is the absolute offset of bytes[0] in the module, for error messages.
  Reader(std::span<const uint8_t> bytes, size_t base = 0) : bytes_(bytes), base_(base) {}

  size_t offset() const { return base_ + pos_; }  // absolute
  size_t pos() const { return pos_; }
  size_t remaining() const { return bytes_.size() - pos_; }
  bool at_end() const { return pos_ >= bytes_.size(); }

  [[noreturn]] void fail(const std::string& message) const { fail_at(message, offset()); }
  [[noreturn]] static void fail_at(const std::string& message, size_t offset) {
    throw ModuleError(ModuleError::Kind::Malformed, message, offset);
  }

  uint8_t u8() {
    if (at_end()) fail("unexpected end");
    return bytes_[pos_++];
  }
  uint8_t peek() const {
    if (at_end()) fail("unexpected end");
    return bytes_[pos_];
  }
  std::span<const uint8_t> bytes(size_t n) {
    if (n > remaining()) fail("unexpected end");
    auto s = bytes_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  // A sub-reader over the next n bytes (a section or a function body).
  Reader sub(size_t n, const char* too_long_message = "unexpected end") {
    if (n > remaining()) fail(too_long_message);
    Reader r(bytes_.subspan(pos_, n), offset());
    pos_ += n;
    return r;
  }

  // Most integers in code fit in one or two bytes (which every width accepts as they
  // are): those cases are inline, the rest out of line.
  uint32_t u32() { return static_cast<uint32_t>(unsigned_leb(32)); }
  uint64_t u64() { return unsigned_leb(64); }
  int32_t s32() { return static_cast<int32_t>(signed_leb(32)); }
  int64_t s64() { return signed_leb(64); }
  // The signed 33-bit block type index.
  int64_t s33() { return signed_leb(33); }

  uint32_t f32_bits() {
    auto b = bytes(4);
    uint32_t v;
    std::memcpy(&v, b.data(), 4);
    return v;
  }
  uint64_t f64_bits() {
    auto b = bytes(8);
    uint64_t v;
    std::memcpy(&v, b.data(), 8);
    return v;
  }

  // A length-prefixed UTF-8 name.
  std::string name();

 private:
  // The next LEB128 integer's length in bytes if it is 1 or 2, else 0.
  unsigned short_length() const {
    if (pos_ < bytes_.size() && bytes_[pos_] < 0x80) return 1;
    if (pos_ + 1 < bytes_.size() && bytes_[pos_ + 1] < 0x80) return 2;
    return 0;
  }
  // Its 7 or 14 value bits (a short one's), consumed.
  uint64_t take_short(unsigned length) {
    uint64_t v = bytes_[pos_] & 0x7f;
    if (length == 2) v |= uint64_t{bytes_[pos_ + 1]} << 7;
    pos_ += length;
    return v;
  }
  uint64_t unsigned_leb(unsigned bits) {
    const unsigned length = short_length();
    return length ? take_short(length) : leb_unsigned(bits);
  }
  int64_t signed_leb(unsigned bits) {
    const unsigned length = short_length();
    if (!length) return leb_signed(bits);
    const unsigned unused = 64 - 7 * length;  // the top value bit is the sign
    return static_cast<int64_t>(take_short(length) << unused) >> unused;
  }
  uint64_t leb_unsigned(unsigned bits);
  int64_t leb_signed(unsigned bits);

  std::span<const uint8_t> bytes_;
  size_t base_;
  size_t pos_ = 0;
};

// True if the bytes are well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::span<const uint8_t> bytes);

}  // namespace wippy::interp
