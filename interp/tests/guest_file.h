// Reads a test guest built into WIPPY_GUEST_DIR.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

inline std::vector<uint8_t> read_guest(const std::string& name) {
  std::ifstream in(std::string(WIPPY_GUEST_DIR) + "/" + name, std::ios::binary);
  EXPECT_TRUE(in) << "missing guest " << name;
  return {std::istreambuf_iterator<char>(in), {}};
}
