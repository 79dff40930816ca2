// Relative paths under wasi.cwd: reads in.txt, writes out.txt, both relative, and
// prints what it read.
#include <stdio.h>

int main(void) {
  char buf[128] = {0};
  FILE* in = fopen("in.txt", "r");
  if (!in) {
    perror("open in.txt");
    return 1;
  }
  size_t n = fread(buf, 1, sizeof buf - 1, in);
  fclose(in);
  FILE* out = fopen("out.txt", "w");
  if (!out) {
    perror("open out.txt");
    return 1;
  }
  fprintf(out, "copied: %.*s", (int)n, buf);
  fclose(out);
  printf("read: %.*s", (int)n, buf);
  return 0;
}
