// The bounded pattern matcher: an original implementation of the Lua 5.4 pattern
// language (reference manual §6.4.1) and of string.find, match, gmatch and gsub
// (§6.4), written to give the stock library's values, captures, positions and error
// texts, plus a step budget and a periodic `check`.
//
// Matching is a recursive backtracker: Matcher::match walks the pattern item by item
// and recurses only where it may have to come back (quantified items, captures), at
// most kMaxDepth levels deep like stock Lua ("pattern too complex").
//
// Errors are Lua errors (longjmp): nothing here has a non-trivial destructor.
#include "lua/pattern.h"

#include <cctype>
#include <cstddef>
#include <cstring>
#include <new>

namespace wippy::lua {

namespace {

using CheckFn = void (*)(lua_State*);

constexpr int kMaxCaptures = 32;  // LUA_MAXCAPTURES
constexpr int kMaxDepth = 200;    // nested match calls before "pattern too complex"
constexpr char kEscape = '%';
constexpr std::ptrdiff_t kOpenCapture = -1;      // "(" seen, ")" not yet
constexpr std::ptrdiff_t kPositionCapture = -2;  // "()"

int byte_of(char c) { return static_cast<unsigned char>(c); }

// True if `c` is in the class named by the letter after '%' ("%a", "%D", ...). Other
// escaped characters stand for themselves.
bool in_class(int c, int letter) {
  bool in;
  switch (std::tolower(letter)) {
    case 'a': in = std::isalpha(c); break;
    case 'c': in = std::iscntrl(c); break;
    case 'd': in = std::isdigit(c); break;
    case 'g': in = std::isgraph(c); break;
    case 'l': in = std::islower(c); break;
    case 'p': in = std::ispunct(c); break;
    case 's': in = std::isspace(c); break;
    case 'u': in = std::isupper(c); break;
    case 'w': in = std::isalnum(c); break;
    case 'x': in = std::isxdigit(c); break;
    case 'z': in = c == 0; break;  // deprecated, still accepted by 5.4
    default: return letter == c;
  }
  return std::isupper(letter) ? !in : in;
}

// True if `c` is in the set "[...]" that runs from `open` ('[') to `close` (its ']').
bool in_set(int c, const char* open, const char* close) {
  const char* p = open + 1;
  bool negated = *p == '^';
  if (negated) ++p;
  while (p < close) {
    if (*p == kEscape) {
      if (in_class(c, byte_of(p[1]))) return !negated;
      p += 2;
    } else if (p[1] == '-' && p + 2 < close) {
      if (byte_of(p[0]) <= c && c <= byte_of(p[2])) return !negated;
      p += 3;
    } else {
      if (byte_of(*p) == c) return !negated;
      ++p;
    }
  }
  return negated;
}

struct Capture {
  const char* start;
  std::ptrdiff_t len;  // or kOpenCapture / kPositionCapture
};

// One matching job: a subject, a pattern (without its '^' anchor), the captures of
// the current attempt, and the step budget. Trivially copyable: gmatch keeps one in
// a userdata.
class Matcher {
 public:
  void init(lua_State* L, const char* fn, CheckFn check, const char* s, size_t ls, const char* p, size_t lp) {
    L_ = L;
    fn_ = fn;
    check_ = check;
    subject_ = s;
    subject_end_ = s + ls;
    pattern_ = p;
    pattern_end_ = p + lp;
    budget_ = kPatternBaseSteps + kPatternStepsPerByte * static_cast<int64_t>(ls);
    reset_budget();
  }
  void set_thread(lua_State* L) { L_ = L; }  // gmatch iterators may run in another coroutine
  void reset_budget() {
    steps_left_ = budget_;
    until_check_ = kPatternCheckEvery;
  }
  const char* subject() const { return subject_; }
  const char* subject_end() const { return subject_end_; }

  // The end of a match of the whole pattern starting at `s`, or null.
  const char* match_at(const char* s) {
    level_ = 0;
    depth_left_ = kMaxDepth;
    return match(s, pattern_);
  }

  // Pushes capture `i` (0-based); with no captures at all, capture 0 is the whole
  // match [s, e).
  void push_capture(int i, const char* s, const char* e) {
    if (i >= level_) {
      if (i != 0) luaL_error(L_, "invalid capture index %%%d", i + 1);
      lua_pushlstring(L_, s, static_cast<size_t>(e - s));
      return;
    }
    const Capture& c = capture_[i];
    if (c.len == kOpenCapture) luaL_error(L_, "unfinished capture");
    if (c.len == kPositionCapture) {
      lua_pushinteger(L_, static_cast<lua_Integer>(c.start - subject_) + 1);
    } else {
      lua_pushlstring(L_, c.start, static_cast<size_t>(c.len));
    }
  }

  // Pushes all captures, or the whole match [s, e) when there are none and s is
  // given; returns how many values were pushed.
  int push_captures(const char* s, const char* e) {
    int n = (level_ == 0 && s != nullptr) ? 1 : level_;
    luaL_checkstack(L_, n, "too many captures");
    for (int i = 0; i < n; ++i) push_capture(i, s, e);
    return n;
  }

 private:
  // One unit of matching work; raises when the budget is spent.
  void spend(int64_t steps) {
    steps_left_ -= steps;
    if (steps_left_ < 0) {
      luaL_error(L_, "%s: pattern too complex for the subject (more than %I matching steps)", fn_,
                 static_cast<lua_Integer>(budget_));
    }
    until_check_ -= steps;
    while (until_check_ <= 0) {
      until_check_ += kPatternCheckEvery;
      if (check_ != nullptr) check_(L_);
    }
  }

  // The end of the single-character item at `p` ("x", "%x", "[set]", ".").
  const char* item_end(const char* p) {
    if (*p == kEscape) {
      if (p + 1 >= pattern_end_) luaL_error(L_, "malformed pattern (ends with '%%')");
      return p + 2;
    }
    if (*p == '[') {
      ++p;
      if (p < pattern_end_ && *p == '^') ++p;
      // The first character of a set is never its end, even if it is ']'.
      do {
        if (p >= pattern_end_) luaL_error(L_, "malformed pattern (missing ']')");
        char c = *p++;
        if (c == kEscape && p < pattern_end_) ++p;
      } while (p >= pattern_end_ || *p != ']');
      return p + 1;
    }
    return p + 1;
  }

  // Does the character at `s` match the item [p, end)?
  bool item_matches(const char* s, const char* p, const char* end) {
    spend(1);
    if (s >= subject_end_) return false;
    int c = byte_of(*s);
    switch (*p) {
      case '.': return true;
      case kEscape: return in_class(c, byte_of(p[1]));
      case '[': return in_set(c, p, end - 1);
      default: return byte_of(*p) == c;
    }
  }

  const char* match(const char* s, const char* p) {
    if (depth_left_ == 0) luaL_error(L_, "pattern too complex");
    --depth_left_;
    const char* end = match_here(s, p);
    ++depth_left_;
    return end;
  }

  // Matches the pattern from `p` against the subject from `s`; loops over items that
  // need no backtracking and recurses for the rest.
  const char* match_here(const char* s, const char* p) {
    for (;;) {
      spend(1);
      if (p == pattern_end_) return s;
      switch (*p) {
        case '(':
          if (p + 1 < pattern_end_ && p[1] == ')') return open_capture(s, p + 2, kPositionCapture);
          return open_capture(s, p + 1, kOpenCapture);
        case ')':
          return close_capture(s, p + 1);
        case '$':
          if (p + 1 == pattern_end_) return s == subject_end_ ? s : nullptr;
          break;  // a '$' elsewhere is an ordinary character
        case kEscape:
          if (p + 1 < pattern_end_) {
            char what = p[1];
            if (what == 'b') {
              s = balanced(s, p + 2);
              if (s == nullptr) return nullptr;
              p += 4;
              continue;
            }
            if (what == 'f') {
              p += 2;
              if (p >= pattern_end_ || *p != '[') luaL_error(L_, "missing '[' after '%%f' in pattern");
              const char* set_end = item_end(p);
              int before = s == subject_ ? 0 : byte_of(s[-1]);
              int after = s < subject_end_ ? byte_of(*s) : 0;
              if (in_set(before, p, set_end - 1) || !in_set(after, p, set_end - 1)) return nullptr;
              p = set_end;
              continue;
            }
            if (std::isdigit(byte_of(what))) {
              s = same_as_capture(s, what);
              if (s == nullptr) return nullptr;
              p += 2;
              continue;
            }
          }
          break;
        default:
          break;
      }
      // A single-character item, maybe followed by a quantifier.
      const char* end = item_end(p);
      char quantifier = end < pattern_end_ ? *end : '\0';
      if (!item_matches(s, p, end)) {
        if (quantifier == '*' || quantifier == '?' || quantifier == '-') {
          p = end + 1;  // zero repetitions
          continue;
        }
        return nullptr;
      }
      switch (quantifier) {
        case '?': {
          const char* r = match(s + 1, end + 1);
          if (r != nullptr) return r;
          p = end + 1;
          continue;
        }
        case '+': return longest_first(s + 1, p, end);
        case '*': return longest_first(s, p, end);
        case '-': return shortest_first(s, p, end);
        default:
          ++s;
          p = end;
          continue;
      }
    }
  }

  // Item [p, end) repeated greedily from `s`, then the rest of the pattern after the
  // quantifier; gives back one repetition at a time.
  const char* longest_first(const char* s, const char* p, const char* end) {
    std::ptrdiff_t count = 0;
    while (item_matches(s + count, p, end)) ++count;
    for (; count >= 0; --count) {
      const char* r = match(s + count, end + 1);
      if (r != nullptr) return r;
    }
    return nullptr;
  }

  // Item [p, end) repeated lazily: tries the rest first, then one more repetition.
  const char* shortest_first(const char* s, const char* p, const char* end) {
    for (;;) {
      const char* r = match(s, end + 1);
      if (r != nullptr) return r;
      if (!item_matches(s, p, end)) return nullptr;
      ++s;
    }
  }

  const char* open_capture(const char* s, const char* p, std::ptrdiff_t kind) {
    if (level_ >= kMaxCaptures) luaL_error(L_, "too many captures");
    capture_[level_] = Capture{s, kind};
    ++level_;
    const char* r = match(s, p);
    if (r == nullptr) --level_;
    return r;
  }

  const char* close_capture(const char* s, const char* p) {
    int open = level_ - 1;
    while (open >= 0 && capture_[open].len != kOpenCapture) --open;
    if (open < 0) luaL_error(L_, "invalid pattern capture");
    capture_[open].len = s - capture_[open].start;
    const char* r = match(s, p);
    if (r == nullptr) capture_[open].len = kOpenCapture;
    return r;
  }

  // "%bxy" with `p` at x: a balanced x...y run starting at `s`.
  const char* balanced(const char* s, const char* p) {
    if (p + 1 >= pattern_end_) luaL_error(L_, "malformed pattern (missing arguments to '%%b')");
    spend(1);
    if (s >= subject_end_ || *s != p[0]) return nullptr;
    char open = p[0], close = p[1];
    int depth = 1;
    while (++s < subject_end_) {
      spend(1);
      if (*s == close) {
        if (--depth == 0) return s + 1;
      } else if (*s == open) {
        ++depth;
      }
    }
    return nullptr;
  }

  // "%1".."%9" (and the invalid "%0"): the text of an earlier, closed capture again.
  const char* same_as_capture(const char* s, char digit) {
    int i = digit - '1';
    if (i < 0 || i >= level_ || capture_[i].len == kOpenCapture) {
      luaL_error(L_, "invalid capture index %%%d", i + 1);
    }
    std::ptrdiff_t len = capture_[i].len;
    if (len < 0 || subject_end_ - s < len) return nullptr;  // a position never matches
    spend(len);
    return std::memcmp(capture_[i].start, s, static_cast<size_t>(len)) == 0 ? s + len : nullptr;
  }

  lua_State* L_;
  const char* fn_;  // "string.find", for the budget message
  CheckFn check_;
  const char* subject_;
  const char* subject_end_;
  const char* pattern_;
  const char* pattern_end_;
  int level_ = 0;  // captures in use
  int depth_left_ = kMaxDepth;
  Capture capture_[kMaxCaptures];
  int64_t budget_;
  int64_t steps_left_;
  int64_t until_check_;
};

CheckFn check_of(lua_State* L) { return *static_cast<CheckFn*>(lua_touserdata(L, lua_upvalueindex(1))); }

// A 1-based, possibly negative start position as a 0-based offset (may exceed len).
size_t start_offset(lua_Integer pos, size_t len) {
  if (pos > 0) return static_cast<size_t>(pos) - 1;
  if (pos == 0 || pos < -static_cast<lua_Integer>(len)) return 0;
  return len - static_cast<size_t>(-pos);
}

bool has_specials(const char* p, size_t lp) {
  for (size_t i = 0; i < lp; ++i) {
    if (p[i] != '\0' && std::strchr("^$*+?.([%-", p[i]) != nullptr) return true;
  }
  return false;
}

bool is_anchored(const char*& p, size_t& lp) {
  if (lp == 0 || *p != '^') return false;
  ++p;
  --lp;
  return true;
}

int find_or_match(lua_State* L, bool find) {
  size_t ls, lp;
  const char* s = luaL_checklstring(L, 1, &ls);
  const char* p = luaL_checklstring(L, 2, &lp);
  size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
  if (init > ls) {
    lua_pushnil(L);
    return 1;
  }
  if (find && (lua_toboolean(L, 4) || !has_specials(p, lp))) {
    // memmem is linear in glibc (two-way), so no budget is needed.
    const void* at = lp == 0 ? s + init : memmem(s + init, ls - init, p, lp);
    if (at == nullptr) {
      lua_pushnil(L);
      return 1;
    }
    size_t pos = static_cast<size_t>(static_cast<const char*>(at) - s);
    lua_pushinteger(L, static_cast<lua_Integer>(pos) + 1);
    lua_pushinteger(L, static_cast<lua_Integer>(pos + lp));
    return 2;
  }
  bool anchored = is_anchored(p, lp);
  Matcher m;
  m.init(L, find ? "string.find" : "string.match", check_of(L), s, ls, p, lp);
  for (const char* start = s + init;; ++start) {
    const char* end = m.match_at(start);
    if (end != nullptr) {
      if (!find) return m.push_captures(start, end);
      lua_pushinteger(L, static_cast<lua_Integer>(start - s) + 1);
      lua_pushinteger(L, static_cast<lua_Integer>(end - s));
      return m.push_captures(nullptr, nullptr) + 2;
    }
    if (anchored || start >= m.subject_end()) break;
  }
  lua_pushnil(L);
  return 1;
}

int str_find(lua_State* L) { return find_or_match(L, true); }
int str_match(lua_State* L) { return find_or_match(L, false); }

struct GmatchState {
  Matcher matcher;
  size_t next;             // offset where the next search starts; past the end when done
  const char* last_match;  // end of the previous match: no empty match may end there again
};

int gmatch_next(lua_State* L) {
  auto* g = static_cast<GmatchState*>(lua_touserdata(L, lua_upvalueindex(3)));
  g->matcher.set_thread(L);
  g->matcher.reset_budget();
  size_t length = static_cast<size_t>(g->matcher.subject_end() - g->matcher.subject());
  for (; g->next <= length; ++g->next) {
    const char* start = g->matcher.subject() + g->next;
    const char* end = g->matcher.match_at(start);
    if (end != nullptr && end != g->last_match) {
      g->last_match = end;
      g->next = static_cast<size_t>(end - g->matcher.subject());
      return g->matcher.push_captures(start, end);
    }
  }
  return 0;
}

int str_gmatch(lua_State* L) {
  size_t ls, lp;
  const char* s = luaL_checklstring(L, 1, &ls);
  const char* p = luaL_checklstring(L, 2, &lp);
  size_t init = start_offset(luaL_optinteger(L, 3, 1), ls);
  if (init > ls) init = ls + 1;  // past the end: the iterator finds nothing
  CheckFn check = check_of(L);
  lua_settop(L, 2);  // the closure keeps subject and pattern alive
  auto* g = new (lua_newuserdatauv(L, sizeof(GmatchState), 0)) GmatchState{};
  // '^' is not an anchor in gmatch: it is matched as a character.
  g->matcher.init(L, "string.gmatch", check, s, ls, p, lp);
  g->next = init;
  g->last_match = nullptr;
  lua_pushcclosure(L, gmatch_next, 3);
  return 1;
}

// Appends the replacement string (argument 3) for the match [s, e), expanding
// "%0".."%9" and "%%".
void append_template(lua_State* L, Matcher& m, luaL_Buffer& out, const char* s, const char* e) {
  size_t len;
  const char* r = lua_tolstring(L, 3, &len);
  const char* r_end = r + len;
  while (r < r_end) {
    const char* esc = static_cast<const char*>(std::memchr(r, kEscape, static_cast<size_t>(r_end - r)));
    if (esc == nullptr) break;
    luaL_addlstring(&out, r, static_cast<size_t>(esc - r));
    char what = esc[1];  // the string's terminating '\0' when '%' is last
    if (what == kEscape) {
      luaL_addchar(&out, kEscape);
    } else if (what == '0') {
      luaL_addlstring(&out, s, static_cast<size_t>(e - s));
    } else if (std::isdigit(byte_of(what))) {
      m.push_capture(what - '1', s, e);
      luaL_addvalue(&out);  // positions are numbers, converted in place
    } else {
      luaL_error(L, "invalid use of '%c' in replacement string", kEscape);
    }
    r = esc + 2;
  }
  luaL_addlstring(&out, r, static_cast<size_t>(r_end - r));
}

// Appends the replacement for the match [s, e): argument 3 is a template string (or
// number), a table indexed by the first capture, or a function of the captures; a
// false or nil value keeps the matched text.
void append_replacement(lua_State* L, Matcher& m, luaL_Buffer& out, const char* s, const char* e, int kind) {
  if (kind == LUA_TSTRING || kind == LUA_TNUMBER) {
    append_template(L, m, out, s, e);
    return;
  }
  if (kind == LUA_TFUNCTION) {
    lua_pushvalue(L, 3);
    int n = m.push_captures(s, e);
    lua_call(L, n, 1);
  } else {
    m.push_capture(0, s, e);
    lua_gettable(L, 3);
  }
  if (!lua_toboolean(L, -1)) {
    lua_pop(L, 1);
    luaL_addlstring(&out, s, static_cast<size_t>(e - s));
    return;
  }
  if (!lua_isstring(L, -1)) luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
  luaL_addvalue(&out);
}

int str_gsub(lua_State* L) {
  size_t ls, lp;
  const char* s = luaL_checklstring(L, 1, &ls);
  const char* p = luaL_checklstring(L, 2, &lp);
  int kind = lua_type(L, 3);
  lua_Integer max_replacements = luaL_optinteger(L, 4, static_cast<lua_Integer>(ls) + 1);
  luaL_argexpected(L, kind == LUA_TNUMBER || kind == LUA_TSTRING || kind == LUA_TFUNCTION || kind == LUA_TTABLE, 3,
                   "string/function/table");
  bool anchored = is_anchored(p, lp);
  Matcher m;
  m.init(L, "string.gsub", check_of(L), s, ls, p, lp);
  luaL_Buffer out;
  luaL_buffinit(L, &out);
  const char* at = s;
  const char* last_match = nullptr;  // an empty match may not end where the last one did
  lua_Integer done = 0;
  while (done < max_replacements) {
    const char* end = m.match_at(at);
    if (end != nullptr && end != last_match) {
      ++done;
      append_replacement(L, m, out, at, end, kind);
      at = last_match = end;
    } else if (at < m.subject_end()) {
      luaL_addchar(&out, *at++);
    } else {
      break;
    }
    if (anchored) break;
  }
  luaL_addlstring(&out, at, static_cast<size_t>(m.subject_end() - at));
  luaL_pushresult(&out);
  lua_pushinteger(L, done);
  return 2;
}

}  // namespace

void install_bounded_patterns(lua_State* L, void (*check)(lua_State*)) {
  static const luaL_Reg kFns[] = {
      {"find", str_find}, {"match", str_match}, {"gmatch", str_gmatch}, {"gsub", str_gsub}, {nullptr, nullptr}};
  lua_getglobal(L, "string");
  *static_cast<CheckFn*>(lua_newuserdatauv(L, sizeof(CheckFn), 0)) = check;
  luaL_setfuncs(L, kFns, 1);
  lua_pop(L, 1);
}

}  // namespace wippy::lua
