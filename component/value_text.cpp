// A recursive-descent reader of WAVE text, guided by the expected type.
#include "component/value_text.h"

#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

#include <fmt/format.h>

namespace wippy::component {

namespace {

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}

  Value value(const Type& t, uint32_t depth = 0) {
    if (depth > kMaxTypeDepth) fail("value nested too deeply");
    skip();
    Value v;
    v.kind = t.kind;
    switch (t.kind) {
      case Kind::Bool: {
        std::string w = word();
        if (w != "true" && w != "false") fail(fmt::format("expected bool, got `{}`", w));
        v.bits = w == "true";
        return v;
      }
      case Kind::S8: case Kind::S16: case Kind::S32: case Kind::S64:
      case Kind::U8: case Kind::U16: case Kind::U32: case Kind::U64:
        v.bits = integer(t);
        return v;
      case Kind::F32: case Kind::F64: {
        std::string w = word();
        double d = 0;
        if (w == "nan") d = std::numeric_limits<double>::quiet_NaN();
        else if (w == "inf") d = INFINITY;
        else if (w == "-inf") d = -INFINITY;
        else {
          auto [p, ec] = std::from_chars(w.data(), w.data() + w.size(), d);
          if (ec != std::errc() || p != w.data() + w.size()) fail(fmt::format("expected {}, got `{}`", kind_name(t.kind), w));
        }
        v.f = t.kind == Kind::F32 ? static_cast<double>(static_cast<float>(d)) : d;
        return v;
      }
      case Kind::Char: {
        std::string c = quoted('\'');
        uint32_t cp = 0;
        size_t n = decode_utf8(c, 0, cp);
        if (c.empty() || n != c.size()) fail("a char is one character in single quotes: 'x'");
        v.bits = cp;
        return v;
      }
      case Kind::String: v.str = quoted('"'); return v;
      case Kind::List:
        items('[', ']', [&] { v.items.push_back(value(*t.elem, depth + 1)); });
        return v;
      case Kind::Tuple: {
        size_t i = 0;
        items('(', ')', [&] {
          if (i >= t.fields.size()) fail(fmt::format("too many elements for {}", type_name(t)));
          v.items.push_back(value(*t.fields[i++].type, depth + 1));
        });
        if (i != t.fields.size()) fail(fmt::format("{} needs {} elements, got {}", type_name(t), t.fields.size(), i));
        return v;
      }
      case Kind::Record: {
        std::vector<std::optional<Value>> got(t.fields.size());
        items('{', '}', [&] {
          std::string name = word();
          size_t i = field_index(t, name);
          skip();
          expect(':');
          if (got[i]) fail(fmt::format("field `{}` given twice", name));
          got[i] = value(*t.fields[i].type, depth + 1);
        });
        for (size_t i = 0; i < got.size(); ++i) {
          if (got[i]) v.items.push_back(std::move(*got[i]));
          else if (t.fields[i].type->kind == Kind::Option) v.items.push_back(Value::none());
          else fail(fmt::format("field `{}` of {} is missing", t.fields[i].name, type_name(t)));
        }
        return v;
      }
      case Kind::Flags:
        items('{', '}', [&] { v.bits |= uint64_t{1} << field_index(t, word()); });
        return v;
      case Kind::Enum: case Kind::Variant: case Kind::Option: case Kind::Result: {
        std::string name = word();
        if (t.kind == Kind::Result && name == "err") name = "error";
        size_t i = field_index(t, name);
        v.bits = i;
        const TypePtr& payload = t.fields[i].type;
        skip();
        if (payload) {
          expect('(');
          v.items.push_back(value(*payload, depth + 1));
          skip();
          expect(')');
        }
        return v;
      }
      default: fail(fmt::format("{} values cannot be written as text", type_name(t)));
    }
  }

  void finish() {
    skip();
    if (pos_ != s_.size()) fail(fmt::format("unexpected `{}` after the value", s_.substr(pos_)));
  }

  [[noreturn]] void fail(const std::string& msg) const {
    throw ValueTextError(fmt::format("{} (at character {})", msg, pos_ + 1));
  }

 private:
  void skip() {
    while (pos_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[pos_]))) ++pos_;
  }
  void expect(char c) {
    if (pos_ >= s_.size() || s_[pos_] != c) fail(fmt::format("expected `{}`", c));
    ++pos_;
  }
  // A label, number or keyword: letters, digits, '-', '+', '.', '_'.
  std::string word() {
    skip();
    size_t start = pos_;
    while (pos_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[pos_])) || std::string_view("-+._%").find(s_[pos_]) != std::string_view::npos)) ++pos_;
    if (start == pos_) fail(pos_ < s_.size() ? fmt::format("unexpected `{}`", s_[pos_]) : "unexpected end of text");
    std::string w(s_.substr(start, pos_ - start));
    if (w[0] == '%') w.erase(0, 1);
    return w;
  }
  size_t field_index(const Type& t, const std::string& name) {
    for (size_t i = 0; i < t.fields.size(); ++i) {
      if (t.fields[i].name == name) return i;
    }
    std::string names;
    for (const Field& f : t.fields) names += (names.empty() ? "" : ", ") + f.name;
    fail(fmt::format("`{}` is not one of {} ({})", name, type_name(t), names));
  }
  uint64_t integer(const Type& t) {
    std::string w = word();
    bool neg = !w.empty() && w[0] == '-';
    uint64_t mag = 0;
    const char* b = w.data() + (neg || (!w.empty() && w[0] == '+'));
    auto [p, ec] = std::from_chars(b, w.data() + w.size(), mag);
    if (ec != std::errc() || p != w.data() + w.size() || b == w.data() + w.size()) fail(fmt::format("expected {}, got `{}`", kind_name(t.kind), w));
    bool is_signed = t.kind == Kind::S8 || t.kind == Kind::S16 || t.kind == Kind::S32 || t.kind == Kind::S64;
    uint32_t bits = t.size * 8;
    if (is_signed) {
      uint64_t lim = uint64_t{1} << (bits - 1);
      if (neg ? mag > lim : mag >= lim) fail(fmt::format("{} out of range for {}", w, kind_name(t.kind)));
      return neg ? static_cast<uint64_t>(-static_cast<int64_t>(mag - 1) - 1) : mag;
    }
    if ((neg && mag) || (bits < 64 && mag >> bits)) fail(fmt::format("{} out of range for {}", w, kind_name(t.kind)));
    return mag;
  }
  template <class F>
  void items(char open, char close, F each) {
    skip();
    expect(open);
    skip();
    while (pos_ < s_.size() && s_[pos_] != close) {
      each();
      skip();
      if (pos_ < s_.size() && s_[pos_] == ',') {
        ++pos_;
        skip();
      } else {
        break;
      }
    }
    expect(close);
  }
  static size_t decode_utf8(const std::string& s, size_t i, uint32_t& cp) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : c >> 5 == 6 ? 2 : c >> 4 == 14 ? 3 : c >> 3 == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return 0;
    cp = n == 1 ? c : c & (0x7f >> n);
    for (size_t k = 1; k < n; ++k) cp = cp << 6 | (static_cast<unsigned char>(s[i + k]) & 0x3f);
    return n;
  }
  static void append_utf8(std::string& out, uint32_t cp) {
    if (cp < 0x80) { out += static_cast<char>(cp); return; }
    if (cp < 0x800) { out += static_cast<char>(0xC0 | cp >> 6); }
    else if (cp < 0x10000) { out += static_cast<char>(0xE0 | cp >> 12); out += static_cast<char>(0x80 | (cp >> 6 & 0x3f)); }
    else { out += static_cast<char>(0xF0 | cp >> 18); out += static_cast<char>(0x80 | (cp >> 12 & 0x3f)); out += static_cast<char>(0x80 | (cp >> 6 & 0x3f)); }
    out += static_cast<char>(0x80 | (cp & 0x3f));
  }
  // A quoted string with the escapes \" \' \\ \n \r \t \u{HEX}.
  std::string quoted(char q) {
    skip();
    expect(q);
    std::string out;
    for (;;) {
      if (pos_ >= s_.size()) fail("unterminated quoted text");
      char c = s_[pos_++];
      if (c == q) break;
      if (c != '\\') { out += c; continue; }
      if (pos_ >= s_.size()) fail("unterminated quoted text");
      char e = s_[pos_++];
      switch (e) {
        case 'n': out += '\n'; break;
        case 'r': out += '\r'; break;
        case 't': out += '\t'; break;
        case '"': case '\'': case '\\': out += e; break;
        case 'u': {
          expect('{');
          size_t end = s_.find('}', pos_);
          uint32_t cp = 0;
          auto [p, ec] = std::from_chars(s_.data() + pos_, s_.data() + (end == std::string_view::npos ? pos_ : end), cp, 16);
          if (end == std::string_view::npos || ec != std::errc() || p != s_.data() + end || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) fail("bad \\u{...} escape");
          pos_ = end + 1;
          append_utf8(out, cp);
          break;
        }
        default: fail(fmt::format("unknown escape \\{}", e));
      }
    }
    return out;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

Value parse_value_text(std::string_view text, const Type& t) {
  if (t.kind == Kind::String && (text.empty() || text[0] != '"')) return Value::string(std::string(text));
  Reader r(text);
  Value v = r.value(t);
  r.finish();
  return v;
}

}  // namespace wippy::component
