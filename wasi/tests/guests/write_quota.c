// Grows files on the writable mount /data under a write quota set by the test
// (wasi.max_write_bytes): prints what each write, pwrite and ftruncate returned.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static char buf[100000];

static void report(const char* what, long r) {
  if (r < 0) printf("%s: %s\n", what, strerror(errno));
  else printf("%s: %ld\n", what, r);
}

int main(void) {
  memset(buf, 'q', sizeof buf);
  int fd = open("/data/a.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    printf("open: %s\n", strerror(errno));
    return 1;
  }
  report("write 100000", write(fd, buf, 100000));
  report("write 30000", write(fd, buf, 30000));
  report("write 100000 more", write(fd, buf, 100000));
  report("write 1 more", write(fd, buf, 1));
  lseek(fd, 0, SEEK_SET);
  report("overwrite 30000", write(fd, buf, 30000));
  report("pwrite past the end", pwrite(fd, buf, 10, 200000));
  report("pwrite inside", pwrite(fd, buf, 10, 199990));
  report("grow by ftruncate", ftruncate(fd, 200001));
  report("shrink by ftruncate", ftruncate(fd, 1000));
  lseek(fd, 0, SEEK_END);
  report("write after shrinking", write(fd, buf, 1));
  close(fd);
  int other = open("/data/b.bin", O_WRONLY | O_CREAT, 0644);
  report("write another file", write(other, buf, 1));
  close(other);
  return 0;
}
