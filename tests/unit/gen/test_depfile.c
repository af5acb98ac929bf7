/* Depfiles: the exact text (order, de-duplication, escapes), refusal of paths a depfile cannot
 * spell, a real catalog with its examples, and writing only when the content changes. */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "io/depfile.h"
#include "front/check.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static char *slurp(const char *path)
{
    char *data;
    size_t len;
    if (gen_read_file(path, 1 << 20, &data, &len) != 0)
        return NULL;
    return data;
}

/* A model with only what the depfile reads: loaded files and the examples of events. */
static void test_text(void)
{
    gen_file files[3] = {
        {.path = "cat/root.yaml"}, {.path = "cat/my dir/a#b.yaml"}, {.path = "cat/root.yaml"}};
    gen_example ex1[2] = {{.resolved = "./cat/ex/$one.json"}, {.resolved = "cat/ex/two.json"}};
    gen_example ex2[2] = {{.resolved = "cat/ex/two.json"}, {.resolved = "/abs/c:\\x\\ y.json"}};
    gen_event e1 = {.name = "A", .examples = ex1, .n_examples = 2};
    gen_event e2 = {.name = "B", .examples = ex2, .n_examples = 2};
    gen_event *events[2] = {&e1, &e2};
    gen_model m = {.files = files, .n_files = 3, .events = events, .n_events = 2};

    char cwd[4096];
    CHECK(getcwd(cwd, sizeof cwd) != NULL);
    char *t = gen_depfile_text(&m, "out/c/root.h");
    char *want = gen_format("out/c/root.h: \\\n"
                            "  %s/cat/root.yaml \\\n"
                            "  %s/cat/my\\ dir/a\\#b.yaml \\\n"
                            "  %s/cat/ex/$$one.json \\\n"
                            "  %s/cat/ex/two.json \\\n"
                            "  /abs/c:\\x\\\\\\ y.json\n",
                            cwd, cwd, cwd, cwd);
    CHECK_STR(t, want);
    free(want);
    free(t);

    t = gen_depfile_text(&m, "stamp with space");
    CHECK(t != NULL && strncmp(t, "stamp\\ with\\ space: \\\n", 22) == 0);
    free(t);

    /* No files at all still makes a valid rule. */
    gen_model empty = {0};
    t = gen_depfile_text(&empty, "t");
    CHECK_STR(t, "t:\n");
    free(t);

    errno = 0;
    CHECK(gen_depfile_text(&m, "bad\ntarget") == NULL && errno == EINVAL);
    errno = 0;
    CHECK(gen_depfile_text(&m, "") == NULL && errno == EINVAL);
    files[1].path = "cat/new\nline.yaml";
    errno = 0;
    CHECK(gen_depfile_text(&m, "t") == NULL && errno == EINVAL);
}

/* The library example catalog: the root file, then one example per event in catalog order. */
static void test_catalog(const char *src)
{
    char *path = gen_format("%s/docs/examples/library.yaml", src);
    gen_diags diags;
    gen_diags_init(&diags);
    gen_model *m = gen_model_load(path, &diags);
    CHECK(m != NULL);
    if (m) {
        char *t = gen_depfile_text(m, "gen/c/library.h");
        char *want = gen_format("gen/c/library.h: \\\n"
                                "  %s/docs/examples/library.yaml \\\n"
                                "  %s/docs/examples/book_acquired.example.json \\\n"
                                "  %s/docs/examples/book_withdrawn.example.json \\\n"
                                "  %s/docs/examples/loan_opened.example.json \\\n"
                                "  %s/docs/examples/loan_renewed.example.json \\\n"
                                "  %s/docs/examples/loan_returned.example.json\n",
                                src, src, src, src, src, src);
        CHECK_STR(t, want);
        free(want);
        free(t);
    }
    gen_model_free(m);
    gen_diags_free(&diags);
    free(path);

    /* The messaging catalog: six YAML files and 21 examples. */
    path = gen_format("%s/catalog/messaging.yaml", src);
    gen_diags_init(&diags);
    m = gen_model_load(path, &diags);
    CHECK(m != NULL);
    if (m) {
        char *t = gen_depfile_text(m, "x");
        size_t lines = 0;
        for (const char *p = t; p && *p; p++)
            lines += *p == '\n';
        CHECK(lines == 1 + 6 + 21);
        char *inc = gen_format("  %s/catalog/conversation.yaml \\\n", src);
        CHECK(t && strstr(t, inc) != NULL);
        free(inc);
        free(t);
    }
    gen_model_free(m);
    gen_diags_free(&diags);
    free(path);
}

static time_t mtime_of(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? st.st_mtime : (time_t)-1;
}

static void set_old_mtime(const char *path)
{
    struct timespec times[2] = {{.tv_sec = 1000000000}, {.tv_sec = 1000000000}};
    CHECK(utimensat(AT_FDCWD, path, times, 0) == 0);
}

static void test_write(void)
{
    char dir[] = "/tmp/eventc-depfile-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *path = gen_format("%s/out.d", dir);

    gen_file files[1] = {{.path = "/a.yaml"}};
    gen_model m = {.files = files, .n_files = 1};

    CHECK(gen_write_depfile(&m, "t", path) == 0);
    char *got = slurp(path);
    CHECK_STR(got, "t: \\\n  /a.yaml\n");
    free(got);

    /* Same content: the file is not touched. */
    set_old_mtime(path);
    CHECK(gen_write_depfile(&m, "t", path) == 0);
    CHECK(mtime_of(path) == 1000000000);

    /* New content replaces it. */
    CHECK(gen_write_depfile(&m, "u", path) == 0);
    CHECK(mtime_of(path) != 1000000000);
    got = slurp(path);
    CHECK_STR(got, "u: \\\n  /a.yaml\n");
    free(got);

    /* A longer or shorter old file is a difference, not a prefix match. */
    files[0].path = "/a.yam";
    CHECK(gen_write_depfile(&m, "u", path) == 0);
    got = slurp(path);
    CHECK_STR(got, "u: \\\n  /a.yam\n");
    free(got);

    /* Errors leave the old file alone and leave no temporary file behind. */
    errno = 0;
    CHECK(gen_write_depfile(&m, "bad\ntarget", path) == -1 && errno == EINVAL);
    got = slurp(path);
    CHECK_STR(got, "u: \\\n  /a.yam\n");
    free(got);
    char *missing = gen_format("%s/no/such/dir/out.d", dir);
    errno = 0;
    CHECK(gen_write_depfile(&m, "t", missing) == -1 && errno == ENOENT);
    free(missing);

    /* Only out.d remains in the folder. */
    char *tmp = gen_format("%s.tmp%ld", path, (long)getpid());
    CHECK(access(tmp, F_OK) != 0);
    free(tmp);

    CHECK(remove(path) == 0);
    CHECK(rmdir(dir) == 0);
    free(path);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_depfile SOURCE_DIR\n");
        return 2;
    }
    test_text();
    test_catalog(argv[1]);
    test_write();
    return check_report();
}
