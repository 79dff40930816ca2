// Files and directories in a mount at /data: write, append, read, large I/O (which
// suspends in wippy), directory listing, rename, stat, truncate, pread/pwrite, seek,
// symlinks, hard links, unlink, rmdir. Prints what it sees; leaves a known tree.
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int failures = 0;
#define CHECK(cond)                                              \
  do {                                                           \
    if (!(cond)) {                                               \
      printf("FAIL line %d: %s (errno %d)\n", __LINE__, #cond, errno); \
      failures++;                                                \
    }                                                            \
  } while (0)

static int cmp(const void* a, const void* b) { return strcmp(*(char* const*)a, *(char* const*)b); }

static void list(const char* path) {
  DIR* d = opendir(path);
  CHECK(d != NULL);
  if (!d) return;
  char* names[64];
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) && n < 64) {
    if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
    names[n++] = strdup(e->d_name);
  }
  closedir(d);
  qsort(names, n, sizeof names[0], cmp);
  printf("%s:", path);
  for (int i = 0; i < n; i++) {
    char full[256];
    snprintf(full, sizeof full, "%s/%s", path, names[i]);
    struct stat st;
    CHECK(lstat(full, &st) == 0);
    char kind = S_ISDIR(st.st_mode) ? 'd' : S_ISLNK(st.st_mode) ? 'l' : S_ISREG(st.st_mode) ? 'f' : '?';
    if (kind == 'f')
      printf(" %s(%c,%lld)", names[i], kind, (long long)st.st_size);
    else
      printf(" %s(%c)", names[i], kind);
    free(names[i]);
  }
  printf("\n");
}

int main(void) {
  CHECK(mkdir("/data/dir", 0755) == 0);
  CHECK(mkdir("/data/dir", 0755) == -1 && errno == EEXIST);

  FILE* f = fopen("/data/dir/a.txt", "w");
  CHECK(f != NULL);
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

  // One large write and one large read (above wippy's 64 KiB suspension threshold).
  size_t big = 300 * 1024;
  unsigned char* data = malloc(big);
  for (size_t i = 0; i < big; i++) data[i] = (unsigned char)(i * 7 + (i >> 10));
  int fd = open("/data/dir/big.bin", O_WRONLY | O_CREAT | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, data, big) == (ssize_t)big);
  close(fd);
  unsigned char* back = malloc(big);
  fd = open("/data/dir/big.bin", O_RDONLY);
  size_t got = 0;
  while (got < big) {
    ssize_t r = read(fd, back + got, big - got);
    if (r <= 0) break;
    got += (size_t)r;
  }
  close(fd);
  printf("big.bin: %zu bytes, equal=%d\n", got, got == big && memcmp(data, back, big) == 0);
  free(data);
  free(back);

  // pread / pwrite / lseek / ftruncate.
  fd = open("/data/dir/p.bin", O_RDWR | O_CREAT | O_TRUNC, 0644);
  CHECK(pwrite(fd, "0123456789", 10, 0) == 10);
  CHECK(pwrite(fd, "AB", 2, 4) == 2);
  memset(buf, 0, sizeof buf);
  CHECK(pread(fd, buf, 6, 2) == 6);
  printf("pread: %s\n", buf);
  CHECK(lseek(fd, 0, SEEK_END) == 10);
  CHECK(lseek(fd, -3, SEEK_CUR) == 7);
  CHECK(ftruncate(fd, 5) == 0);
  struct stat st;
  CHECK(fstat(fd, &st) == 0 && st.st_size == 5);
  close(fd);

  // rename, symlink, readlink, hard link.
  CHECK(rename("/data/dir/a.txt", "/data/dir/b.txt") == 0);
  CHECK(access("/data/dir/a.txt", F_OK) == -1 && errno == ENOENT);
  CHECK(symlink("b.txt", "/data/dir/link") == 0);
  memset(buf, 0, sizeof buf);
  CHECK(readlink("/data/dir/link", buf, sizeof buf) == 5);
  printf("readlink: %s\n", buf);
  f = fopen("/data/dir/link", "r");
  CHECK(f != NULL);
  if (f) {
    memset(buf, 0, sizeof buf);
    CHECK(fread(buf, 1, 5, f) == 5);
    printf("through link: %s\n", buf);
    fclose(f);
  }
  CHECK(link("/data/dir/b.txt", "/data/dir/hard") == 0);
  CHECK(stat("/data/dir/hard", &st) == 0 && st.st_nlink == 2);
  CHECK(mkdir("/data/dir/sub", 0755) == 0);
  CHECK(rename("/data/dir/p.bin", "/data/dir/sub/p.bin") == 0);
  list("/data/dir");
  list("/data/dir/sub");

  // Errors.
  CHECK(rmdir("/data/dir") == -1 && errno == ENOTEMPTY);
  CHECK(open("/data/missing/x", O_RDONLY) == -1 && errno == ENOENT);
  CHECK(unlink("/data/dir/sub") == -1 && (errno == EISDIR || errno == EPERM));
  CHECK(open("/data/dir/b.txt/x", O_RDONLY) == -1 && errno == ENOTDIR);
  CHECK(open("/data/dir/b.txt", O_WRONLY | O_CREAT | O_EXCL, 0644) == -1 && errno == EEXIST);

  // Clean up part of it; leave the rest for the host to check.
  CHECK(unlink("/data/dir/hard") == 0);
  CHECK(unlink("/data/dir/link") == 0);
  CHECK(unlink("/data/dir/big.bin") == 0);
  CHECK(mkdir("/data/empty", 0755) == 0);
  CHECK(rmdir("/data/empty") == 0);
  f = fopen("/data/out.txt", "w");
  fprintf(f, "done with %d failures\n", failures);
  fclose(f);
  list("/data");
  list("/data/dir");
  printf("failures: %d\n", failures);
  return failures ? 1 : 0;
}
