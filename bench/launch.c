/* launch: run a command (or several, one after another) and print the wall time and the peak
 * RSS, measured from outside.
 *
 *   launch COMMAND [ARG...] [:: COMMAND [ARG...]]...
 *     prints "WALL_US MAXRSS_KIB EXIT": the wall time of the whole sequence, the largest peak RSS
 *     of its processes, and the first non-zero exit status (0 when all succeeded)
 *
 * bench/footprint.sh builds it with `cc -O2 -static` so that the launcher itself maps no shared
 * object and its own start-up is not in the figure: the clock starts just before fork() and stops
 * when wait4() returns, which is when the child has fully exited (its last file closed, the
 * AF_PACKET grace period included). Peak RSS is the child's ru_maxrss from wait4(). The child's
 * stdout and stderr go to /dev/null so that terminal speed is not measured either. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000LL + ts.tv_nsec / 1000;
}

static int run_one(char** argv, int null, long* maxrss) {
  const pid_t pid = fork();
  if (pid < 0) {
    perror("launch: fork");
    exit(2);
  }
  if (pid == 0) {
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    execvp(argv[0], argv);
    _exit(127);
  }
  int status = 0;
  struct rusage ru;
  if (wait4(pid, &status, 0, &ru) < 0) {
    perror("launch: wait4");
    exit(2);
  }
  if (ru.ru_maxrss > *maxrss) *maxrss = ru.ru_maxrss;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: launch COMMAND [ARG...] [:: COMMAND [ARG...]]...\n");
    return 2;
  }
  const int null = open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (null < 0) {
    perror("launch: /dev/null");
    return 2;
  }
  long maxrss = 0;
  int code = 0;
  const long long start = now_us();
  for (int i = 1; i < argc;) {
    int j = i;
    while (j < argc && strcmp(argv[j], "::") != 0) ++j;
    argv[j < argc ? j : argc] = NULL;  /* argv[argc] is NULL already */
    if (j > i) {
      const int c = run_one(argv + i, null, &maxrss);
      if (code == 0) code = c;
    }
    i = j + 1;
  }
  const long long wall = now_us() - start;
  printf("%lld %ld %d\n", wall, maxrss, code);
  return 0;
}
