// Command-line parsing for `wippy wasm`, and conversion of --invoke arguments and
// results between text and value cells.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "engine/types.h"

namespace wippy::cli {

// A bad command line; the message is one line, without the program name.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct WasmOptions {
  std::string file;
  std::optional<std::string> invoke;  // --invoke NAME
  std::vector<std::string> args;      // guest arguments or --invoke values
  uint64_t fuel = 0;                  // --fuel N: total fuel limit; 0 = unlimited
  int64_t slice = 0;                  // --slice N: budget per run() call; 0 = unlimited
  bool stats = false;                 // --stats
  bool fuel_metering = true;          // --no-fuel-metering (benchmarks: what metering costs)
  bool eager_translation = false;     // --eager-translation (benchmarks: what lazy translation saves)
  bool help = false;                  // -h / --help
  // --dir HOST[::GUEST] / --ro-dir HOST[::GUEST]: preopened directories (GUEST
  // defaults to HOST; a relative GUEST gets a leading '/').
  struct Mount {
    std::string host;
    std::string guest;
    bool read_only = false;
  };
  std::vector<Mount> mounts;
  std::vector<std::string> env;  // --env NAME=VALUE (NAME alone: the host's value, if it has one)
  uint32_t max_memory_pages = 0;  // --max-memory SIZE (bytes, K, M, G): pages per memory; 0 = default
  uint64_t timeout_ms = 0;        // --timeout DURATION (ms, s, m): wall-clock limit; 0 = none
};

// Parses the words after `wasm` (with CLI11). Options may appear anywhere, before the
// module as in wasmtime or after it; words that start with a single '-' (such as -5,
// -1.5 or -x) are arguments; everything after `--` is an argument. Throws UsageError
// with a one-line message.
WasmOptions parse_wasm_options(std::span<const std::string> words);

// Text -> one value cell for a parameter of type `t`: i32/i64 as decimal (negative or
// up to the unsigned maximum) or 0x-hex, f32/f64 as decimal, hex float, inf or nan.
// Throws UsageError naming the argument.
uint64_t parse_value(engine::ValType t, std::string_view text);

// Value cells -> text: integers as signed decimal, floats as the shortest decimal that
// reads back to the same bits. `cells` holds engine::cell_count(t) cells.
std::string format_value(engine::ValType t, const uint64_t* cells);

}  // namespace wippy::cli
