// wasi_snapshot_preview1 errno values, exactly as the specification numbers them
// (witx `$errno`, u16). Host functions return one of these in their i32 result.
#pragma once

#include <cstdint>

namespace wippy::wasi {

enum class Errno : uint16_t {
  Success = 0,
  TooBig = 1,  // 2big
  Acces = 2,
  AddrInUse = 3,
  AddrNotAvail = 4,
  AfNoSupport = 5,
  Again = 6,
  Already = 7,
  Badf = 8,
  BadMsg = 9,
  Busy = 10,
  Canceled = 11,
  Child = 12,
  ConnAborted = 13,
  ConnRefused = 14,
  ConnReset = 15,
  Deadlk = 16,
  DestAddrReq = 17,
  Dom = 18,
  Dquot = 19,
  Exist = 20,
  Fault = 21,
  Fbig = 22,
  HostUnreach = 23,
  Idrm = 24,
  Ilseq = 25,
  InProgress = 26,
  Intr = 27,
  Inval = 28,
  Io = 29,
  IsConn = 30,
  IsDir = 31,
  Loop = 32,
  Mfile = 33,
  Mlink = 34,
  MsgSize = 35,
  Multihop = 36,
  NameTooLong = 37,
  NetDown = 38,
  NetReset = 39,
  NetUnreach = 40,
  Nfile = 41,
  NoBufs = 42,
  NoDev = 43,
  NoEnt = 44,
  NoExec = 45,
  NoLck = 46,
  NoLink = 47,
  NoMem = 48,
  NoMsg = 49,
  NoProtoOpt = 50,
  NoSpc = 51,
  NoSys = 52,
  NotConn = 53,
  NotDir = 54,
  NotEmpty = 55,
  NotRecoverable = 56,
  NotSock = 57,
  NotSup = 58,
  NoTty = 59,
  Nxio = 60,
  Overflow = 61,
  OwnerDead = 62,
  Perm = 63,
  Pipe = 64,
  Proto = 65,
  ProtoNoSupport = 66,
  ProtoType = 67,
  Range = 68,
  Rofs = 69,
  Spipe = 70,
  Srch = 71,
  Stale = 72,
  TimedOut = 73,
  TxtBsy = 74,
  Xdev = 75,
  NotCapable = 76,
};

inline uint64_t errno_cell(Errno e) { return static_cast<uint64_t>(e); }

// A host errno (<cerrno>) -> the preview1 errno with the same meaning (EIO for a
// host error preview1 has no name for).
Errno errno_from_host(int host_errno);

}  // namespace wippy::wasi
