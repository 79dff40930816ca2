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
  };
  for (const char* c : cases) EXPECT_EQ(st.run(c).substr(0, 3), "ok:") << c << ": " << st.run(c);
  // Methods go through the string metatable to the same functions.
  EXPECT_EQ(st.run("return (('abc'):gsub('b', 'x'))"), "ok: axc");
}

TEST(BoundedPattern, PathologicalPatternsFailWithinTheBudget) {
  PatternState st;
  checks = 0;
  wippy::lua::install_bounded_patterns(st.L(), count_check);
  EXPECT_NE(st.run("return string.find(string.rep('a', 1000), '.-.-.-.-b')")
                .find(":1: string.find: pattern too complex for the subject (more than 10050000 matching steps)"),
            std::string::npos);
  EXPECT_EQ(checks, 10050000 / wippy::lua::kPatternCheckEvery);
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
