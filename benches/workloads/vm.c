// Workload "vm": a tiny stack-based bytecode VM (switch dispatch) interpreting a
// generated program: a loop whose body is a PRNG-generated sequence of arithmetic,
// local-variable and stack operations.
// Usage: vm [SCALE]   (default 100; the work grows linearly with SCALE)
// Prints exactly one line:  checksum: <u64>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

enum Op {
  OP_PUSH,   // push imm
  OP_LOAD,   // push locals[imm]
  OP_STORE,  // locals[imm] = pop
  OP_ADD,
  OP_SUB,
  OP_MUL,
  OP_XOR,
  OP_SHR,    // a >> (b & 31)
  OP_DUP,
  OP_SWAP,
  OP_DROP,
  OP_DEC,    // locals[imm] -= 1
  OP_JNZ,    // if locals[imm & 0xff] != 0 goto imm >> 8
  OP_HALT,
};

typedef struct {
  uint8_t op;
  int32_t imm;
} Insn;

#define NLOCALS 8
#define BODY 200
#define MAXCODE 512

static Insn code[MAXCODE];
static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint32_t next_rand(void) {
  uint64_t x = rng_state;
  x ^= x << 13;
  x ^= x >> 7;
  x ^= x << 17;
  rng_state = x;
  return (uint32_t)(x >> 32);
}

// Generates a program: locals[7] is the loop counter; the body keeps the stack
// depth between 0 and 8 and leaves it empty.
static int generate(int32_t iterations) {
  int n = 0;
  code[n++] = (Insn){OP_PUSH, iterations};
  code[n++] = (Insn){OP_STORE, 7};
  int loop = n;
  int depth = 0;
  for (int i = 0; i < BODY; i++) {
    uint32_t r = next_rand();
    if (depth < 2 || (depth < 8 && r % 3 == 0)) {
      if (r & 8) code[n++] = (Insn){OP_LOAD, (int32_t)(r >> 8) % 7};
      else code[n++] = (Insn){OP_PUSH, (int32_t)(r >> 12)};
      depth++;
    } else {
      static const uint8_t binops[] = {OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_SHR, OP_ADD, OP_XOR};
      switch ((r >> 4) % 10) {
        case 0: code[n++] = (Insn){OP_STORE, (int32_t)(r >> 8) % 7}; depth--; break;
        case 1: if (depth < 8) { code[n++] = (Insn){OP_DUP, 0}; depth++; } break;
        case 2: code[n++] = (Insn){OP_SWAP, 0}; break;
        case 3: code[n++] = (Insn){OP_DROP, 0}; depth--; break;
        default: code[n++] = (Insn){binops[(r >> 8) % 7], 0}; depth--; break;
      }
    }
  }
  while (depth > 0) {
    code[n++] = (Insn){OP_STORE, depth % 7};
    depth--;
  }
  code[n++] = (Insn){OP_DEC, 7};
  code[n++] = (Insn){OP_JNZ, (loop << 8) | 7};
  code[n++] = (Insn){OP_HALT, 0};
  return n;
}

static uint64_t run(const Insn* prog, uint32_t* locals, uint64_t* executed) {
  uint32_t stack[64];
  int sp = 0;
  uint64_t count = 0;
  const Insn* pc = prog;
  for (;;) {
    const Insn* in = pc++;
    count++;
    switch (in->op) {
      case OP_PUSH: stack[sp++] = (uint32_t)in->imm; break;
      case OP_LOAD: stack[sp++] = locals[in->imm]; break;
      case OP_STORE: locals[in->imm] = stack[--sp]; break;
      case OP_ADD: sp--; stack[sp - 1] += stack[sp]; break;
      case OP_SUB: sp--; stack[sp - 1] -= stack[sp]; break;
      case OP_MUL: sp--; stack[sp - 1] *= stack[sp]; break;
      case OP_XOR: sp--; stack[sp - 1] ^= stack[sp]; break;
      case OP_SHR: sp--; stack[sp - 1] >>= (stack[sp] & 31); break;
      case OP_DUP: stack[sp] = stack[sp - 1]; sp++; break;
      case OP_SWAP: { uint32_t t = stack[sp - 1]; stack[sp - 1] = stack[sp - 2]; stack[sp - 2] = t; break; }
      case OP_DROP: sp--; break;
      case OP_DEC: locals[in->imm]--; break;
      case OP_JNZ: if (locals[in->imm & 0xff] != 0) pc = prog + (in->imm >> 8); break;
      case OP_HALT: *executed = count; return sp;
      default: abort();
    }
  }
}

int main(int argc, char** argv) {
  long scale = argc > 1 ? atol(argv[1]) : 100;
  uint64_t h = 0xcbf29ce484222325ull;
  for (long r = 0; r < scale; r++) {
    generate(2000);
    uint32_t locals[NLOCALS] = {1, 2, 3, 4, 5, 6, 7, 0};
    locals[r % 7] = (uint32_t)r;
    uint64_t executed = 0;
    uint64_t sp = run(code, locals, &executed);
    for (int i = 0; i < NLOCALS; i++) h = (h ^ locals[i]) * 0x100000001b3ull;
    h = (h ^ executed ^ sp << 40) * 0x100000001b3ull;
  }
  printf("checksum: %llu\n", (unsigned long long)h);
  return 0;
}
