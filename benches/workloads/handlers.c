// Workload "handlers": a register-machine bytecode interpreter whose instructions are
// executed through a table of handler functions (call_indirect per instruction), as
// interpreters written with function-pointer dispatch and plugin/callback-heavy code
// run. The program is a generated loop of arithmetic, compare-and-branch, memory and
// call-like instructions.
// Usage: handlers [SCALE]   (default 100; the work grows linearly with SCALE)
// Prints exactly one line:  checksum: <u64>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define NREGS 16
#define MEM_WORDS 1024
#define BODY 120

typedef struct Machine Machine;
typedef struct {
  uint8_t op, a, b, c;
  int32_t imm;
} Insn;
typedef int (*Handler)(Machine* m, const Insn* in);  // returns the next pc

struct Machine {
  uint32_t regs[NREGS];
  uint32_t mem[MEM_WORDS];
  int pc;
  uint32_t calls;
};

static int op_add(Machine* m, const Insn* in) { m->regs[in->a] = m->regs[in->b] + m->regs[in->c]; return m->pc + 1; }
static int op_sub(Machine* m, const Insn* in) { m->regs[in->a] = m->regs[in->b] - m->regs[in->c]; return m->pc + 1; }
static int op_mul(Machine* m, const Insn* in) { m->regs[in->a] = m->regs[in->b] * m->regs[in->c]; return m->pc + 1; }
static int op_xor(Machine* m, const Insn* in) { m->regs[in->a] = m->regs[in->b] ^ m->regs[in->c]; return m->pc + 1; }
static int op_rotl(Machine* m, const Insn* in) {
  uint32_t x = m->regs[in->b], s = m->regs[in->c] & 31;
  m->regs[in->a] = s ? (x << s) | (x >> (32 - s)) : x;
  return m->pc + 1;
}
static int op_addi(Machine* m, const Insn* in) { m->regs[in->a] = m->regs[in->b] + (uint32_t)in->imm; return m->pc + 1; }
static int op_load(Machine* m, const Insn* in) { m->regs[in->a] = m->mem[(m->regs[in->b] + (uint32_t)in->imm) % MEM_WORDS]; return m->pc + 1; }
static int op_store(Machine* m, const Insn* in) { m->mem[(m->regs[in->b] + (uint32_t)in->imm) % MEM_WORDS] = m->regs[in->a]; return m->pc + 1; }
static int op_bnz(Machine* m, const Insn* in) { return m->regs[in->a] ? in->imm : m->pc + 1; }
static int op_blt(Machine* m, const Insn* in) { return m->regs[in->a] < m->regs[in->b] ? in->imm : m->pc + 1; }
static int op_mix(Machine* m, const Insn* in) {  // a "call": hashes a register window
  uint32_t h = 2166136261u;
  for (int i = 0; i < 4; i++) h = (h ^ m->regs[(in->b + i) % NREGS]) * 16777619u;
  m->regs[in->a] = h;
  m->calls++;
  return m->pc + 1;
}
static int op_dec(Machine* m, const Insn* in) { m->regs[in->a] -= 1; return m->pc + 1; }
static int op_halt(Machine* m, const Insn* in) { (void)m; (void)in; return -1; }

enum { OP_ADD, OP_SUB, OP_MUL, OP_XOR, OP_ROTL, OP_ADDI, OP_LOAD, OP_STORE, OP_MIX, OP_BLT, OP_BNZ, OP_DEC, OP_HALT };
static const Handler handlers[] = {op_add, op_sub, op_mul, op_xor, op_rotl, op_addi, op_load,
                                   op_store, op_mix, op_blt, op_bnz, op_dec, op_halt};

static Insn code[BODY + 8];
static uint64_t rng_state = 0x6a09e667f3bcc909ull;
static uint32_t next_rand(void) {
  rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(rng_state >> 33);
}

// r15 counts the outer loop down; the body is straight-line work with short forward
// branches (blt skips the next instruction), registers 0..14.
static int generate(int32_t iterations) {
  int n = 0;
  code[n++] = (Insn){OP_ADDI, 15, 15, 0, iterations};
  int loop = n;
  for (int i = 0; i < BODY; i++) {
    uint32_t r = next_rand();
    uint8_t a = (uint8_t)(r % 15), b = (uint8_t)((r >> 4) % 15), c = (uint8_t)((r >> 8) % 15);
    uint8_t op = (uint8_t)((r >> 12) % 10);  // OP_ADD..OP_BLT
    int32_t imm = (int32_t)(r >> 16);
    if (op == OP_BLT) imm = n + 2;
    code[n++] = (Insn){op, a, b, c, imm};
  }
  code[n++] = (Insn){OP_DEC, 15, 0, 0, 0};
  code[n++] = (Insn){OP_BNZ, 15, 0, 0, loop};
  code[n++] = (Insn){OP_HALT, 0, 0, 0, 0};
  code[n] = (Insn){OP_HALT, 0, 0, 0, 0};  // a blt at the end of the body may jump here
  return n;
}

static void run(Machine* m) {
  m->pc = 0;
  while (m->pc >= 0) m->pc = handlers[code[m->pc].op](m, &code[m->pc]);
}

int main(int argc, char** argv) {
  long scale = argc > 1 ? atol(argv[1]) : 100;
  static Machine m;
  for (int i = 0; i < NREGS - 1; i++) m.regs[i] = (uint32_t)i * 0x9e3779b9u;  // r15: the loop counter
  generate((int32_t)(scale * 2000));
  run(&m);
  uint64_t h = 0xcbf29ce484222325ull;
  for (int i = 0; i < NREGS; i++) h = (h ^ m.regs[i]) * 0x100000001b3ull;
  for (int i = 0; i < MEM_WORDS; i += 7) h = (h ^ m.mem[i]) * 0x100000001b3ull;
  h = (h ^ m.calls) * 0x100000001b3ull;
  printf("checksum: %llu\n", (unsigned long long)h);
  return 0;
}
