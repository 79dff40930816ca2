// Names of types, canonical function type ids, error descriptions.
#include "interp/types.h"

#include <cstdio>
#include <mutex>
#include <unordered_map>

namespace wippy::interp {

const char* val_type_name(ValType t) {
  switch (t) {
    case ValType::I32: return "i32";
    case ValType::I64: return "i64";
    case ValType::F32: return "f32";
    case ValType::F64: return "f64";
    case ValType::V128: return "v128";
    case ValType::FuncRef: return "funcref";
    case ValType::ExternRef: return "externref";
  }
  return "<unknown>";
}

std::string to_string(const FuncType& t) {
  auto list = [](const std::vector<ValType>& types) {
    std::string s = "[";
    for (size_t i = 0; i < types.size(); ++i) {
      if (i) s += ' ';
      s += val_type_name(types[i]);
    }
    return s + "]";
  };
  return list(t.params) + " -> " + list(t.results);
}

uint32_t canonical_type_id(const FuncType& t) {
  // The key is the type's binary encoding; value types are single non-zero bytes,
  // so a zero byte separates params from results unambiguously.
  std::string key;
  key.reserve(t.params.size() + t.results.size() + 1);
  for (auto v : t.params) key += static_cast<char>(v);
  key += '\0';
  for (auto v : t.results) key += static_cast<char>(v);

  static std::mutex mutex;
  static std::unordered_map<std::string, uint32_t> ids;
  std::lock_guard lock(mutex);
  // Ids start at 1 so that 0 never matches a real type.
  auto [it, inserted] = ids.try_emplace(std::move(key), static_cast<uint32_t>(ids.size() + 1));
  return it->second;
}

const char* extern_kind_name(ExternKind k) {
  switch (k) {
    case ExternKind::Func: return "func";
    case ExternKind::Table: return "table";
    case ExternKind::Memory: return "memory";
    case ExternKind::Global: return "global";
  }
  return "<unknown>";
}

std::string ModuleError::describe() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%zx", offset_);
  return std::string(what()) + " (at byte 0x" + buf + ")";
}

}  // namespace wippy::interp
