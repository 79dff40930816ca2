// Encoder and decoder of the value wire format (cluster/WIRE_FORMAT.md).
#include "cluster/value_codec.h"

#include <bit>
#include <cstring>
#include <unordered_map>
#include <vector>

namespace wippy::cluster {

using procs::Value;

namespace {

enum Tag : uint8_t { kNil, kFalse, kTrue, kInt, kDouble, kString, kArray, kMap, kRef };
constexpr char kMagic[2] = {'W', 'V'};

class Encoder {
 public:
  explicit Encoder(const CodecLimits& limits) : limits_(limits) {}

  std::string run(const Value& v) {
    out_.append(kMagic, 2);
    out_.push_back(static_cast<char>(kWireVersion));
    put(v, 0);
    return std::move(out_);
  }

 private:
  struct Seen {
    uint64_t index;
    unsigned height;  // nesting levels inside the node, itself included
  };

  void byte(uint8_t b) { out_.push_back(static_cast<char>(b)); }
  void varint(uint64_t x) {
    while (x >= 0x80) {
      byte(static_cast<uint8_t>(x) | 0x80);
      x >>= 7;
    }
    byte(static_cast<uint8_t>(x));
  }
  void bytes(std::string_view s) {
    varint(s.size());
    out_.append(s);
  }
  void check_size() {
    if (limits_.max_bytes && out_.size() > limits_.max_bytes)
      throw CodecError("value too large to send: its encoding exceeds " + std::to_string(limits_.max_bytes) +
                       " bytes");
  }

  // Returns the height of v (0 for a scalar).
  unsigned put(const Value& v, unsigned level) {
    switch (v.type()) {
      case Value::Type::Nil: byte(kNil); return 0;
      case Value::Type::Bool: byte(v.as_bool() ? kTrue : kFalse); return 0;
      case Value::Type::Int: {
        auto i = static_cast<uint64_t>(v.as_int());
        byte(kInt);
        varint((i << 1) ^ (v.as_int() < 0 ? ~uint64_t{0} : 0));
        return 0;
      }
      case Value::Type::Double: {
        byte(kDouble);
        uint64_t bits = std::bit_cast<uint64_t>(v.as_double());
        for (int k = 0; k < 8; ++k) byte(static_cast<uint8_t>(bits >> (8 * k)));
        return 0;
      }
      case Value::Type::String:
        byte(kString);
        bytes(v.as_string());
        check_size();
        return 0;
      case Value::Type::Array:
      case Value::Type::Map: break;
    }
    if (auto it = seen_.find(v.node()); it != seen_.end()) {
      if (level + it->second.height > limits_.max_depth) too_deep();
      byte(kRef);
      varint(it->second.index);
      return it->second.height;
    }
    if (level + 1 > limits_.max_depth) too_deep();
    uint64_t index = next_index_++;
    unsigned inner = 0;
    if (v.is_array()) {
      byte(kArray);
      varint(v.as_array().size());
      for (const Value& e : v.as_array()) inner = std::max(inner, put(e, level + 1));
    } else {
      byte(kMap);
      varint(v.as_map().size());
      for (const auto& [k, e] : v.as_map()) {
        bytes(k);
        inner = std::max(inner, put(e, level + 1));
      }
    }
    check_size();
    seen_.emplace(v.node(), Seen{index, inner + 1});
    return inner + 1;
  }

  [[noreturn]] void too_deep() {
    throw CodecError("value too deep to send: more than " + std::to_string(limits_.max_depth) +
                     " nested arrays/maps");
  }

  const CodecLimits& limits_;
  std::string out_;
  std::unordered_map<const void*, Seen> seen_;
  uint64_t next_index_ = 0;
};

class Decoder {
 public:
  Decoder(std::string_view in, const CodecLimits& limits) : in_(in), limits_(limits) {}

  Value run() {
    if (limits_.max_bytes && in_.size() > limits_.max_bytes)
      fail("message of " + std::to_string(in_.size()) + " bytes exceeds the limit of " +
           std::to_string(limits_.max_bytes));
    if (in_.size() < 3 || in_[0] != kMagic[0] || in_[1] != kMagic[1]) fail("not a wippy value (bad magic)");
    pos_ = 2;
    uint8_t version = byte();
    if (version != kWireVersion)
      fail("unsupported wire version " + std::to_string(version) + " (this node reads " +
           std::to_string(kWireVersion) + ")");
    unsigned height = 0;
    Value v = get(0, height);
    if (pos_ != in_.size()) fail(std::to_string(in_.size() - pos_) + " trailing bytes after the value");
    return v;
  }

 private:
  struct Node {
    Value value;  // nil until complete
    unsigned height = 0;
    bool complete = false;
  };

  [[noreturn]] void fail(const std::string& what) {
    throw CodecError("bad message at byte " + std::to_string(pos_) + ": " + what);
  }
  size_t left() const { return in_.size() - pos_; }
  uint8_t byte() {
    if (pos_ >= in_.size()) fail("truncated");
    return static_cast<uint8_t>(in_[pos_++]);
  }
  uint64_t varint() {
    uint64_t x = 0;
    for (int k = 0; k < 10; ++k) {
      uint8_t b = byte();
      if (k == 9 && b > 1) fail("varint exceeds 64 bits");
      x |= uint64_t{b & 0x7fu} << (7 * k);
      if (!(b & 0x80)) return x;
    }
    fail("varint longer than 10 bytes");
  }
  // A length or count: each unit needs at least one more byte of input.
  size_t length(const char* what) {
    uint64_t n = varint();
    if (n > left()) fail(std::string(what) + " " + std::to_string(n) + " exceeds the " + std::to_string(left()) +
                         " bytes left");
    return static_cast<size_t>(n);
  }
  std::string text(const char* what) {
    size_t n = length(what);
    hold(n);
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  void enter(unsigned level) {
    if (level + 1 > limits_.max_depth)
      fail("more than " + std::to_string(limits_.max_depth) + " nested arrays/maps");
  }

  // The decoded value's memory, counted as Value::footprint() counts it, is capped
  // by max_bytes too: a few input bytes may not become much more memory.
  void hold(size_t bytes) {
    held_ += bytes;
    if (limits_.max_bytes && held_ > limits_.max_bytes)
      fail("decoded value exceeds the limit of " + std::to_string(limits_.max_bytes) + " bytes");
  }

  Value get(unsigned level, unsigned& height) {
    height = 0;
    hold(Value::kValueBytes);
    size_t at = pos_;
    uint8_t tag = byte();
    switch (tag) {
      case kNil: return Value();
      case kFalse: return Value(false);
      case kTrue: return Value(true);
      case kInt: {
        uint64_t z = varint();
        return Value(static_cast<int64_t>((z >> 1) ^ (~(z & 1) + 1)));
      }
      case kDouble: {
        if (left() < 8) fail("truncated double");
        uint64_t bits = 0;
        for (int k = 0; k < 8; ++k) bits |= uint64_t{static_cast<uint8_t>(in_[pos_ + k])} << (8 * k);
        pos_ += 8;
        return Value(std::bit_cast<double>(bits));
      }
      case kString: return Value(text("string length"));
      case kRef: {
        uint64_t index = varint();
        if (index >= nodes_.size() || !nodes_[index].complete)
          fail("reference to " + std::string(index >= nodes_.size() ? "unknown" : "unfinished") + " node " +
               std::to_string(index));
        const Node& n = nodes_[index];
        if (level + n.height > limits_.max_depth)
          fail("more than " + std::to_string(limits_.max_depth) + " nested arrays/maps");
        height = n.height;
        return n.value;
      }
      case kArray:
      case kMap: break;
      default: pos_ = at; fail("unknown tag " + std::to_string(tag));
    }
    enter(level);
    size_t index = nodes_.size();
    nodes_.emplace_back();
    size_t count = length(tag == kArray ? "array count" : "map count");
    unsigned inner = 0, h = 0;
    Value v;
    if (tag == kArray) {
      Value::Array a;
      a.reserve(std::min<size_t>(count, kMaxReserve));
      for (size_t k = 0; k < count; ++k) {
        a.push_back(get(level + 1, h));
        inner = std::max(inner, h);
      }
      v = Value(std::move(a));
    } else {
      Value::Map m;
      m.reserve(std::min<size_t>(count, kMaxReserve));
      for (size_t k = 0; k < count; ++k) {
        hold(Value::kKeyBytes);
        std::string key = text("key length");
        Value e = get(level + 1, h);
        inner = std::max(inner, h);
        m.emplace_back(std::move(key), std::move(e));
      }
      v = Value(std::move(m));
    }
    height = inner + 1;
    nodes_[index] = Node{v, height, true};
    return v;
  }

  static constexpr size_t kMaxReserve = 1024;  // beyond it, growth follows the real entries

  std::string_view in_;
  const CodecLimits& limits_;
  size_t pos_ = 0;
  size_t held_ = 0;
  std::vector<Node> nodes_;
};

}  // namespace

std::string encode_value(const Value& v, const CodecLimits& limits) { return Encoder(limits).run(v); }

Value decode_value(std::string_view bytes, const CodecLimits& limits) { return Decoder(bytes, limits).run(); }

}  // namespace wippy::cluster
