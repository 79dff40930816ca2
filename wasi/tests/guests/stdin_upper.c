// Copies stdin to stdout in upper case; exits with the number of lines modulo 256.
#include <ctype.h>
#include <stdio.h>

int main(void) {
  int c, lines = 0;
  while ((c = getchar()) != EOF) {
    if (c == '\n') lines++;
    putchar(toupper(c));
  }
  return lines % 256;
}
