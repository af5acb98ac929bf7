/* Front-end helpers the error corpus cannot pin down alone: the distance behind "did you mean",
 * the reading of regular files only, and the parameter names the C views must not use. */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "base/util.h"
#include "names/c_names.h"
#include "names/names.h"
#include "io/writer.h"

#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_distance(void)
{
    /* Half edits: 2 per insertion, deletion, substitution or transposition; 1 for a change of
     * case or a vowel for a vowel. */
    CHECK(gen_name_distance("OrderPaid", "OrderPaid") == 0);
    CHECK(gen_name_distance("orderPaid", "OrderPaid") == 1);
    CHECK(gen_name_distance("OrderPiad", "OrderPaid") == 2);    /* transposition */
    CHECK(gen_name_distance("OrderPayed", "OrderPaid") == 3);   /* y for i, and an e too many */
    CHECK(gen_name_distance("OrderPayed", "OrderPlaced") == 4); /* an l missing, y for c */
    CHECK(gen_name_distance("strng", "string") == 2);
    CHECK(gen_name_distance("", "abc") == 6);
    char long_name[80];
    memset(long_name, 'a', sizeof long_name - 1);
    long_name[sizeof long_name - 1] = '\0';
    CHECK(gen_name_distance(long_name, "a") == UINT_MAX);
}

static void test_suggest(void)
{
    /* OrderPlaced comes first and is two plain edits from OrderPayed, like OrderPaid: the
     * weighting picks OrderPaid. */
    const char *events[] = {"OrderPlaced", "OrderPaid", "OrderShipped", NULL};
    const char *s = gen_suggest("OrderPayed", events, SIZE_MAX);
    CHECK(s && strcmp(s, "OrderPaid") == 0);
    CHECK(gen_suggest("ORDERSHIPPED", events, SIZE_MAX) == events[2]); /* case only */
    CHECK(gen_suggest("Refunded", events, SIZE_MAX) == NULL);
    /* Too short to guess from: one letter is not "close" to two. */
    const char *ids[] = {"id", NULL};
    CHECK(gen_suggest("x", ids, SIZE_MAX) == NULL);
    /* An exact match is no suggestion; `n` bounds the list. */
    CHECK(gen_suggest("OrderPaid", events, SIZE_MAX) == NULL);
    CHECK(gen_suggest("OrderPayed", events, 1) == events[0]);
}

static void test_read_regular_files_only(void)
{
    char *data;
    size_t len;
    CHECK(gen_read_file("/dev/null", 100, &data, &len) == -3 && data == NULL);
    CHECK(strstr(gen_read_error(-3), "not a regular file") != NULL);
    CHECK(gen_read_file(".", 100, &data, &len) == -1 && errno == EISDIR);
    CHECK(strstr(gen_read_error(-1), "directory") != NULL);
    CHECK(gen_read_file("", 100, &data, &len) == -1 && errno == ENOENT);
    /* A FIFO with no writer: refused at once, not waited on. */
    char *fifo = gen_format("/tmp/eventc-test-fifo-%ld", (long)getpid());
    unlink(fifo);
    CHECK(mkfifo(fifo, 0600) == 0);
    CHECK(gen_read_file(fifo, 100, &data, &len) == -3);
    unlink(fifo);
    free(fifo);
}

static void test_param_names(void)
{
    CHECK(gen_c_param_name_reserved("size_t", "shop"));
    CHECK(gen_c_param_name_reserved("int64_t", "shop"));
    CHECK(gen_c_param_name_reserved("eventc_error", "shop"));
    CHECK(gen_c_param_name_reserved("shop_carrier", "shop"));
    CHECK(gen_c_param_name_reserved("memset", "shop"));
    CHECK(!gen_c_param_name_reserved("shopping_list", "shop"));
    CHECK(!gen_c_param_name_reserved("carrier", "shop"));
    CHECK(!gen_c_param_name_reserved("total", "shop"));
    /* C23 and GNU keywords are refused as names altogether. */
    CHECK(gen_is_reserved_word("typeof"));
    CHECK(gen_is_reserved_word("typeof_unqual"));
    CHECK(gen_is_reserved_word("i386"));
    CHECK(!gen_is_reserved_word("type"));
}

/* A batch stages every file before renaming any; a failure names the output, not the temporary
 * file; an uncommitted batch leaves nothing behind. */
static void test_writer(void)
{
    char *dir = gen_format("/tmp/eventc-test-writer-%ld", (long)getpid());
    char *a = gen_format("%s/x/a.txt", dir), *b = gen_format("%s/x/b.txt", dir);
    char err[256];
    gen_writer w;
    gen_writer_init(&w, false);
    CHECK(gen_writer_put(&w, a, "A\n", 2, err, sizeof err) == GEN_WRITE_CHANGED);
    CHECK(gen_writer_put(&w, b, "B\n", 2, err, sizeof err) == GEN_WRITE_CHANGED);
    struct stat st;
    CHECK(stat(a, &st) != 0); /* staged, not yet in place */
    CHECK(gen_writer_commit(&w, err, sizeof err) == 0);
    gen_writer_free(&w);
    CHECK(stat(a, &st) == 0 && st.st_size == 2 && stat(b, &st) == 0);
    /* A removal and an unchanged file in one batch. */
    gen_writer_init(&w, false);
    CHECK(gen_writer_put(&w, a, "A\n", 2, err, sizeof err) == GEN_WRITE_UNCHANGED);
    gen_writer_remove(&w, b);
    CHECK(gen_writer_commit(&w, err, sizeof err) == 0);
    gen_writer_free(&w);
    CHECK(stat(b, &st) != 0 && stat(a, &st) == 0);
    /* Not committed: the temporary file goes, the target stays as it was. */
    gen_writer_init(&w, false);
    CHECK(gen_writer_put(&w, a, "changed\n", 8, err, sizeof err) == GEN_WRITE_CHANGED);
    gen_writer_free(&w);
    CHECK(stat(a, &st) == 0 && st.st_size == 2);
    char *sub = gen_format("%s/x", dir);
    CHECK(unlink(a) == 0 && rmdir(sub) == 0 && rmdir(dir) == 0); /* no temporary file left */
    /* No temporary file can be made in /proc/self, even by root: the message names the output. */
    CHECK(gen_write_file("/proc/self/eventc-out.h", "x", 1, false, err, sizeof err) ==
          GEN_WRITE_FAILED);
    CHECK(strncmp(err, "/proc/self/eventc-out.h: ", 25) == 0);
    free(sub);
    free(a);
    free(b);
    free(dir);
}

/* Reads a whole small file into `buf`; returns its length, or -1. */
static long slurp(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    return (long)n;
}

/* A content in pieces is compared with the file on disk piece by piece: equal contents leave the
 * file untouched; a difference anywhere (a byte in the middle, a longer or a shorter content)
 * replaces it with exactly the new bytes, the part before the difference copied from the disk. */
static void test_writer_stream(void)
{
    char *dir = gen_format("/tmp/eventc-test-stream-%ld", (long)getpid());
    char *path = gen_format("%s/f.txt", dir);
    char err[256];
    static const char *const contents[] = {"0123456789abcdef",
                                           "0123456789abcdef",
                                           "0123456789aBcdef",
                                           "0123456789aBcdef++",
                                           "0123",
                                           "",
                                           "0123456789abcdef"};
    static const gen_write_status expect[] = {
        GEN_WRITE_CHANGED, GEN_WRITE_UNCHANGED, GEN_WRITE_CHANGED, GEN_WRITE_CHANGED,
        GEN_WRITE_CHANGED, GEN_WRITE_CHANGED,   GEN_WRITE_CHANGED};
    for (size_t i = 0; i < sizeof contents / sizeof contents[0]; i++) {
        const char *c = contents[i];
        size_t len = strlen(c);
        for (int check = 1; check >= 0; check--) {
            gen_writer w;
            gen_writer_init(&w, check);
            gen_write_stream s;
            gen_writer_open(&w, &s, path);
            /* In pieces of 3 bytes, so differences fall inside pieces and between them. */
            for (size_t at = 0; at < len; at += 3)
                gen_writer_write(&s, c + at, len - at < 3 ? len - at : 3);
            CHECK(gen_writer_close(&s, err, sizeof err) == expect[i]);
            CHECK(gen_writer_commit(&w, err, sizeof err) == 0);
            gen_writer_free(&w);
        }
        char buf[64];
        CHECK(slurp(path, buf, sizeof buf) == (long)len && memcmp(buf, c, len) == 0);
    }
    /* An abandoned content leaves the file as it was, and no temporary file. */
    gen_writer w;
    gen_writer_init(&w, false);
    gen_write_stream s;
    gen_writer_open(&w, &s, path);
    gen_writer_write(&s, "XY", 2);
    gen_writer_abandon(&s);
    CHECK(gen_writer_commit(&w, err, sizeof err) == 0);
    gen_writer_free(&w);
    char buf[64];
    CHECK(slurp(path, buf, sizeof buf) == 16 && memcmp(buf, "0123456789abcdef", 16) == 0);
    CHECK(unlink(path) == 0 && rmdir(dir) == 0);
    free(path);
    free(dir);
}

int main(void)
{
    test_distance();
    test_writer_stream();
    test_suggest();
    test_read_regular_files_only();
    test_param_names();
    test_writer();
    return check_report();
}
