// Validation and translation of one function body into internal code.
#pragma once

#include <memory>

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

 private:
  std::unique_ptr<Translator> translator_;
};

}  // namespace wippy::interp
