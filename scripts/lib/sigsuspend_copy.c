/* Preloaded (LD_PRELOAD) into clients the bench's profile part runs under valgrind 3.19 (Debian 12):
 * libdispatch's dispatch_main, where a Swift async main's thread parks, calls sigsuspend with a mask
 * that valgrind's syscall wrapper cannot read (it dies with "VALGRIND INTERNAL ERROR: signal 11" in
 * rt_sigsuspend). This sigsuspend copies the mask to its own stack first; nothing else changes.
 * Build: gcc -O2 -shared -fPIC -o sigsuspend_copy.so sigsuspend_copy.c */
#define _GNU_SOURCE
#include <signal.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

int sigsuspend(const sigset_t *mask) {
    sigset_t copy;
    memcpy(&copy, mask, sizeof copy);
    return (int)syscall(SYS_rt_sigsuspend, &copy, 8);
}
