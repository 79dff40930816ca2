// Helpers shared by the component tests: reading the test guests the build made.
#pragma once

#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "component/component.h"
#include "component/instance.h"

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

// The host side of guests/types.wit's `test:types/host`, recording what the guest
// did. combine(pair{a, b}, xs) = ok(pair{a + sum(xs), b + "!"}), or err("no numbers")
// when xs is empty; a blob's representation is its size times ten.
struct TypesHost {
  std::vector<std::string> log;
  std::vector<Kind> blob_kinds;       // how [method]blob.size got its self
  std::vector<uint32_t> dropped_blobs;

  // The linker refers to this object, which must outlive the instances made with it.
  Linker linker() {
    Linker l;
    l.define("test:types/host", "log", [this](const std::vector<Value>& args) {
      log.push_back(args.at(0).str);
      return std::vector<Value>{};
    });
    l.define("test:types/host", "combine", [](const std::vector<Value>& args) {
      const Value& pair = args.at(0);
      const Value& xs = args.at(1);
      if (xs.items.empty()) return std::vector<Value>{Value::err(Value::string("no numbers"))};
      uint64_t a = pair.items.at(0).bits;
      for (const Value& x : xs.items) a += x.bits;
      return std::vector<Value>{
          Value::ok(Value::record({Value::u32(static_cast<uint32_t>(a)), Value::string(pair.items.at(1).str + "!")}))};
    });
    l.define("test:types/host", "[constructor]blob", [](const std::vector<Value>& args) {
      return std::vector<Value>{Value::own(nullptr, static_cast<uint32_t>(args.at(0).bits * 10))};
    });
    l.define("test:types/host", "[method]blob.size", [this](const std::vector<Value>& args) {
      blob_kinds.push_back(args.at(0).kind);
      return std::vector<Value>{Value::u32(static_cast<uint32_t>(args.at(0).bits / 10))};
    });
    l.define_resource_drop("test:types/host", "blob", [this](uint32_t rep) { dropped_blobs.push_back(rep); });
    return l;
  }
};

}  // namespace wippy::component::test
