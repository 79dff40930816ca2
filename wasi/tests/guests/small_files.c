// Files: create, write, append, read back, list, rename, stat, unlink, rmdir in the
// mount at /data, and a 200 KiB write and read from a static buffer (large I/O,
// which suspends in wippy). Prints what it sees. (fs_ops.c does more, but its heap
// buffer trips jco's preview1 adapter: see p2_command_test.cpp.)
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void list(const char* path) {
  DIR* d = opendir(path);
  if (!d) {
    printf("%s: cannot list\n", path);
    return;
  }
  char names[16][64];
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) && n < 16) {
    if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) snprintf(names[n++], 64, "%s", e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof names[0], (int (*)(const void*, const void*))strcmp);
  printf("%s:", path);
  for (int i = 0; i < n; i++) printf(" %s", names[i]);
  printf("\n");
}

static unsigned char big[200 * 1024], back[200 * 1024];

int main(void) {
  printf("mkdir: %d\n", mkdir("/data/dir", 0755));
  FILE* f = fopen("/data/dir/a.txt", "w");
  fputs("hello\n", f);
  fclose(f);
  f = fopen("/data/dir/a.txt", "a");
  fputs("world\n", f);
  fclose(f);
  char buf[64] = {0};
  f = fopen("/data/dir/a.txt", "r");
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  printf("a.txt (%zu bytes): %s", n, buf);
  printf("rename: %d\n", rename("/data/dir/a.txt", "/data/dir/b.txt"));
  struct stat st;
  printf("stat b.txt: %d size=%lld\n", stat("/data/dir/b.txt", &st), (long long)st.st_size);
  f = fopen("/data/dir/c.txt", "w");
  fputs("c", f);
  fclose(f);
  list("/data/dir");
  printf("unlink c.txt: %d\n", unlink("/data/dir/c.txt"));
  printf("rmdir non-empty: %d\n", rmdir("/data/dir"));
  list("/data/dir");
  for (size_t i = 0; i < sizeof big; i++) big[i] = (unsigned char)(i * 7 + (i >> 10));
  int fd = open("/data/big.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  ssize_t w = write(fd, big, sizeof big);
  close(fd);
  fd = open("/data/big.bin", O_RDONLY);
  size_t got = 0;
  for (;;) {
    ssize_t r = read(fd, back + got, sizeof back - got);
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  printf("big.bin: wrote %zd, read %zu, equal=%d\n", w, got, got == sizeof big && memcmp(big, back, got) == 0);
  return 0;
}
