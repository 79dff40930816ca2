// Store (limits, fuel, host state), Memory views and what a host function sees (Caller).
#include <algorithm>
#include <stdexcept>
#include <string>

#include "api/impl.h"

namespace wippy {

namespace detail {

namespace {

engine::StoreLimits store_limits(const Limits& l) {
  engine::StoreLimits out;
  out.fuel = l.fuel;
  out.max_memory_pages = l.max_memory_pages;
  out.max_call_depth = l.max_call_depth;
  out.max_stack_cells = l.max_stack_cells;
  out.max_table_size = l.max_table_size;
  return out;
}

}  // namespace

StoreImpl::StoreImpl(const Limits& l)
    : limits(l), store(std::make_shared<engine::Store>(store_limits(l))) {}

StoreImpl::~StoreImpl() {
  store.reset();  // the instances first: their host functions may use the host state
  if (destroy) destroy(data);
}

Store Access::store(std::shared_ptr<StoreImpl> impl) {
  Store s;
  s.impl_ = std::move(impl);
  return s;
}

Memory Access::memory(engine::Memory* m, std::shared_ptr<StoreImpl> store) {
  Memory out;
  out.memory_ = m;
  out.store_ = std::move(store);
  return out;
}

Caller Access::caller(engine::HostCall& call, std::shared_ptr<StoreImpl> store) {
  Caller c;
  c.call_ = &call;
  c.store_ = std::move(store);
  return c;
}

}  // namespace detail

Store::Store(Limits limits) : impl_(std::make_shared<detail::StoreImpl>(limits)) {}

const Limits& Store::limits() const { return impl_->limits; }

uint64_t Store::fuel_consumed() const { return impl_->store->fuel_consumed; }

void Store::set_data(void* value, void (*destroy)(void*), const std::type_info& type) {
  if (impl_->destroy) impl_->destroy(impl_->data);
  impl_->data = value;
  impl_->destroy = destroy;
  impl_->data_type = &type;
}

void* Store::data_of(const std::type_info& type) const {
  if (!impl_->data_type) throw std::logic_error("the store has no host state (Store::emplace_data)");
  if (*impl_->data_type != type) {
    throw std::logic_error(std::string("the store's host state is a ") + impl_->data_type->name() +
                           ", not a " + type.name());
  }
  return impl_->data;
}

namespace {

engine::Memory& mem(void* m) { return *static_cast<engine::Memory*>(m); }

void check_range(const engine::Memory& m, uint64_t offset, uint64_t length) {
  if (offset > m.size || length > m.size - offset) {
    throw std::out_of_range("memory access out of bounds: offset " + std::to_string(offset) + ", length " +
                            std::to_string(length) + ", memory size " + std::to_string(m.size));
  }
}

}  // namespace

uint64_t Memory::size() const { return mem(memory_).size; }

uint32_t Memory::pages() const { return mem(memory_).pages; }

std::span<uint8_t> Memory::data() const { return {mem(memory_).data, mem(memory_).size}; }

void Memory::read(uint64_t offset, std::span<uint8_t> out) const {
  check_range(mem(memory_), offset, out.size());
  std::copy_n(mem(memory_).data + offset, out.size(), out.data());
}

void Memory::write(uint64_t offset, std::span<const uint8_t> bytes) const {
  check_range(mem(memory_), offset, bytes.size());
  std::copy(bytes.begin(), bytes.end(), mem(memory_).data + offset);
}

int64_t Memory::grow(uint32_t delta_pages) const { return mem(memory_).grow(delta_pages); }

Memory Caller::memory(uint32_t index) const {
  engine::Memory* m = static_cast<engine::HostCall*>(call_)->memory(index);
  if (!m) throw std::out_of_range("the calling instance has no memory " + std::to_string(index));
  return detail::Access::memory(m, store_);
}

bool Caller::charge(uint64_t units) const { return static_cast<engine::HostCall*>(call_)->charge(units); }

Store Caller::store() const { return detail::Access::store(store_); }

}  // namespace wippy
