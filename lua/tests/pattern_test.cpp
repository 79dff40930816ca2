// The bounded matcher gives the stock string library's results (values, captures,
// errors) and stops pathological patterns.
#include "lua/pattern.h"

#include <gtest/gtest.h>

#include <string>

namespace {

// A bare state whose stock functions stay reachable as stock_find and so on.
class PatternState {
 public:
  PatternState() {
    L_ = luaL_newstate();
    luaL_openlibs(L_);
    run("stock_find, stock_match, stock_gmatch, stock_gsub = string.find, string.match, string.gmatch, string.gsub");
  }
  ~PatternState() { lua_close(L_); }
  lua_State* L() { return L_; }

  // Runs `code`; returns "ok: <first result as string>" or "error: <message>".
  std::string run(const std::string& code) {
    if (luaL_loadstring(L_, code.c_str()) != LUA_OK || lua_pcall(L_, 0, 1, 0) != LUA_OK) {
      std::string msg = lua_type(L_, -1) == LUA_TSTRING ? lua_tostring(L_, -1) : "?";
      lua_pop(L_, 1);
      return "error: " + msg;
    }
    std::string out = lua_type(L_, -1) == LUA_TSTRING ? lua_tostring(L_, -1) : luaL_typename(L_, -1);
    lua_pop(L_, 1);
    return "ok: " + out;
  }

 private:
  lua_State* L_;
};

int checks = 0;
void count_check(lua_State*) { ++checks; }
void failing_check(lua_State* L) { luaL_error(L, "limit reached"); }

}  // namespace

TEST(BoundedPattern, SameResultsAsTheStockLibrary) {
  PatternState st;
  wippy::lua::install_bounded_patterns(st.L(), count_check);
  // Each case runs with the bounded functions (string.x) and the stock ones (stock_x);
  // `describe` turns every result (or the error) into one comparable string.
  std::string prelude = R"(
    local function describe(ok, ...)
      local out = { tostring(ok) }
      for i = 1, select("#", ...) do out[#out + 1] = tostring((select(i, ...))) end
      return table.concat(out, "|")
    end
    local function all(f, s, p, ...)
      local out = {}
      for a, b, c in f(s, p, ...) do out[#out + 1] = tostring(a) .. "," .. tostring(b) .. "," .. tostring(c) end
      return table.concat(out, ";")
    end
    function compare(name, s, p, ...)
      local mine, stock
      if name == "gmatch" then
        mine = describe(pcall(all, string.gmatch, s, p, ...))
        stock = describe(pcall(all, stock_gmatch, s, p, ...))
      else
        mine = describe(pcall(string[name], s, p, ...))
        stock = describe(pcall(_G["stock_" .. name], s, p, ...))
      end
      -- argument errors name the function as it was reached
      mine, stock = mine:gsub("'string%.", "'"), stock:gsub("'stock_", "'")
      if mine ~= stock then error(name .. "(" .. s .. ", " .. p .. "): " .. mine .. " ~= " .. stock) end
      return mine
    end
  )";
  ASSERT_EQ(st.run(prelude), "ok: nil");
  const char* cases[] = {
      R"x(compare("find", "hello world", "o w"))x",
      R"x(compare("find", "hello world", "o", 6))x",
      R"x(compare("find", "hello world", "l+", -4))x",
      R"x(compare("find", "a.b", ".", 1, true))x",
      R"x(compare("find", "key = value", "(%w+)%s*=%s*(%w+)"))x",
      R"x(compare("find", "THE (quick) fox", "%((%a+)%)"))x",
      R"x(compare("find", "abc", "()b()"))x",
      R"x(compare("find", "", ""))x",
      R"x(compare("find", "abc", "", 10))x",
      R"x(compare("match", "  trim me  ", "^%s*(.-)%s*$"))x",
      R"x(compare("match", "2024-01-31", "^(%d+)-(%d%d)-(%d%d)$"))x",
      R"x(compare("match", "f(a(b)c)d", "%b()"))x",
      R"x(compare("match", "THE (quick) fox", "%f[%a]%a+"))x",
      R"x(compare("match", "hello hello", "(h%a+) %1"))x",
      R"x(compare("match", "x=[[a]] y", "%[(=*)%[(.-)%]%1%]"))x",
      R"x(compare("match", "abc", "[%a-]+"))x",
      R"x(compare("match", "a-b", "[^%-]+$"))x",
      R"x(compare("match", "aaab", "a-b"))x",
      R"x(compare("match", "aaab", "a*?"))x",
      R"x(compare("match", "\0x\0", "%z(x)"))x",
      R"x(compare("match", "abc", "%"))x",
      R"x(compare("match", "abc", "[a"))x",
      R"x(compare("match", "abc", "(()"))x",
      R"x(compare("match", "abc", "%1"))x",
      R"x(compare("match", "abc", "%b"))x",
      R"x(compare("match", "abc", "%fx"))x",
      R"x(compare("match", "abc", "a)"))x",
      R"x(compare("gmatch", "one two  three", "%a+"))x",
      R"x(compare("gmatch", "k1=v1, k2=v2", "(%w+)=(%w+)"))x",
      R"x(compare("gmatch", "abc", ""))x",
      R"x(compare("gmatch", "abcabc", "()b", 3))x",
      R"x(compare("gsub", "hello world", "o", "0"))x",
      R"x(compare("gsub", "hello world", "(%w+)", "<%1>"))x",
      R"x(compare("gsub", "hello world", "%w+", "%0 %0", 1))x",
      R"x(compare("gsub", "abc", "", "-"))x",
      R"x(compare("gsub", "$name is $age", "%$(%w+)", { name = "Ann", age = 7 }))x",
      R"x(compare("gsub", "a b c", "%a", function(c) if c ~= "b" then return c:upper() end end))x",
      R"x(compare("gsub", "abc", "b", "%2"))x",
      R"x(compare("gsub", "abc", "b", "%x"))x",
      R"x(compare("gsub", "abc", "(b)", "%%1"))x",
      R"x(compare("gsub", "abc", "^a", "z"))x",
      R"x(compare("gsub", "abc", "b", {}))x",
      R"x(compare("gsub", "abc", "b", true))x",
      R"x(compare("gsub", "abc", "b", function() return {} end))x",
      R"x(compare("match", ("a"):rep(300), ("a?"):rep(300)))x",
      R"x(compare("match", ("a"):rep(150), ("a?"):rep(150)))x",
      R"x(compare("match", "abc", ("()"):rep(33)))x",
      R"x(compare("match", "abc", ("()"):rep(32)))x",
      R"x(compare("find", "a+b", "+b"))x",
      R"x(compare("find", "a)b", "a)", 1))x",
      R"x(compare("find", "a\0b", "\0b"))x",
      R"x(compare("gsub", "abc", "()b", "%1"))x",
      R"x(compare("gsub", "abc", "b", "%1"))x",
      R"x(compare("gsub", "abc", "(b)", "%"))x",
      R"x(compare("gsub", "abc", "b", 12))x",
      R"x(compare("gmatch", "^a^a", "^a"))x",
  };
  for (const char* c : cases) EXPECT_EQ(st.run(c).substr(0, 3), "ok:") << c << ": " << st.run(c);
  // Methods go through the string metatable to the same functions.
  EXPECT_EQ(st.run("return (('abc'):gsub('b', 'x'))"), "ok: axc");
  // A gmatch iterator can be resumed from another coroutine.
  EXPECT_EQ(st.run("local it = ('a b c'):gmatch('%a') "
                   "return coroutine.wrap(function() return it() .. it() end)() .. it() .. tostring((it()))"),
            "ok: abcnil");
}

TEST(BoundedPattern, PathologicalPatternsFailWithinTheBudget) {
  PatternState st;
  checks = 0;
  wippy::lua::install_bounded_patterns(st.L(), count_check);
  EXPECT_NE(st.run("return string.find(string.rep('a', 1000), '.-.-.-.-b')")
                .find(":1: string.find: pattern too complex for the subject (more than 10050000 matching steps)"),
            std::string::npos);
  EXPECT_EQ(checks, 10050000 / wippy::lua::kPatternCheckEvery);
  // Plain searches are linear (no budget needed) even for needles that almost match.
  EXPECT_EQ(
      st.run("local s = string.rep('a', 1000000) return tostring(s:find(string.rep('a', 500000) .. 'b', 1, true))"),
      "ok: nil");
  // The budget grows with the subject: long linear work is fine.
  EXPECT_EQ(st.run("local s = string.rep('ab ', 2000000) return tostring(select(2, s:gsub('%s+', '')))"),
            "ok: 2000000");
}

TEST(BoundedPattern, TheCheckCanStopAMatch) {
  PatternState st;
  wippy::lua::install_bounded_patterns(st.L(), failing_check);
  EXPECT_NE(st.run("return string.match(string.rep('a', 1000), '(.-)(.-)(.-)b')").find(":1: limit reached"),
            std::string::npos);
  EXPECT_EQ(st.run("return string.match('short', '(%a+)')"), "ok: short");
}

// Differential test: `patterns` random patterns from the whole pattern language (and
// some malformed ones) of up to `max_items` items, against random subjects of up to
// `max_parts` pieces, each through find, match, gmatch and gsub, bounded and stock,
// comparing every result or error message. Returns "<cases> cases, <n> mismatches"
// and the first mismatches.
std::string run_random_cases(int seed, int patterns, int max_items, int max_parts) {
  PatternState st;
  wippy::lua::install_bounded_patterns(st.L(), count_check);
  std::string code = "local SEED, PATTERNS, MAX_ITEMS, MAX_PARTS = " + std::to_string(seed) + ", " +
                     std::to_string(patterns) + ", " + std::to_string(max_items) + ", " +
                     std::to_string(max_parts) + R"lua(
    math.randomseed(SEED)  -- fixed: the cases are the same on every run
    local R = math.random
    local function pick(t) return t[R(#t)] end
    local function class()
      local c = pick({ "a", "d", "s", "w", "x", "p", "l", "u", "c", "g" })
      return "%" .. (R(2) == 1 and c:upper() or c)
    end
    local function set_item()
      local k = R(6)
      if k == 1 then return class() end
      if k == 2 then return pick({ "a", "b", "c", "1" }) .. "-" .. pick({ "b", "c", "z", "9" }) end
      if k == 3 then return pick({ "%]", "%-", "%%", "-", "^", "]", "." }) end
      return pick({ "a", "b", "c", " ", "(", "1", "A" })
    end
    local function set()
      local t = { "[" }
      if R(3) == 1 then t[#t + 1] = "^" end
      for _ = 1, R(3) do t[#t + 1] = set_item() end
      if R(25) ~= 1 then t[#t + 1] = "]" end  -- sometimes unterminated
      return table.concat(t)
    end
    local function single()
      local k = R(10)
      if k <= 4 then return pick({ "a", "b", "c", "A", "1", " ", "x" }) end
      if k == 5 then return "." end
      if k <= 7 then return class() end
      if k == 8 then return set() end
      if k == 9 then return pick({ "%.", "%%", "%(", "%)", "%[", "%-", "%$", "%^" }) end
      return pick({ "$", "^", "-", "]" })  -- specials where they are plain characters
    end
    local sequence
    local function item(depth)
      local k = R(20)
      if k <= 11 then
        local s = single()
        if R(2) == 1 then return s end
        return s .. pick({ "*", "+", "-", "?" })
      end
      if k <= 13 and depth < 3 then return "(" .. sequence(depth + 1, R(3)) .. ")" end
      if k <= 14 then return "()" end
      if k == 15 then return pick({ "%b()", "%bab", "%b((", "%b" }) end
      if k == 16 then return pick({ "%f[%w]", "%f[^a]", "%f[%s]", "%f[a-c]", "%fa", "%f" }) end
      if k == 17 then return pick({ "%1", "%2", "%0" }) end
      if k == 18 then return pick({ "(", ")", "[", "%", "[^" }) end  -- malformed
      return single() .. pick({ "*", "-" })
    end
    sequence = function(depth, n)
      local t = {}
      for _ = 1, n do t[#t + 1] = item(depth) end
      return table.concat(t)
    end
    local function pattern()
      local p = sequence(0, R(0, MAX_ITEMS))
      if R(4) == 1 then p = "^" .. p end
      if R(4) == 1 then p = p .. "$" end
      return p
    end
    local subject_parts = { "a", "b", "c", "a", "b", "A", "B", "1", "2", " ", "  ", "(", ")", ".",
                            "-", "_", "%", "\0", "\n", "x", "\xe9", "ab", "(a)" }
    local function subject()
      local t = {}
      for _ = 1, R(0, MAX_PARTS) do t[#t + 1] = pick(subject_parts) end
      return table.concat(t)
    end
    local replacements = {
      "%0-%1", "<%2>", "x%%y", "%", "%z", "[%1]", 7,
      { a = "A", ["1"] = 1, b = false, c = {} },
      function(...) if (...) == "b" then return false end return table.concat({ ... }, "|") end,
    }
    local function describe(ok, ...)
      local out = { tostring(ok) }
      for i = 1, select("#", ...) do out[#out + 1] = tostring((select(i, ...))) end
      return table.concat(out, "|")
    end
    local function all(gmatch, s, p, init)
      local out, n = {}, 0
      for a, b, c, d in gmatch(s, p, init) do
        out[#out + 1] = describe(a, b, c, d)
        n = n + 1
        if n > 50 then error("runaway gmatch") end
      end
      return table.concat(out, ";")
    end
    local mismatches, cases = {}, 0
    local function compare(what, mine, stock)
      cases = cases + 1
      if mine ~= stock and #mismatches < 10 then
        mismatches[#mismatches + 1] = what .. ": " .. mine .. " ~= " .. stock
      end
    end
    for _ = 1, PATTERNS do
      local s, p = subject(), pattern()
      local init = pick({ nil, 1, 2, 0, -2, 5, 20, -20 })
      local plain = R(6) == 1 or nil
      local tag = string.format("(%q, %q, %s)", s, p, tostring(init))
      compare("find" .. tag, describe(pcall(string.find, s, p, init, plain)),
              describe(pcall(stock_find, s, p, init, plain)))
      compare("match" .. tag, describe(pcall(string.match, s, p, init)), describe(pcall(stock_match, s, p, init)))
      compare("gmatch" .. tag, describe(pcall(all, string.gmatch, s, p, init)),
              describe(pcall(all, stock_gmatch, s, p, init)))
      local r, n = pick(replacements), pick({ nil, 0, 1, 2 })
      compare("gsub" .. tag .. tostring(r) .. tostring(n), describe(pcall(string.gsub, s, p, r, n)),
              describe(pcall(stock_gsub, s, p, r, n)))
    end
    return cases .. " cases, " .. #mismatches .. " mismatches\n" .. table.concat(mismatches, "\n")
  )lua";
  return st.run(code);
}

TEST(BoundedPattern, RandomPatternsOnShortSubjectsGiveTheStockResults) {
  EXPECT_EQ(run_random_cases(20261201, 10000, 5, 8), "ok: 40000 cases, 0 mismatches\n");
}

TEST(BoundedPattern, LongerRandomPatternsOnLongerSubjectsGiveTheStockResults) {
  EXPECT_EQ(run_random_cases(4242, 3000, 12, 40), "ok: 12000 cases, 0 mismatches\n");
}
