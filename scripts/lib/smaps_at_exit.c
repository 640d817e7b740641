/* Preloaded into a command (LD_PRELOAD) by the bench's binary part: when the command exits, copies
 * its /proc/self/smaps to the file named by BENCH_SMAPS_OUT, so the bench can tell which mapping
 * (the binary, each shared library, the heap) its resident memory is made of. For a short command
 * such as `flowbatch --help` the memory at exit is its peak.
 * Build: gcc -O2 -shared -fPIC -o smaps_at_exit.so smaps_at_exit.c */
#include <stdio.h>
#include <stdlib.h>

__attribute__((destructor)) static void dump_smaps(void) {
    const char *path = getenv("BENCH_SMAPS_OUT");
    if (!path) return;
    FILE *in = fopen("/proc/self/smaps", "r");
    FILE *out = fopen(path, "w");
    if (in && out) {
        char buffer[65536];
        size_t count;
        while ((count = fread(buffer, 1, sizeof buffer, in)) > 0) fwrite(buffer, 1, count, out);
    }
    if (in) fclose(in);
    if (out) fclose(out);
}
