#include "wasi/trace.h"

#include "log/log.h"

namespace wippy::wasi {

namespace {

// Preview1 values are i32/i64, one cell each (pointers, fds, errno values): decimal.
std::string cells_text(const std::vector<engine::ValType>& types, const uint64_t* cells) {
  std::string out;
  for (size_t i = 0; i < types.size(); ++i) {
    if (i) out += ", ";
    out += types[i] == engine::ValType::I32 ? std::to_string(static_cast<int32_t>(cells[i]))
                                            : std::to_string(static_cast<int64_t>(cells[i]));
  }
  return out;
}

}  // namespace

engine::HostFn traced(std::string who, std::string_view name, const engine::FuncType& type, engine::HostFn fn) {
  return [who = std::move(who), name = std::string(name), type, fn = std::move(fn)](
             engine::HostCall& call, const uint64_t* args, uint64_t* results) {
    std::string params = cells_text(type.params, args);  // before the call, which may reuse the cells
    engine::HostResult r = fn(call, args, results);
    switch (r.kind) {
      case engine::HostResult::Kind::Ok:
        log::trace("[{}] {}({}) -> {}", who, name, params, cells_text(type.results, results));
        break;
      case engine::HostResult::Kind::Trap:
        log::trace("[{}] {}({}) -> trap: {}", who, name, params, r.trap_message);
        break;
      case engine::HostResult::Kind::Suspend:
        log::trace("[{}] {}({}) -> suspended", who, name, params);
        break;
    }
    return r;
  };
}

}  // namespace wippy::wasi
