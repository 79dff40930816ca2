// The wasi_snapshot_preview1 function set and the import groups that enable each
// function: the one table every other layer (registry's import check, add_to_linker,
// tests) reads.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace wippy::wasi {

// The preview1 side of the design's import groups (`imports:` in an entry).
// Sockets and Http have no preview1 functions (WASI 0.2 only).
enum class Group : uint8_t { Cli, Io, Poll, Clocks, Filesystem, Random, Sockets, Http };
inline constexpr Group kAllGroupList[] = {Group::Cli,    Group::Io,         Group::Poll,
                                          Group::Clocks, Group::Filesystem, Group::Random,
                                          Group::Sockets, Group::Http};

// A set of groups (bit i = Group(i)).
using GroupMask = uint32_t;
inline constexpr GroupMask group_bit(Group g) { return GroupMask{1} << static_cast<unsigned>(g); }
inline constexpr GroupMask kAllGroups = (GroupMask{1} << 8) - 1;

// "wasi:cli", "wasi:io", ...
std::string_view group_name(Group g);

struct Preview1Func {
  std::string_view name;
  std::string_view params;  // core signature: 'i' = i32, 'j' = i64; all but proc_exit return an errno
  GroupMask groups;         // any one of these groups enables the function
};

// All 46 functions of wasi_snapshot_preview1, in witx order.
std::span<const Preview1Func> preview1_functions();
// The function named `name`, or null if preview1 has no such function.
const Preview1Func* find_preview1(std::string_view name);
// The groups any one of which enables `name` (the first is the one to suggest);
// empty for a name preview1 does not define.
std::vector<Group> groups_for(std::string_view name);

}  // namespace wippy::wasi
