// The canonical ABI (CanonicalABI.md): lifting component values out of a guest's
// core values and linear memory, and lowering them back in. Every read and write is
// bounds-checked; a value the ABI refuses throws CallError with a message that
// names the parameter or result concerned.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "component/component.h"
#include "component/value.h"
#include "engine/host.h"

namespace wippy::component {

// Canonical options resolved to runtime objects.
struct LiveOptions {
  StringEncoding encoding = StringEncoding::Utf8;
  engine::Memory* memory = nullptr;
  engine::FuncInst* realloc = nullptr;
  engine::FuncInst* post_return = nullptr;
};

// Resource handles one component instance may hold at once (12 bytes each).
constexpr size_t kMaxHandles = 1u << 20;

// The handles a component instance holds (one table per instance, index 0 unused),
// and what the resources it can see do when an owned handle is dropped.
class Resources {
 public:
  struct Handle {
    const Type* resource = nullptr;  // null: a free slot
    uint32_t rep = 0;
    bool own = false;
  };
  uint32_t add(Handle h);
  // The live handle at `index`; throws CallError naming the index.
  Handle& get(uint32_t index);
  Handle remove(uint32_t index);
  size_t live() const { return live_; }

  // Resources defined by this component (with their destructor, or null).
  std::unordered_map<const Type*, engine::FuncInst*> defined;
  // Resources the host implements: what to do when the guest drops an owned one.
  std::unordered_map<const Type*, std::function<void(uint32_t rep)>> host_drops;

 private:
  std::vector<Handle> table_{Handle{}};
  std::vector<uint32_t> free_;
  size_t live_ = 0;
};

// Largest string or list, in bytes (MAX_STRING_BYTE_LENGTH, MAX_LIST_BYTE_LENGTH).
constexpr uint64_t kMaxByteLength = (1u << 28) - 1;
// Host memory one call may spend on lifted values (about 64 bytes per value plus
// string bytes), so a guest cannot make the host allocate without bound.
constexpr uint64_t kMaxLiftedBytes = 256u << 20;

// How errors name the values of Abi::lift_values and lower_values: a function's
// parameters ("param `xs`"), or its result ("result").
struct ValueNames {
  const std::vector<Field>* params = nullptr;  // null: the result
  std::string operator()(size_t i) const;
};

class Abi {
 public:
  Abi(engine::Store& store, const LiveOptions& options, Resources& resources)
      : store_(store), opts_(options), resources_(resources) {}

  // Lifts the values of `types` from flat core values, or from the tuple that the
  // single pointer in `cells` points at when they do not fit in `max_flat`.
  // `names` labels each value in errors.
  std::vector<Value> lift_values(const std::vector<const Type*>& types, const ValueNames& names,
                                 std::span<const uint64_t> cells, size_t max_flat);
  // Lowers values to flat core values; when they do not fit in `max_flat`, stores
  // them as a tuple at `out_ptr` if given, else in memory allocated with realloc
  // (and returns that pointer).
  std::vector<uint64_t> lower_values(const std::vector<const Type*>& types, const ValueNames& names,
                                     const std::vector<Value>& values, size_t max_flat,
                                     std::optional<uint32_t> out_ptr = std::nullopt);

  Value lift_flat(const Type& t, std::span<const uint64_t> cells, size_t& pos);
  void lower_flat(const Value& v, const Type& t, std::vector<uint64_t>& out);
  Value load(const Type& t, uint32_t ptr);
  void store(const Value& v, const Type& t, uint32_t ptr);

  // Borrow handles lowered into the guest during this call (removed when it ends).
  const std::vector<uint32_t>& lent_borrows() const { return borrows_; }

 private:
  engine::Memory& memory();
  bool in_memory(uint64_t ptr, uint64_t len);
  // Throws "<what> at 0x.. (N bytes) is outside memory (M bytes)" unless in memory.
  void check_range(uint64_t ptr, uint64_t len, const char* what);
  uint32_t allocate(uint32_t align, uint32_t size);
  void charge(uint64_t bytes);
  Value lift_string(uint32_t ptr, uint32_t tagged_units);
  std::pair<uint32_t, uint32_t> lower_string(const std::string& s);
  Value lift_list(const Type& elem, uint32_t ptr, uint32_t length);
  std::pair<uint32_t, uint32_t> lower_list(const Value& v, const Type& elem);
  Value lift_own(const Type& t, uint32_t index);
  Value lift_borrow(const Type& t, uint32_t index);
  uint32_t lower_handle(const Value& v, const Type& t);
  uint64_t load_int(uint32_t ptr, uint32_t size);
  void store_int(uint32_t ptr, uint32_t size, uint64_t v);

  engine::Store& store_;
  const LiveOptions& opts_;
  Resources& resources_;
  uint64_t lifted_bytes_ = 0;
  std::vector<uint32_t> borrows_;
};

// Checks that a host value fits a type before it is lowered: its kind, integer
// range, char, UTF-8, case index and payload, field count. Throws CallError
// "expected <type>, got <kind>" and the like.
void check_value(const Value& v, const Type& t);

// Runs a core function to completion (realloc, post-return, start functions).
// Throws CallError with `what` and the trap.
std::vector<uint64_t> run_core(engine::Store& store, engine::FuncInst* f, std::span<const uint64_t> args,
                               const std::string& what);

}  // namespace wippy::component
