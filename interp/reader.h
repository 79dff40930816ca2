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

  // Most integers in code fit in one byte: that case is inline, the rest out of line.
  uint32_t u32() { return one_byte() ? bytes_[pos_++] : static_cast<uint32_t>(leb_unsigned(32)); }
  uint64_t u64() { return one_byte() ? bytes_[pos_++] : leb_unsigned(64); }
  int32_t s32() { return one_byte() ? static_cast<int32_t>(one_byte_signed()) : static_cast<int32_t>(leb_signed(32)); }
  int64_t s64() { return one_byte() ? one_byte_signed() : leb_signed(64); }
  // The signed 33-bit block type index.
  int64_t s33() { return one_byte() ? one_byte_signed() : leb_signed(33); }

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
  // The next LEB128 integer is a single byte (no continuation bit).
  bool one_byte() const { return pos_ < bytes_.size() && bytes_[pos_] < 0x80; }
  // Consumes it as a signed value: bit 6 is the sign.
  int64_t one_byte_signed() { return static_cast<int8_t>(static_cast<uint8_t>(bytes_[pos_++] << 1)) >> 1; }
  uint64_t leb_unsigned(unsigned bits);
  int64_t leb_signed(unsigned bits);

  std::span<const uint8_t> bytes_;
  size_t base_;
  size_t pos_ = 0;
};

// True if the bytes are well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF).
bool is_valid_utf8(std::span<const uint8_t> bytes);

}  // namespace wippy::interp
