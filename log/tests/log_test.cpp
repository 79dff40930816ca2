// The logger: levels filter, WIPPY_LOG sets the threshold, and a message below the
// threshold is never formatted.
#include <gtest/gtest.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "log/log.h"

namespace wippy::log {
namespace {

std::vector<std::string>& lines() {
  static std::vector<std::string> v;
  return v;
}

void capture(Level, std::string_view line) { lines().emplace_back(line); }

class LogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    lines().clear();
    set_sink(capture);
  }
  void TearDown() override {
    set_sink(nullptr);
    set_threshold(kDefaultLevel);
    unsetenv("WIPPY_LOG");
  }
};

TEST_F(LogTest, ThresholdFiltersLowerLevels) {
  set_threshold(Level::Warn);
  debug("d {}", 1);
  info("i {}", 2);
  warn("w {}", 3);
  error("e {}", 4);
  EXPECT_EQ(lines(), (std::vector<std::string>{"wippy: w 3", "wippy: e 4"}));
}

TEST_F(LogTest, DebugAndTraceLinesSayTheirLevel) {
  set_threshold(Level::Trace);
  trace("t");
  debug("d");
  info("i");
  EXPECT_EQ(lines(), (std::vector<std::string>{"wippy: trace: t", "wippy: debug: d", "wippy: i"}));
}

TEST_F(LogTest, OffWritesNothing) {
  set_threshold(Level::Off);
  error("e");
  EXPECT_TRUE(lines().empty());
  EXPECT_FALSE(enabled(Level::Error));
  EXPECT_FALSE(enabled(Level::Off));
}

// The arguments of a filtered message are not turned into text.
struct Counted {
  int* formats;
};

}  // namespace
}  // namespace wippy::log

template <>
struct fmt::formatter<wippy::log::Counted> : fmt::formatter<int> {
  auto format(const wippy::log::Counted& c, format_context& ctx) const {
    ++*c.formats;
    return fmt::formatter<int>::format(0, ctx);
  }
};

namespace wippy::log {
namespace {

TEST_F(LogTest, FilteredMessagesAreNotFormatted) {
  int formats = 0;
  set_threshold(Level::Info);
  debug("{}", Counted{&formats});
  EXPECT_EQ(formats, 0);
  info("{}", Counted{&formats});
  EXPECT_EQ(formats, 1);
}

TEST_F(LogTest, EnvironmentSetsTheThreshold) {
  setenv("WIPPY_LOG", "DEBUG", 1);
  EXPECT_EQ(init_from_env(), std::nullopt);
  EXPECT_EQ(threshold(), Level::Debug);
  setenv("WIPPY_LOG", "off", 1);
  EXPECT_EQ(init_from_env(), std::nullopt);
  EXPECT_EQ(threshold(), Level::Off);
  unsetenv("WIPPY_LOG");
  EXPECT_EQ(init_from_env(), std::nullopt);
  EXPECT_EQ(threshold(), kDefaultLevel);
}

TEST_F(LogTest, BadEnvironmentValueIsReportedAndIgnored) {
  setenv("WIPPY_LOG", "loud", 1);
  std::optional<std::string> err = init_from_env();
  ASSERT_TRUE(err.has_value());
  EXPECT_NE(err->find("WIPPY_LOG=loud"), std::string::npos) << *err;
  EXPECT_EQ(threshold(), kDefaultLevel);
}

TEST(LogLevels, ParseAndName) {
  for (Level l : {Level::Trace, Level::Debug, Level::Info, Level::Warn, Level::Error, Level::Off})
    EXPECT_EQ(parse_level(level_name(l)), l);
  EXPECT_EQ(parse_level("warning"), Level::Warn);
  EXPECT_EQ(parse_level(""), std::nullopt);
  EXPECT_EQ(parse_level("2"), std::nullopt);
}

}  // namespace
}  // namespace wippy::log
