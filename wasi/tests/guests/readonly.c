// A read-only mount at /ro (with file.txt and dir/) and a writable one at /data:
// reading works, every change to /ro fails with EROFS.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

static void report(const char* what, int r) { printf("%s: %s\n", what, r == 0 ? "ok" : strerror(errno)); }

int main(void) {
  char buf[32] = {0};
  FILE* f = fopen("/ro/file.txt", "r");
  report("read", f && fread(buf, 1, sizeof buf - 1, f) > 0 ? 0 : -1);
  if (f) fclose(f);
  printf("content: %s", buf);
  errno = 0;
  report("open for write", open("/ro/file.txt", O_WRONLY) >= 0 ? 0 : -1);
  report("create", open("/ro/new.txt", O_WRONLY | O_CREAT, 0644) >= 0 ? 0 : -1);
  report("truncate", open("/ro/file.txt", O_RDWR | O_TRUNC) >= 0 ? 0 : -1);
  report("mkdir", mkdir("/ro/newdir", 0755));
  report("rmdir", rmdir("/ro/dir"));
  report("unlink", unlink("/ro/file.txt"));
  report("rename within", rename("/ro/file.txt", "/ro/moved.txt"));
  report("rename out", rename("/ro/file.txt", "/data/moved.txt"));
  report("rename in", rename("/data/w.txt", "/ro/w.txt"));
  report("symlink", symlink("file.txt", "/ro/link"));
  report("link out", link("/ro/file.txt", "/data/hard"));
  report("utimes", utimes("/ro/file.txt", NULL));
  int fd = open("/ro/file.txt", O_RDONLY);
  report("ftruncate", ftruncate(fd, 0));
  report("write on read fd", write(fd, "x", 1) == 1 ? 0 : -1);
  close(fd);
  printf("erofs=%d\n", EROFS);
  return 0;
}
