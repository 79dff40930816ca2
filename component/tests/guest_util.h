// Helpers shared by the component tests: reading the test guests the build made.
#pragma once

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "component/component.h"

namespace wippy::component::test {

inline std::vector<uint8_t> read_guest(const std::string& name) {
  std::ifstream in(std::string(WIPPY_GUEST_DIR) + "/" + name, std::ios::binary);
  if (!in) throw std::runtime_error("missing test guest " + name + " (built by the `guests` target)");
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

inline std::shared_ptr<const Component> load_guest(const std::string& name) {
  std::vector<uint8_t> bytes = read_guest(name);
  return decode_component(bytes);
}

}  // namespace wippy::component::test
