// Component values written as text, for the command line (`wippy wasm --invoke`,
// `wippy run`): the WebAssembly Value Encoding (WAVE) that `to_string` prints, e.g.
//   42   -1.5   nan   true   'x'   "a \"quoted\" string\n"   [1, 2, 3]   (1, "a")
//   {name: "bob", age: 42}   circle(1.5)   red   some(3)   none   ok("x")   err(2)
//   {read, write}   (flags)
// A record may leave out option fields (they are none). At the top level a `string`
// parameter takes the text as it is, unless it starts with a double quote.
#pragma once

#include <stdexcept>
#include <string_view>

#include "component/types.h"
#include "component/value.h"

namespace wippy::component {

class ValueTextError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws ValueTextError "expected u32, got `x` (at character 3)" and the like.
Value parse_value_text(std::string_view text, const Type& t);

}  // namespace wippy::component
