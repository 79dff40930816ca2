// The spectest host module: silent print functions, constant globals, a table and a
// memory, allocated in the script's store.
#include "spec-tests/spectest_host.h"

#include <bit>
#include <memory>

namespace wippy::spectest {

namespace {

using interp::ValType;

void define_print(engine::Linker& linker, interp::Store& store, const char* name,
                  std::vector<ValType> params) {
  auto host = std::make_shared<interp::HostFunc>();
  host->type = interp::FuncType{std::move(params), {}};
  host->fn = [](interp::HostCall&, const uint64_t*, uint64_t*) { return interp::HostResult::ok(); };
  host->name = std::string("spectest.") + name;
  linker.define("spectest", name, interp::Extern::of(store.new_host_func(std::move(host))));
}

void define_global(engine::Linker& linker, interp::Store& store, const char* name, ValType type,
                   uint64_t bits) {
  interp::Global* g = store.new_global(interp::GlobalType{type, false}, bits);
  linker.define("spectest", name, interp::Extern::of(g));
}

}  // namespace

void define_spectest(engine::Linker& linker, interp::Store& store) {
  define_print(linker, store, "print", {});
  define_print(linker, store, "print_i32", {ValType::I32});
  define_print(linker, store, "print_i64", {ValType::I64});
  define_print(linker, store, "print_f32", {ValType::F32});
  define_print(linker, store, "print_f64", {ValType::F64});
  define_print(linker, store, "print_i32_f32", {ValType::I32, ValType::F32});
  define_print(linker, store, "print_f64_f64", {ValType::F64, ValType::F64});

  define_global(linker, store, "global_i32", ValType::I32, 666);
  define_global(linker, store, "global_i64", ValType::I64, 666);
  define_global(linker, store, "global_f32", ValType::F32, std::bit_cast<uint32_t>(666.6f));
  define_global(linker, store, "global_f64", ValType::F64, std::bit_cast<uint64_t>(666.6));

  interp::TableType table{ValType::FuncRef, interp::Limits{10, 20}};
  linker.define("spectest", "table", interp::Extern::of(store.new_table(table)));
  interp::MemoryType memory{interp::Limits{1, 2}};
  linker.define("spectest", "memory", interp::Extern::of(store.new_memory(memory)));
}

}  // namespace wippy::spectest
