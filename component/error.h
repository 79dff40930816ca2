// Errors of the component layer: a bad component binary (with its byte offset), a
// failed link, and a trap while lifting or lowering values across the canonical ABI.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

namespace wippy::component {

// A component the decoder refuses: malformed bytes, an invalid definition, or a
// feature we do not support (named in the message).
class ComponentError : public std::runtime_error {
 public:
  enum class Kind { Malformed, Invalid, Unsupported };
  ComponentError(Kind kind, const std::string& message, size_t offset)
      : std::runtime_error(message), kind_(kind), offset_(offset) {}
  Kind kind() const { return kind_; }
  size_t offset() const { return offset_; }
  // "message (at byte 0x1f)"
  std::string describe() const;

 private:
  Kind kind_;
  size_t offset_;
};

// Instantiation failed: an import the host does not provide, a core module whose
// imports do not match, a trap in a core start function.
class LinkError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A call failed: a trap in the guest, a value the canonical ABI refuses (invalid
// UTF-8, a list outside memory, a bad discriminant), a wrong host argument, or an
// unknown export. The message names the parameter or result concerned.
class CallError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace wippy::component
