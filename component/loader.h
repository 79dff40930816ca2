// Loading components the way engine::Engine loads core modules: the sha256 hash is
// verified first, and identical bytes are decoded once and shared (a cache keyed by
// xxHash3-128, holding components only while someone uses them).
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "component/component.h"

namespace wippy::component {

// Verifies `expected_hash` ("" or "sha256:<hex>"; a mismatch throws
// engine::LoadError) and decodes (core modules with `core`: pass the engine's
// Engine::decode_options), or returns the component decoded from identical bytes
// with the same options earlier. Throws ComponentError for a component the decoder
// refuses.
std::shared_ptr<const Component> load_component(std::span<const uint8_t> bytes, std::string_view expected_hash = {},
                                                const engine::DecodeOptions& core = {});

// The type of the function a component exports as `name` (a world export) or
// `iface#func` (a function of an exported interface), or null.
const Type* find_export_func(const Component& c, std::string_view name);
// Every exported function, as `name` or `iface#func`, in export order.
std::vector<std::string> exported_funcs(const Component& c);
// "no exported function `x` (the component exports: a, b#c)"
std::string missing_export_message(const Component& c, std::string_view name);
// The component's `wasi:cli/run@0.2.x#run` export (a WASI command), or "".
std::string cli_run_export(const Component& c);
// The same among the names of exported functions (`exported_funcs`).
std::string cli_run_export(const std::vector<std::string>& function_names);

}  // namespace wippy::component
