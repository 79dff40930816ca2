// A small recursive-descent reader for the `wit:` subset (see wit.h). Tokens are
// words (identifiers, possibly %-escaped, with '-'), and single punctuation
// characters; `->` is one token.
#include "component/wit.h"

#include <cctype>
#include <functional>
#include <set>
#include <vector>

#include <fmt/format.h>

namespace wippy::component {

namespace {

struct Token {
  std::string text;
  size_t line;
};

std::vector<Token> tokenize(std::string_view s) {
  std::vector<Token> out;
  size_t line = 1;
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    if (c == '\n') ++line;
    if (std::isspace(static_cast<unsigned char>(c))) { ++i; continue; }
    if (s.substr(i, 2) == "//") {
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    if (s.substr(i, 2) == "->") { out.push_back({"->", line}); i += 2; continue; }
    auto word_char = [](char ch) { return std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_' || ch == '%'; };
    if (word_char(c)) {
      size_t j = i;
      while (j < s.size() && word_char(s[j])) ++j;
      std::string w(s.substr(i, j - i));
      if (w[0] == '%') w.erase(0, 1);  // %keyword escapes a keyword
      out.push_back({w, line});
      i = j;
      continue;
    }
    if (std::string_view("{}()<>,:;=[]").find(c) == std::string_view::npos) {
      throw WitError(fmt::format("line {}: unexpected character `{}`", line, c));
    }
    out.push_back({std::string(1, c), line});
    ++i;
  }
  return out;
}

const std::map<std::string, Kind, std::less<>>& primitives() {
  static const std::map<std::string, Kind, std::less<>> m = {
      {"bool", Kind::Bool}, {"s8", Kind::S8}, {"u8", Kind::U8}, {"s16", Kind::S16}, {"u16", Kind::U16},
      {"s32", Kind::S32}, {"u32", Kind::U32}, {"s64", Kind::S64}, {"u64", Kind::U64}, {"f32", Kind::F32},
      {"float32", Kind::F32}, {"f64", Kind::F64}, {"float64", Kind::F64}, {"char", Kind::Char},
      {"string", Kind::String}};
  return m;
}

class Parser {
 public:
  explicit Parser(std::vector<Token> toks) : t_(std::move(toks)) {}

  std::map<std::string, TypePtr, std::less<>> run() {
    // First pass: where each named type is declared, so uses may come first.
    std::vector<size_t> funcs;
    while (!at_end()) {
      size_t start = pos_;
      const std::string& w = peek();
      if (w == "record" || w == "variant" || w == "enum" || w == "flags" || w == "type") {
        next();
        std::string name = ident("a type name");
        if (decls_.count(name) || primitives().count(name)) fail(fmt::format("`{}` is declared twice", name));
        decls_[name] = start;
        skip_decl(w);
      } else if (w == "resource" || w == "interface" || w == "world" || w == "use" || w == "import" || w == "package") {
        fail(fmt::format("`{}` is not supported in a core module's wit (only functions and record, variant, enum, flags, type)", w));
      } else {
        if (w == "export") next();
        funcs.push_back(pos_);
        while (!at_end() && peek() != ";") next();
        expect(";");
      }
    }
    std::map<std::string, TypePtr, std::less<>> out;
    for (size_t at : funcs) {
      pos_ = at;
      std::string name = ident("a function name");
      expect(":");
      if (out.count(name)) fail(fmt::format("function `{}` is declared twice", name));
      out[name] = func();
      expect(";");
    }
    return out;
  }

 private:
  bool at_end() const { return pos_ >= t_.size(); }
  const std::string& peek() const {
    static const std::string end = "end of text";
    return at_end() ? end : t_[pos_].text;
  }
  const std::string& next() {
    if (at_end()) fail("unexpected end of text");
    return t_[pos_++].text;
  }
  [[noreturn]] void fail(const std::string& msg) const {
    size_t line = t_.empty() ? 1 : t_[std::min(pos_, t_.size() - 1)].line;
    throw WitError(fmt::format("line {}: {}", line, msg));
  }
  void expect(const char* s) {
    if (peek() != s) fail(fmt::format("expected `{}`, got `{}`", s, peek()));
    next();
  }
  std::string ident(const char* what) {
    const std::string& w = peek();
    if (w.empty() || !(std::isalpha(static_cast<unsigned char>(w[0])))) fail(fmt::format("expected {}, got `{}`", what, w));
    return next();
  }
  void skip_decl(const std::string& kw) {
    if (kw == "type") {
      while (!at_end() && peek() != ";") next();
      expect(";");
      return;
    }
    expect("{");
    int depth = 1;
    while (depth > 0) {
      const std::string& w = next();
      depth += w == "{" ? 1 : w == "}" ? -1 : 0;
    }
  }

  TypePtr func() {
    expect("func");
    expect("(");
    auto f = std::make_shared<Type>();
    f->kind = Kind::Func;
    std::set<std::string> names;
    while (peek() != ")") {
      std::string name = ident("a parameter name");
      if (!names.insert(name).second) fail(fmt::format("duplicate parameter `{}`", name));
      expect(":");
      f->fields.push_back({name, type()});
      if (peek() != ",") break;
      next();
    }
    expect(")");
    if (peek() == "->") {
      next();
      if (peek() == "(") fail("named results are not supported: return one type (a tuple or a record)");
      f->elem = type();
    }
    return f;
  }

  // Fields, cases or labels between braces: `name[: type]` or `name[(type)]`.
  std::vector<Field> members(bool typed_colon, bool payload_paren) {
    expect("{");
    std::vector<Field> fs;
    std::set<std::string> seen;
    while (peek() != "}") {
      Field f{ident("a name"), nullptr};
      if (!seen.insert(f.name).second) fail(fmt::format("duplicate name `{}`", f.name));
      if (typed_colon) {
        expect(":");
        f.type = type();
      } else if (payload_paren && peek() == "(") {
        next();
        f.type = type();
        expect(")");
      }
      fs.push_back(std::move(f));
      if (peek() != ",") break;
      next();
    }
    expect("}");
    if (fs.empty()) fail("a type needs at least one member");
    return fs;
  }

  TypePtr named(const std::string& name) {
    if (auto it = resolved_.find(name); it != resolved_.end()) return it->second;
    auto d = decls_.find(name);
    if (d == decls_.end()) fail(fmt::format("unknown type `{}`", name));
    if (!resolving_.insert(name).second) fail(fmt::format("type `{}` refers to itself", name));
    size_t saved = pos_;
    pos_ = d->second;
    std::string kw = next();
    next();  // the name
    Type t;
    TypePtr out;
    if (kw == "type") {
      expect("=");
      out = type();
    } else {
      t.kind = kw == "record" ? Kind::Record : kw == "variant" ? Kind::Variant : kw == "enum" ? Kind::Enum : Kind::Flags;
      t.fields = members(kw == "record", kw == "variant");
      if (t.kind == Kind::Flags && t.fields.size() > 32) fail("flags with more than 32 labels are not supported");
      out = make(std::move(t));
    }
    pos_ = saved;
    resolving_.erase(name);
    return resolved_[name] = out;
  }

  TypePtr make(Type t) {
    try {
      return make_value_type(std::move(t));
    } catch (const std::length_error& e) {
      fail(e.what());
    }
  }

  TypePtr type() {
    // Bounds the native recursion on nested or chained types, before make() would.
    struct Depth {
      uint32_t& d;
      explicit Depth(uint32_t& depth) : d(++depth) {}
      ~Depth() { --d; }
    } guard(depth_);
    if (depth_ > kMaxTypeDepth) fail(fmt::format("types nested too deeply (limit {})", kMaxTypeDepth));
    std::string w = ident("a type");
    if (auto p = primitives().find(w); p != primitives().end()) return make_primitive(p->second);
    Type t;
    if (w == "list" || w == "option") {
      expect("<");
      t.elem = type();
      expect(">");
      t.kind = w == "list" ? Kind::List : Kind::Option;
      if (t.kind == Kind::Option) t.fields = {{"none", nullptr}, {"some", t.elem}};
      return make(std::move(t));
    }
    if (w == "result") {
      t.kind = Kind::Result;
      if (peek() == "<") {
        next();
        if (peek() == "_") next();
        else t.ok = type();
        if (peek() == ",") {
          next();
          t.err = type();
        }
        expect(">");
      }
      t.fields = {{"ok", t.ok}, {"error", t.err}};
      return make(std::move(t));
    }
    if (w == "tuple") {
      t.kind = Kind::Tuple;
      expect("<");
      while (peek() != ">") {
        t.fields.push_back({std::to_string(t.fields.size()), type()});
        if (peek() != ",") break;
        next();
      }
      expect(">");
      if (t.fields.empty()) fail("a tuple needs at least one element");
      return make(std::move(t));
    }
    if (w == "own" || w == "borrow") fail("resources are not supported in a core module's wit");
    return named(w);
  }

  std::vector<Token> t_;
  size_t pos_ = 0;
  std::map<std::string, size_t, std::less<>> decls_;
  std::map<std::string, TypePtr, std::less<>> resolved_;
  std::set<std::string, std::less<>> resolving_;
  uint32_t depth_ = 0;
};

}  // namespace

std::map<std::string, TypePtr, std::less<>> parse_wit_funcs(std::string_view text) {
  return Parser(tokenize(text)).run();
}

}  // namespace wippy::component
