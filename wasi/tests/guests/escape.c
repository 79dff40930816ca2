// Tries to leave the mount at /data: `..`, an absolute path no mount covers, symlinks
// (made by the host) that point out of the mount, absolute and relative, and changes
// through `..`. Every attempt must be refused. Then reads random bytes and writes a
// line to stderr.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int escaped = 0;

static void try_open(const char* what, const char* path, int flags) {
  int fd = open(path, flags, 0644);
  printf("%s: %s\n", what, fd >= 0 ? "OPENED" : "refused");
  if (fd >= 0) {
    escaped++;
    close(fd);
  }
}

static void try_change(const char* what, int r) {
  printf("%s: %s\n", what, r == 0 ? "DONE" : "refused");
  if (r == 0) escaped++;
}

int main(void) {
  try_open("dotdot", "/data/../secret.txt", O_RDONLY);
  try_open("dotdot deep", "/data/sub/../../secret.txt", O_RDONLY);
  try_open("absolute", "/secret.txt", O_RDONLY);
  try_open("symlink out absolute", "/data/out_abs", O_RDONLY);
  try_open("symlink out relative", "/data/out_rel", O_RDONLY);
  try_open("create through dotdot", "/data/../created.txt", O_WRONLY | O_CREAT);
  try_change("mkdir through dotdot", mkdir("/data/../newdir", 0755));
  try_change("unlink through dotdot", unlink("/data/../secret.txt"));
  try_change("rename out", rename("/data/inside.txt", "/data/../moved.txt"));
  struct stat st;
  try_change("stat through symlink", stat("/data/out_rel", &st));

  // Every descriptor the guest closes is freed: far more opens than the table holds.
  int reopened = 0;
  for (int i = 0; i < 300; i++) {
    int fd = open("/data/inside.txt", O_RDONLY);
    if (fd < 0) break;
    close(fd);
    reopened++;
  }
  printf("reopened 300 times: %s\n", reopened == 300 ? "ok" : "FAILED");

  unsigned char a[32], b[32];
  int ok = getentropy(a, sizeof a) == 0 && getentropy(b, sizeof b) == 0 && memcmp(a, b, sizeof a) != 0;
  printf("random: %s\n", ok ? "ok" : "BAD");
  fprintf(stderr, "escaped %d times\n", escaped);
  return escaped ? 1 : 0;
}
