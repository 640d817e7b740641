/* Runs a command and reports its wall time, CPU time and peak RSS, from wait4 (like GNU time).
 *
 * Why not os.wait4 in the Python driver directly: on Linux a child's ru_maxrss starts from the
 * peak RSS of the process it was forked from (exec records the old address space's high-water
 * mark), so every child of the ~25 MiB Python driver would show at least ~25 MiB. This launcher is
 * small, so its children start from ~1 MiB, as they would from a shell.
 *
 * Usage: bench_spawn REPORT -- COMMAND [ARG...]
 * Writes to REPORT one line: `wall_s user_s sys_s maxrss_kib exit_code`, and exits with the
 * command's exit code (128 + signal if it was killed). Standard streams are the command's.
 * SIGTERM, SIGINT and SIGHUP are passed on to the command, which the launcher then waits for, so
 * that stopping the launcher stops the command and leaves no orphan behind. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double seconds(struct timeval tv) { return (double)tv.tv_sec + (double)tv.tv_usec / 1e6; }

static volatile pid_t child;
static void pass_on(int number) {
    if (child > 0) kill(child, number);
}

int main(int argc, char **argv) {
    if (argc < 4 || strcmp(argv[2], "--") != 0) {
        fprintf(stderr, "usage: %s REPORT -- COMMAND [ARG...]\n", argv[0]);
        return 64;
    }
    struct timespec start, end;
    clock_gettime(CLOCK_MONOTONIC, &start);
    pid_t pid = fork();
    if (pid < 0) { perror("fork"); return 71; }
    if (pid == 0) {
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        signal(SIGHUP, SIG_DFL);
        execvp(argv[3], argv + 3);
        fprintf(stderr, "bench_spawn: cannot run %s: %s\n", argv[3], strerror(errno));
        _exit(127);
    }
    child = pid;
    struct sigaction action;
    memset(&action, 0, sizeof action);
    action.sa_handler = pass_on;
    sigaction(SIGTERM, &action, NULL);
    sigaction(SIGINT, &action, NULL);
    sigaction(SIGHUP, &action, NULL);
    int status = 0;
    struct rusage usage;
    while (wait4(pid, &status, 0, &usage) < 0) {
        if (errno != EINTR) { perror("wait4"); return 71; }
    }
    clock_gettime(CLOCK_MONOTONIC, &end);
    double wall = (double)(end.tv_sec - start.tv_sec) + (double)(end.tv_nsec - start.tv_nsec) / 1e9;
    int code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    FILE *report = fopen(argv[1], "w");
    if (!report) { perror(argv[1]); return 73; }
    fprintf(report, "%.6f %.6f %.6f %ld %d\n", wall, seconds(usage.ru_utime), seconds(usage.ru_stime),
            usage.ru_maxrss, code);
    fclose(report);
    return code;
}
