// What kind of trap it is: the message is for people, the code for programs. The
// one enum for traps, shared by the public API and the interpreter (which includes
// this header), so a code needs no translation on its way out.
#pragma once

#include <cstdint>

namespace wippy {

enum class TrapCode : uint8_t {
  FuelExhausted,             // "fuel exhausted": the fuel limit is used up (or a refused host charge)
  StackOverflow,             // "call stack exhausted": call depth or value stack
  MemoryOutOfBounds,         // "out of bounds memory access"
  TableOutOfBounds,          // "out of bounds table access"
  Unreachable,               // "unreachable"
  IntegerDivideByZero,       // "integer divide by zero"
  IntegerOverflow,           // "integer overflow"
  InvalidConversion,         // "invalid conversion to integer"
  IndirectCallTypeMismatch,  // "indirect call type mismatch"
  UndefinedElement,          // "undefined element"
  UninitializedElement,      // "uninitialized element N"
  HostError,                 // a host function failed (its message)
};

}  // namespace wippy
