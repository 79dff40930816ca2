// Prints the internal code the translator makes of a module's functions, to read what
// the run loop executes (e.g. the hot functions callgrind points at):
//   build/benches/interp_disasm module.wasm [FUNC_INDEX|NAME]... [--no-fuel]
// Without functions it prints them all; --no-fuel translates without Fuel instructions.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "interp/disasm.h"
#include "interp/module.h"

using namespace wippy::interp;

int main(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << "usage: interp_disasm module.wasm [FUNC_INDEX|NAME]... [--no-fuel]\n";
    return 2;
  }
  std::ifstream in(argv[1], std::ios::binary);
  if (!in) {
    std::cerr << "interp_disasm: cannot read " << argv[1] << "\n";
    return 1;
  }
  DecodeOptions options;
  std::vector<std::string> wanted;
  for (int i = 2; i < argc; ++i) {
    if (std::string(argv[i]) == "--no-fuel")
      options.fuel_metering = false;
    else
      wanted.emplace_back(argv[i]);
  }
  try {
    in.seekg(0, std::ios::end);
    check_module_size(static_cast<uint64_t>(in.tellg()));  // before reading it all
    in.seekg(0);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
    options.translation = DecodeOptions::Translation::Eager;  // every function's code, now
    auto m = decode_module(bytes, options);
    for (uint32_t i = m->num_imported_funcs; i < m->func_types.size(); ++i) {
      std::string name = m->func_name(i);
      bool print = wanted.empty();
      for (const std::string& w : wanted) print = print || w == name || w == std::to_string(i);
      if (print) std::cout << "== func " << i << " " << name << "\n" << disassemble(m->function(i));
    }
  } catch (const std::exception& e) {
    std::cerr << "interp_disasm: " << argv[1] << ": " << e.what() << "\n";
    return 1;
  }
  return 0;
}
