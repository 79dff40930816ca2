// A minimal WASI command: greets, prints its arguments, and exits with the code given
// as an argument "exit=N" (through exit() -> proc_exit), else returns 0 from main.
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
  fflush(stdout);
  if (code != 0) exit(code);
  return 0;
}
