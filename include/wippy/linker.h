// Linker: host functions (typed or untyped) and other instances' exports, by module
// and name, for instantiating modules.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <tuple>
#include <type_traits>
#include <utility>

#include "wippy/store.h"
#include "wippy/types.h"

namespace wippy {

class Instance;

namespace detail {
struct LinkerImpl;
}  // namespace detail

// An operation a host function could not finish at once. The embedder subclasses it;
// the call's Execution then stops with RunState::Suspended until Execution::resume.
struct Suspension {
  virtual ~Suspension() = default;
};

class HostResult {
 public:
  enum class Kind { Ok, Trap, Suspend };
  static HostResult ok() { return HostResult(Kind::Ok); }
  // The call traps with `message` (TrapCode::HostError).
  static HostResult trap(std::string message) {
    HostResult r(Kind::Trap);
    r.message_ = std::move(message);
    return r;
  }
  static HostResult suspend(std::unique_ptr<Suspension> suspension) {
    HostResult r(Kind::Suspend);
    r.suspension_ = std::move(suspension);
    return r;
  }
  Kind kind() const { return kind_; }
  const std::string& message() const { return message_; }
  std::unique_ptr<Suspension>& suspension() { return suspension_; }

 private:
  explicit HostResult(Kind kind) : kind_(kind) {}
  Kind kind_;
  std::string message_;
  std::unique_ptr<Suspension> suspension_;
};

// What a host function sees of the call: the calling instance's memory, fuel, and
// the store's host state.
class Caller {
 public:
  // The caller's memory `index`; throws std::out_of_range if it has none.
  Memory memory(uint32_t index = 0) const;
  // Charges fuel for work the function is about to do; false (and the call traps
  // with "fuel exhausted") if the limit cannot pay it: then skip the work.
  bool charge(uint64_t units) const;
  Store store() const;
  template <class T>
  T& data() const {
    return store().data<T>();
  }

 private:
  friend struct detail::Access;
  Caller() = default;
  void* call_ = nullptr;                     // the interpreter's host call
  std::shared_ptr<detail::StoreImpl> store_;
};

// An untyped host function: `args` and `results` have the types of its FuncType.
// A thrown std::exception traps the call with its what() (TrapCode::HostError).
using HostFunc = std::function<HostResult(Caller& caller, std::span<const Val> args, std::span<Val> results)>;

namespace detail {

// A typed host function's values travel as 64-bit cells: an i32 zero-extended, an
// f32 or f64 as its bits.
using CellFunc = std::function<HostResult(Caller& caller, const uint64_t* args, uint64_t* results)>;

template <class T>
struct WasmType {
  static_assert(sizeof(T) == 0,
                "a typed host function takes and returns int32_t, uint32_t, int64_t, uint64_t, "
                "float or double (or returns void or a std::tuple of them)");
};
template <class T, ValType V>
struct IntType {
  static constexpr ValType type = V;
  static T from_cell(uint64_t c) { return static_cast<T>(c); }
  static uint64_t to_cell(T v) {
    using U = std::make_unsigned_t<T>;
    return static_cast<uint64_t>(static_cast<U>(v));
  }
};
template <> struct WasmType<int32_t> : IntType<int32_t, ValType::I32> {};
template <> struct WasmType<uint32_t> : IntType<uint32_t, ValType::I32> {};
template <> struct WasmType<int64_t> : IntType<int64_t, ValType::I64> {};
template <> struct WasmType<uint64_t> : IntType<uint64_t, ValType::I64> {};
template <>
struct WasmType<float> {
  static constexpr ValType type = ValType::F32;
  static float from_cell(uint64_t c) { return std::bit_cast<float>(static_cast<uint32_t>(c)); }
  static uint64_t to_cell(float v) { return std::bit_cast<uint32_t>(v); }
};
template <>
struct WasmType<double> {
  static constexpr ValType type = ValType::F64;
  static double from_cell(uint64_t c) { return std::bit_cast<double>(c); }
  static uint64_t to_cell(double v) { return std::bit_cast<uint64_t>(v); }
};

// The results of a typed host function: void, one value, or a std::tuple.
template <class R>
struct Results {
  static std::vector<ValType> types() { return {WasmType<R>::type}; }
  static void store(const R& r, uint64_t* out) { out[0] = WasmType<R>::to_cell(r); }
};
template <>
struct Results<void> {
  static std::vector<ValType> types() { return {}; }
};
template <class... Ts>
struct Results<std::tuple<Ts...>> {
  static std::vector<ValType> types() { return {WasmType<Ts>::type...}; }
  static void store(const std::tuple<Ts...>& r, uint64_t* out) {
    store_each(r, out, std::index_sequence_for<Ts...>{});
  }
  template <size_t... I>
  static void store_each(const std::tuple<Ts...>& r, uint64_t* out, std::index_sequence<I...>) {
    ((out[I] = WasmType<Ts>::to_cell(std::get<I>(r))), ...);
  }
};

// The signature of a callable: return type and parameter types.
template <class F>
struct Signature : Signature<decltype(&F::operator())> {};
template <class R, class... A>
struct Signature<R (*)(A...)> {
  using Ret = R;
  using Args = std::tuple<A...>;
};
template <class R, class... A>
struct Signature<R(A...)> : Signature<R (*)(A...)> {};
template <class C, class R, class... A>
struct Signature<R (C::*)(A...)> : Signature<R (*)(A...)> {};
template <class C, class R, class... A>
struct Signature<R (C::*)(A...) const> : Signature<R (*)(A...)> {};

// Calls `f` with the cells converted to its parameters (after the Caller if it takes one).
template <class R, class Args>
struct Binder;
template <class R, class... A>
struct Binder<R, std::tuple<A...>> {
  static FuncType type() { return {{WasmType<std::decay_t<A>>::type...}, Results<R>::types()}; }
  template <class F>
  static CellFunc bind(F f) {
    return [f = std::move(f)](Caller&, const uint64_t* args, uint64_t* results) mutable {
      call(f, args, results, std::index_sequence_for<A...>{});
      return HostResult::ok();
    };
  }
  template <class F, size_t... I>
  static void call(F& f, const uint64_t* args, uint64_t* results, std::index_sequence<I...>) {
    (void)args;
    if constexpr (std::is_void_v<R>) {
      (void)results;
      f(WasmType<std::decay_t<A>>::from_cell(args[I])...);
    } else {
      Results<R>::store(f(WasmType<std::decay_t<A>>::from_cell(args[I])...), results);
    }
  }
};
template <class R, class... A>
struct Binder<R, std::tuple<Caller&, A...>> {
  static FuncType type() { return Binder<R, std::tuple<A...>>::type(); }
  template <class F>
  static CellFunc bind(F f) {
    return [f = std::move(f)](Caller& caller, const uint64_t* args, uint64_t* results) mutable {
      auto with_caller = [&](A... a) { return f(caller, a...); };
      Binder<R, std::tuple<A...>>::call(with_caller, args, results, std::index_sequence_for<A...>{});
      return HostResult::ok();
    };
  }
};

}  // namespace detail

class Linker {
 public:
  Linker();

  // A typed host function: its WebAssembly type comes from the C++ signature, e.g.
  //   linker.func("env", "add", [](int32_t a, int32_t b) { return a + b; });
  //   linker.func("env", "log", [](wippy::Caller& caller, int32_t ptr, int32_t len) {...});
  // Parameters and results: int32_t/uint32_t (i32), int64_t/uint64_t (i64), float,
  // double; the result may be void or a std::tuple. A thrown std::exception traps the
  // call with its what(). Instantiating a module that imports the name with another
  // type fails with LinkError("incompatible import type for env.add: ...").
  template <class F>
  Linker& func(std::string module, std::string name, F f) {
    using Sig = detail::Signature<std::decay_t<F>>;
    using B = detail::Binder<typename Sig::Ret, typename Sig::Args>;
    define_cells(std::move(module), std::move(name), B::type(), B::bind(std::move(f)));
    return *this;
  }
  // An untyped host function of the given type (it may also suspend).
  Linker& func(std::string module, std::string name, FuncType type, HostFunc f);
  // Makes every export of `instance` importable under `module`.
  Linker& instance(std::string module, const Instance& instance);
  bool has(std::string_view module, std::string_view name) const;

 private:
  friend struct detail::Access;
  void define_cells(std::string module, std::string name, FuncType type, detail::CellFunc f);
  std::shared_ptr<detail::LinkerImpl> impl_;
};

}  // namespace wippy
