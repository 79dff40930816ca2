// The `wit:` text of a core module entry (design.md section 10): function
// signatures that give a core module's exports typed params and results through
// the canonical ABI. The subset we read:
//
//   // comments
//   record point { x: s32, y: s32 }          variant shape { circle(f64), none }
//   enum color { red, green }                flags perms { read, write }
//   type name = list<point>;
//   [export] name: func(a: s32, b: string) -> result<string, string>;
//
// Types: bool, s8..s64, u8..u64, f32/float32, f64/float64, char, string, list<T>,
// option<T>, result, result<T>, result<T, E>, result<_, E>, tuple<...> and the
// names declared in the text (in any order). Not supported (a clear error): resources,
// interfaces and worlds, `use`, several named results, imports.
#pragma once

#include <map>
#include <stdexcept>
#include <string>
#include <string_view>

#include "component/types.h"

namespace wippy::component {

class WitError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Function types by name. Throws WitError "line 3: expected `:` after `name`, got `(`".
std::map<std::string, TypePtr, std::less<>> parse_wit_funcs(std::string_view text);

}  // namespace wippy::component
