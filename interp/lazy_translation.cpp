// Lazy translation: a function of a lazy module is validated at load (its frame
// layout is known, so calls into it are set up as usual) and translated when it is
// first entered, by the TranslateOnCall instruction its entry points to until then.
// Threads that call it at once wait for one translation; the entry is published last,
// with release, so a thread that sees it also sees the code it points into.
#include <span>

#include "interp/compiler.h"

namespace wippy::interp {

const Slot* ensure_translated(const Module& m, const Function& fn) {
  const Slot* untranslated = &m.lazy_entry[1];
  if (fn.entry_acquire() != untranslated) return fn.code.data();
  std::lock_guard lock(m.translate_mutex);
  if (fn.entry.load(std::memory_order_relaxed) != untranslated) return fn.code.data();
  const Slot* entry;
  try {
    std::span<const uint8_t> section(m.code_section);
    Reader body(section.subspan(fn.instrs_offset - m.code_section_offset, fn.body_end - fn.instrs_offset),
                fn.instrs_offset);
    entry = FunctionCompiler(m).translate_validated(fn, body);
  } catch (...) {
    return nullptr;  // out of memory (validation already passed)
  }
  fn.entry.store(entry, std::memory_order_release);
  return fn.code.data();
}

}  // namespace wippy::interp
