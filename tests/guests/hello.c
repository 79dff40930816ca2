// A minimal WASI command: greets, prints its arguments, and exits with the code given
// as an argument "exit=N" (through exit() -> proc_exit), else returns 0 from main.
// With the first argument "stderr" it also writes to stderr; with "cat" it copies its
// standard input to standard output.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char** argv) {
  printf("hello from wasm\n");
  int code = 0;
  for (int i = 1; i < argc; i++) {
    printf("arg %d: %s\n", i, argv[i]);
    if (strncmp(argv[i], "exit=", 5) == 0) code = atoi(argv[i] + 5);
  }
  if (argc > 1 && strcmp(argv[1], "stderr") == 0) fprintf(stderr, "to stderr\n");
  if (argc > 1 && strcmp(argv[1], "cat") == 0) {
    char buf[256];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) fwrite(buf, 1, n, stdout);
  }
  fflush(stdout);
  if (code != 0) exit(code);
  return 0;
}
