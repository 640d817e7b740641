/* The ceiling for flowbatch's ingest: parse a CSV file with libcsv in 64 KiB chunks and count
 * records and fields, nothing else. Same options as flowbatch (strict, no trimming, blank lines
 * reported), so the comparison is like for like. Usage: libcsv_count FILE */
#include <csv.h>
#include <stdio.h>
#include <stdlib.h>

static long fields, records;
static void on_field(void *s, size_t len, void *data) { (void)s; (void)len; (void)data; fields++; }
static void on_record(int c, void *data) { (void)c; (void)data; records++; }
static int never_space(unsigned char c) { (void)c; return 0; }

int main(int argc, char **argv) {
    if (argc != 2) { fprintf(stderr, "usage: %s FILE\n", argv[0]); return 64; }
    FILE *file = fopen(argv[1], "rb");
    if (!file) { perror(argv[1]); return 66; }
    struct csv_parser parser;
    csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI | CSV_REPALL_NL);
    csv_set_space_func(&parser, never_space);
    static char buffer[65536];
    size_t count;
    while ((count = fread(buffer, 1, sizeof buffer, file)) > 0) {
        if (csv_parse(&parser, buffer, count, on_field, on_record, NULL) != count) {
            fprintf(stderr, "parse error: %s\n", csv_strerror(csv_error(&parser)));
            return 65;
        }
    }
    csv_fini(&parser, on_field, on_record, NULL);
    csv_free(&parser);
    fclose(file);
    printf("%ld records, %ld fields\n", records, fields);
    return 0;
}
