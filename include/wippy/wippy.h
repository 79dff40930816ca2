// The wippy-wasm embedding API: everything an embedder includes.
//
//   wippy::Engine engine;
//   wippy::Module module = engine.load_file("app.wasm", "sha256:...");
//   wippy::Linker linker;
//   linker.func("env", "log", [](int32_t x) { std::printf("%d\n", x); });
//   wippy::Store store(wippy::Limits{.fuel = 1'000'000});
//   wippy::Instance instance(store, linker, module);
//   int32_t sum = instance.call("add", {int32_t{2}, int32_t{3}})[0].i32();
#pragma once

#include "wippy/engine.h"
#include "wippy/error.h"
#include "wippy/instance.h"
#include "wippy/linker.h"
#include "wippy/store.h"
#include "wippy/types.h"
#include "wippy/version.h"
#include "wippy/wasi.h"
