// Readers for the small type encodings shared by decoder and translator.
#include "interp/decode_util.h"

#include "interp/wasm_opcodes.h"

namespace wippy::interp {

void fail_invalid(const std::string& message, size_t offset) {
  throw ModuleError(ModuleError::Kind::Invalid, message, offset);
}

bool is_ref_type_byte(uint8_t b) { return is_ref(static_cast<ValType>(b)); }

static bool is_val_type_byte(uint8_t b) {
  switch (static_cast<ValType>(b)) {
    case ValType::I32: case ValType::I64: case ValType::F32: case ValType::F64:
    case ValType::V128: case ValType::FuncRef: case ValType::ExternRef:
      return true;
    default:
      return false;
  }
}

ValType read_val_type(Reader& r) {
  const size_t at = r.offset();
  const uint8_t b = r.u8();
  // Type codes are one-byte signed LEB128 numbers.
  if (b & 0x80) Reader::fail_at("integer representation too long", at + 1);
  if (!is_val_type_byte(b)) Reader::fail_at("malformed value type", at);
  return static_cast<ValType>(b);
}

ValType read_ref_type(Reader& r) {
  const size_t at = r.offset();
  const uint8_t b = r.u8();
  if (b & 0x80) Reader::fail_at("integer representation too long", at + 1);
  if (!is_ref_type_byte(b)) Reader::fail_at("malformed reference type", at);
  return static_cast<ValType>(b);
}

Limits read_limits(Reader& r) {
  // The flag is a one-bit LEB128 number: a continuation bit means a too long
  // encoding, any other value bit a too large one.
  const size_t at = r.offset();
  const uint8_t flag = r.u8();
  if (flag & 0x80) Reader::fail_at("integer representation too long", at + 1);
  if (flag > 1) Reader::fail_at("integer too large", at);
  Limits l;
  l.min = r.u32();
  if (flag == 1) l.max = r.u32();
  return l;
}

BlockType read_block_type(Reader& r, const Module& module) {
  BlockType bt;
  const uint8_t b = r.peek();
  if (b == kEmptyBlockType) {
    r.u8();
    return bt;
  }
  // A single-byte negative number is a value type; a non-negative one a type index.
  if ((b & 0xc0) == 0x40) {
    bt.kind = BlockType::Kind::Value;
    bt.value = read_val_type(r);
    return bt;
  }
  const size_t at = r.offset();
  const int64_t index = r.s33();
  if (index < 0) Reader::fail_at("malformed block type", at);
  if (static_cast<uint64_t>(index) >= module.types.size())
    fail_invalid("unknown type " + std::to_string(index), at);
  bt.kind = BlockType::Kind::Index;
  bt.type_index = static_cast<uint32_t>(index);
  return bt;
}

}  // namespace wippy::interp
