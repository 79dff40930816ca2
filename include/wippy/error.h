// What can go wrong: load and link errors, and traps (a code plus the message).
#pragma once

#include <stdexcept>
#include <string>

#include "wippy/trap_code.h"

namespace wippy {

// Every error the API throws for bad input derives from Error (a wrong argument
// count or type is std::invalid_argument).
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// The module cannot be loaded: unreadable file, hash mismatch, malformed or invalid
// binary (the message then ends with "(at byte 0x...)").
class LoadError : public Error {
 public:
  using Error::Error;
};

// The module cannot be instantiated: an unknown import, an import of the wrong type,
// a memory or table over the limits.
class LinkError : public Error {
 public:
  using Error::Error;
};

const char* to_string(TrapCode code);  // "fuel_exhausted", "stack_overflow", ...

struct Trap {
  TrapCode code = TrapCode::HostError;
  std::string message;    // the spec's text, or the host function's message
  std::string backtrace;  // one line per frame, innermost first ("  at func[3] f (offset 0x2a)")
};

// Thrown by calls that run code to completion (Instance::call, the start function).
class TrapError : public Error {
 public:
  explicit TrapError(Trap trap) : Error(trap.message), trap_(std::move(trap)) {}
  const Trap& trap() const { return trap_; }
  TrapCode code() const { return trap_.code; }

 private:
  Trap trap_;
};

}  // namespace wippy
