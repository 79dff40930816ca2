// Opens argv[1] (a FIFO in a mount) for reading and copies it to stdout until end of
// file, then prints how many bytes it read. Exits 1 if the open or a read fails.
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) return 1;
  int fd = open(argv[1], O_RDONLY);
  if (fd < 0) {
    perror("open");
    return 1;
  }
  char buf[256];
  long total = 0;
  for (;;) {
    ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0) {
      perror("read");
      return 1;
    }
    if (n == 0) break;
    fwrite(buf, 1, (size_t)n, stdout);
    total += n;
  }
  printf("\nread %ld bytes\n", total);
  return 0;
}
