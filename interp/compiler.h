// Validation and translation of one function body into internal code.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "interp/module.h"
#include "interp/reader.h"

namespace wippy::interp {

// `fn` has type_index, type_id, num_params, num_results, num_locals and local_types
// filled in; `body` is positioned at the first instruction (after the local
// declarations) and ends after the final `end`. Everything the body refers to
// (types, functions, tables, memories, globals, elem segment count, data_count,
// declared_funcs) must already be in `module`. Fills code, offsets and max_stack.
// Throws ModuleError: Invalid for validation failures, Malformed for bad encodings.
void compile_function(const Module& module, Function& fn, Reader body);

class Translator;
// compile_function for many bodies of one module in turn: the buffers are reused.
class FunctionCompiler {
 public:
  explicit FunctionCompiler(const Module& module);
  ~FunctionCompiler();
  void compile(Function& fn, Reader body);
  // Lazy translation (see Translator::validate and translate_validated).
  void validate(Function& fn, Reader body);
  const Slot* translate_validated(const Function& fn, Reader body);

 private:
  std::unique_ptr<Translator> translator_;
};

// Whether a code section of `code_bytes` bytes is translated lazily.
inline bool translate_lazily(DecodeOptions::Translation t, size_t code_bytes) {
  return t == DecodeOptions::Translation::Lazy ||
         (t == DecodeOptions::Translation::Auto && code_bytes >= kLazyTranslationBytes);
}

// Code sections below this many bytes are translated on the calling thread alone:
// starting a thread costs more than such a module takes.
constexpr size_t kParallelCompileBytes = 256 << 10;

// How many threads translate a code section of `code_bytes` bytes: `requested` if
// not 0, else the hardware threads for a section of at least kParallelCompileBytes.
unsigned compile_threads(size_t code_bytes, unsigned requested);

// Calls compile(compiler, i) for every body i of one module, where sizes[i] is its
// size in bytes, on `threads` threads (the calling one included), each with its own
// FunctionCompiler. The threads take batches of consecutive bodies in order, so the
// outcome is the sequential one: if bodies fail, the exception of the first failing
// body in order is rethrown once every thread has stopped. `compile` must write
// only to body i's Function while the others run.
using CompileBody = std::function<void(FunctionCompiler&, size_t)>;
void compile_bodies(const Module& module, std::span<const uint32_t> sizes, unsigned threads,
                    const CompileBody& compile);
// Where each batch of bodies of these sizes ends (a body index), in order.
std::vector<size_t> compile_batch_ends(std::span<const uint32_t> sizes);

}  // namespace wippy::interp
