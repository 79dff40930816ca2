#include "wasi/trace.h"

#include <fmt/format.h>

#include "log/log.h"
#include "wasi/context.h"

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

// A component value in brief, without the names its type would give.
std::string brief(const component::Value& v) {
  using component::Kind;
  auto list = [](const std::vector<component::Value>& items, const char* open, const char* close) {
    std::string out = open;
    for (size_t i = 0; i < items.size() && i < 8; ++i) out += (i ? ", " : "") + brief(items[i]);
    if (items.size() > 8) out += fmt::format(", ... ({} items)", items.size());
    return out + close;
  };
  auto with_payload = [&](std::string name) {
    return v.payload() ? name + "(" + brief(*v.payload()) + ")" : name;
  };
  switch (v.kind) {
    case Kind::Bool: return v.bits ? "true" : "false";
    case Kind::S8: case Kind::S16: case Kind::S32: case Kind::S64: return std::to_string(v.as_signed());
    case Kind::U8: case Kind::U16: case Kind::U32: case Kind::U64: return std::to_string(v.bits);
    case Kind::F32: case Kind::F64: return fmt::format("{}", v.f);
    case Kind::Char: return fmt::format("U+{:04X}", v.bits);
    case Kind::String:
      return v.str.size() <= 64 ? fmt::format("\"{}\"", v.str) : fmt::format("\"{}...\" ({} bytes)", v.str.substr(0, 64), v.str.size());
    case Kind::List:
      if (!v.items.empty() && v.items[0].kind == Kind::U8) return fmt::format("<{} bytes>", v.items.size());
      return list(v.items, "[", "]");
    case Kind::Record: case Kind::Tuple: return list(v.items, "(", ")");
    case Kind::Option: return v.case_index() ? with_payload("some") : "none";
    case Kind::Result: return with_payload(v.case_index() ? "err" : "ok");
    case Kind::Variant: case Kind::Enum: return with_payload(fmt::format("case{}", v.case_index()));
    case Kind::Flags: return fmt::format("flags({:#x})", v.bits);
    case Kind::Own: case Kind::Borrow: return fmt::format("handle {}", v.bits);
    default: return "?";
  }
}

std::string values_text(const std::vector<component::Value>& values) {
  std::string out;
  for (size_t i = 0; i < values.size(); ++i) out += (i ? ", " : "") + brief(values[i]);
  return out;
}

}  // namespace

std::string trace_who(const WasiContext& ctx) {
  if (!log::enabled(log::Level::Trace)) return "";
  return !ctx.trace_name.empty() ? ctx.trace_name : ctx.args.empty() ? "wasi" : ctx.args[0];
}

component::SuspendableHostFunction traced_p2(std::string who, std::string name, component::SuspendableHostFunction fn) {
  return [who = std::move(who), name = std::move(name), fn = std::move(fn)](
             component::HostContext& ctx, const std::vector<component::Value>& args) {
    std::string params = values_text(args);
    component::HostReply r;
    try {
      r = fn(ctx, args);
    } catch (const std::exception& e) {
      log::trace("[{}] {}({}) -> trap: {}", who, name, params, e.what());
      throw;
    }
    if (!r.suspend) {
      log::trace("[{}] {}({}) -> {}", who, name, params, values_text(r.values));
      return r;
    }
    log::trace("[{}] {}({}) -> suspended", who, name, params);
    r.suspend = [who, name, suspend = std::move(r.suspend)](component::LowerResults lower) {
      return suspend([who, name, lower = std::move(lower)](const std::vector<component::Value>& results) {
        log::trace("[{}] {} resumed -> {}", who, name, values_text(results));
        return lower(results);
      });
    };
    return r;
  };
}

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
