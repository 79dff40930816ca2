#include "interp/disasm.h"

#include <map>
#include <sstream>

#include "interp/execution.h"
#include "interp/ops.h"

namespace wippy::interp {
namespace {

struct OpNames {
  std::map<const void*, const char*> by_handler;
  OpNames() {
    static const char* const names[] = {
#define OP(name, layout) #name,
#include "interp/ops.def"
#undef OP
    };
    const void* const* table = Execution::handler_table();
    for (int i = 0; i < static_cast<int>(Op::Count); ++i) by_handler[table[i]] = names[i];
  }
};

}  // namespace

std::string disassemble(const Function& fn) {
  static const OpNames names;
  std::ostringstream out;
  out << "locals " << fn.num_locals << " (params " << fn.num_params << "), zero cell " << fn.num_locals
      << ", frame " << fn.frame_size << "\n";
  const Slot* begin = fn.code.data();
  size_t i = 0;
  while (i < fn.code.size()) {
    auto it = names.by_handler.find(fn.code[i].op);
    out << i << ": " << (it == names.by_handler.end() ? "?" : it->second);
    size_t j = i + 1;
    // Operand words run until the next word that is a handler address.
    while (j < fn.code.size() && !names.by_handler.count(fn.code[j].op)) {
      const Slot& w = fn.code[j];
      if (w.target >= begin && w.target < begin + fn.code.size())
        out << " ->" << (w.target - begin);
      else
        out << " [" << w.pair.x << "," << w.pair.y << "]";
      ++j;
    }
    out << "\n";
    i = j;
  }
  return out.str();
}

}  // namespace wippy::interp
