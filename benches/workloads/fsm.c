// Workload "fsm": a big switch state machine (compiled to br_table): a lexer with
// about 30 states scanning generated source text for identifiers, numbers, strings,
// comments and operators, counting tokens by kind.
// Usage: fsm [SCALE]   (default 100; the work grows linearly with SCALE)
// Prints exactly one line:  checksum: <u64>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define TEXT_SIZE (64 * 1024)
static char text[TEXT_SIZE + 1];
static uint64_t rng_state = 0x853c49e6748fea9bull;

static uint32_t next_rand(void) {
  rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
  return (uint32_t)(rng_state >> 33);
}

// Source-like text: words, numbers (decimal, hex, floats), strings with escapes,
// line and block comments, one- and two-character operators, whitespace.
static void generate(void) {
  static const char* pieces[] = {"if", "while", "x1", "_tmp", "count", "0x1F", "42", "3.25e+7", "0.5",
                                 "\"str\\n\"", "'c'", "// note\n", "/* block */", "==", "!=", "<=", ">=",
                                 "&&", "||", "+=", "->", "++", "(", ")", "{", "}", ";", ",", "+", "-",
                                 "*", "/", "%", "<", ">", "=", "!", "&", "|", "^", "~", "?", ":",
                                 " ", "\n", "\t", "  "};
  const int npieces = sizeof pieces / sizeof pieces[0];
  int n = 0;
  while (n < TEXT_SIZE - 16) {
    const char* p = pieces[next_rand() % npieces];
    while (*p && n < TEXT_SIZE - 1) text[n++] = *p++;
    if (next_rand() % 3 == 0) text[n++] = ' ';
  }
  text[n] = 0;
}

enum State {
  S_START, S_IDENT, S_ZERO, S_HEX, S_DEC, S_FRAC, S_EXP, S_EXP_SIGN, S_EXP_DIGITS,
  S_STRING, S_STRING_ESC, S_CHAR, S_CHAR_ESC, S_CHAR_END, S_SLASH, S_LINE_COMMENT,
  S_BLOCK_COMMENT, S_BLOCK_STAR, S_EQ, S_BANG, S_LT, S_GT, S_AMP, S_PIPE, S_PLUS,
  S_MINUS, S_STAR, S_PERCENT, S_CARET, S_SPACE, S_NEWLINE,
};

enum Kind { K_IDENT, K_NUMBER, K_FLOAT, K_STRING, K_CHAR, K_COMMENT, K_OP, K_OP2, K_SPACE, K_LINE, K_ERROR, K_COUNT };

static uint64_t lex(const char* s, uint64_t counts[K_COUNT]) {
  enum State st = S_START;
  uint64_t h = 0;
  for (const char* p = s;; p++) {
    unsigned char c = (unsigned char)*p;
    int emit = -1;  // token kind ended before c (c is then re-scanned from S_START)
    int take = 0;   // token kind ended including c
    switch (st) {
      case S_START:
        if (c == 0) return h;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_') st = S_IDENT;
        else if (c == '0') st = S_ZERO;
        else if (c >= '1' && c <= '9') st = S_DEC;
        else if (c == '"') st = S_STRING;
        else if (c == '\'') st = S_CHAR;
        else if (c == '/') st = S_SLASH;
        else if (c == '=') st = S_EQ;
        else if (c == '!') st = S_BANG;
        else if (c == '<') st = S_LT;
        else if (c == '>') st = S_GT;
        else if (c == '&') st = S_AMP;
        else if (c == '|') st = S_PIPE;
        else if (c == '+') st = S_PLUS;
        else if (c == '-') st = S_MINUS;
        else if (c == '*') st = S_STAR;
        else if (c == '%') st = S_PERCENT;
        else if (c == '^') st = S_CARET;
        else if (c == ' ' || c == '\t') st = S_SPACE;
        else if (c == '\n') st = S_NEWLINE;
        else take = K_OP + 1;
        break;
      case S_IDENT:
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c >= '0' && c <= '9'))) emit = K_IDENT;
        break;
      case S_ZERO:
        if (c == 'x' || c == 'X') st = S_HEX;
        else if (c == '.') st = S_FRAC;
        else if (c >= '0' && c <= '9') st = S_DEC;
        else emit = K_NUMBER;
        break;
      case S_HEX:
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'))) emit = K_NUMBER;
        break;
      case S_DEC:
        if (c == '.') st = S_FRAC;
        else if (c == 'e' || c == 'E') st = S_EXP;
        else if (!(c >= '0' && c <= '9')) emit = K_NUMBER;
        break;
      case S_FRAC:
        if (c == 'e' || c == 'E') st = S_EXP;
        else if (!(c >= '0' && c <= '9')) emit = K_FLOAT;
        break;
      case S_EXP:
        if (c == '+' || c == '-') st = S_EXP_SIGN;
        else if (c >= '0' && c <= '9') st = S_EXP_DIGITS;
        else emit = K_ERROR;
        break;
      case S_EXP_SIGN:
        if (c >= '0' && c <= '9') st = S_EXP_DIGITS;
        else emit = K_ERROR;
        break;
      case S_EXP_DIGITS:
        if (!(c >= '0' && c <= '9')) emit = K_FLOAT;
        break;
      case S_STRING:
        if (c == '\\') st = S_STRING_ESC;
        else if (c == '"') take = K_STRING + 1;
        else if (c == 0 || c == '\n') emit = K_ERROR;
        break;
      case S_STRING_ESC: if (c) st = S_STRING; else emit = K_ERROR; break;
      case S_CHAR:
        if (c == '\\') st = S_CHAR_ESC;
        else if (c == 0 || c == '\n') emit = K_ERROR;
        else st = S_CHAR_END;
        break;
      case S_CHAR_ESC: if (c) st = S_CHAR_END; else emit = K_ERROR; break;
      case S_CHAR_END:
        if (c == '\'') take = K_CHAR + 1;
        else emit = K_ERROR;
        break;
      case S_SLASH:
        if (c == '/') st = S_LINE_COMMENT;
        else if (c == '*') st = S_BLOCK_COMMENT;
        else emit = K_OP;
        break;
      case S_LINE_COMMENT:
        if (c == '\n' || c == 0) emit = K_COMMENT;
        break;
      case S_BLOCK_COMMENT:
        if (c == '*') st = S_BLOCK_STAR;
        else if (c == 0) emit = K_ERROR;
        break;
      case S_BLOCK_STAR:
        if (c == '/') take = K_COMMENT + 1;
        else if (c == 0) emit = K_ERROR;
        else if (c != '*') st = S_BLOCK_COMMENT;
        break;
      case S_EQ: case S_BANG: case S_LT: case S_GT: case S_PERCENT: case S_CARET: case S_STAR:
        if (c == '=') take = K_OP2 + 1;
        else emit = K_OP;
        break;
      case S_AMP: if (c == '&') take = K_OP2 + 1; else emit = K_OP; break;
      case S_PIPE: if (c == '|') take = K_OP2 + 1; else emit = K_OP; break;
      case S_PLUS: if (c == '+' || c == '=') take = K_OP2 + 1; else emit = K_OP; break;
      case S_MINUS: if (c == '-' || c == '=' || c == '>') take = K_OP2 + 1; else emit = K_OP; break;
      case S_SPACE: if (c != ' ' && c != '\t') emit = K_SPACE; break;
      case S_NEWLINE: if (c != '\n') emit = K_LINE; break;
    }
    if (take) {
      counts[take - 1]++;
      h = (h ^ (uint64_t)(take - 1) ^ ((uint64_t)(p - s) << 8)) * 0x100000001b3ull;
      st = S_START;
    } else if (emit >= 0) {
      counts[emit]++;
      h = (h ^ (uint64_t)emit ^ ((uint64_t)(p - s) << 8)) * 0x100000001b3ull;
      st = S_START;
      p--;  // re-scan c
    }
  }
}

int main(int argc, char** argv) {
  long scale = argc > 1 ? atol(argv[1]) : 100;
  generate();
  uint64_t h = 0xcbf29ce484222325ull;
  uint64_t counts[K_COUNT] = {0};
  for (long i = 0; i < scale * 4; i++) {
    text[(i * 7919) % (TEXT_SIZE - 16)] = "a1 \"/+\n"[i % 7];  // vary the input a little
    h = (h ^ lex(text, counts)) * 0x100000001b3ull;
  }
  for (int k = 0; k < K_COUNT; k++) h = (h ^ counts[k]) * 0x100000001b3ull;
  printf("checksum: %llu\n", (unsigned long long)h);
  return 0;
}
