/* Writes the hostile catalog files of the error corpus that must not live in the repository:
 * binary content (NUL bytes, invalid UTF-8, UTF-16, byte order marks), big files, deep nesting,
 * long chains of types and a FIFO.
 *
 * usage: gen_hostile OUTDIR
 *        gen_hostile --nodes|--anchors N FILE   (one input of a given size, see main)
 *
 * Each file is named like the committed cases (`<NN>-<name>.yaml`) and its expected diagnostics are
 * tests/errors/<NN>-<name>.expected in the source tree. The output is deterministic, so the
 * expected positions never move. Exit status 0 on success, 1 when a file cannot be written. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* Opens OUTDIR/NAME for writing; reports and returns NULL on failure. */
static FILE *open_out(const char *dir, const char *name)
{
    size_t n = strlen(dir) + strlen(name) + 2;
    char *path = malloc(n);
    if (!path) {
        fputs("gen_hostile: out of memory\n", stderr);
        return NULL;
    }
    snprintf(path, n, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f)
        perror(path);
    free(path);
    return f;
}

static int finish(FILE *f, const char *name)
{
    if (ferror(f) | fclose(f)) {
        fprintf(stderr, "gen_hostile: cannot write %s\n", name);
        return 1;
    }
    return 0;
}

/* A file made of a fixed text (which may hold NUL bytes, hence the explicit length). */
static int write_bytes(const char *dir, const char *name, const char *data, size_t len)
{
    FILE *f = open_out(dir, name);
    if (!f)
        return 1;
    fwrite(data, 1, len, f);
    return finish(f, name);
}

static void repeat(FILE *f, int c, size_t n)
{
    for (size_t i = 0; i < n; i++)
        putc(c, f);
}

/* `catalog: ` followed by a plain scalar of `n` letters. */
static int write_long_scalar(const char *dir, const char *name, size_t n)
{
    FILE *f = open_out(dir, name);
    if (!f)
        return 1;
    fputs("catalog: ", f);
    repeat(f, 'a', n);
    fputs("\nversion: 1\n", f);
    return finish(f, name);
}

/* `n` nested flow sequences under a key, closed again. */
static int write_deep_nesting(const char *dir, const char *name, size_t n)
{
    FILE *f = open_out(dir, name);
    if (!f)
        return 1;
    fputs("catalog: shop\nversion: 1\nenvelope: ", f);
    repeat(f, '[', n);
    repeat(f, ']', n);
    putc('\n', f);
    return finish(f, name);
}

/* The same with block mappings, one level per line, each indented one space more. */
static int write_deep_block(const char *dir, const char *name, size_t n)
{
    FILE *f = open_out(dir, name);
    if (!f)
        return 1;
    fputs("catalog: shop\nversion: 1\n", f);
    for (size_t i = 0; i < n; i++) {
        repeat(f, ' ', i);
        fputs("k:\n", f);
    }
    return finish(f, name);
}

/* A flow sequence of `n` one-character scalars: small enough for the size limit, too many nodes. */
static int write_many_nodes(const char *dir, const char *name, size_t n)
{
    FILE *f = open_out(dir, name);
    if (!f)
        return 1;
    fputs("catalog: shop\nversion: 1\nx: [", f);
    for (size_t i = 0; i < n; i++)
        fputs(i ? ",1" : "1", f);
    fputs("]\n", f);
    return finish(f, name);
}

/* A valid catalog whose event preconditions hold `anchors` anchored strings and `aliases` aliases
 * of the last one, with one naming error so that the check fails. Anchors and aliases are legal
 * YAML; looking them up must not cost quadratic time. */
static int write_many_anchors(const char *dir, const char *name, size_t anchors, size_t aliases)
{
    FILE *f = open_out(dir, name);
    if (!f)
        return 1;
    fputs("catalog: shop\n"
          "version: 1\n"
          "envelope:\n"
          "  fields:\n"
          "    event_name: { type: string, role: event_name }\n"
          "    event_id: { type: string, role: event_id }\n"
          "    aggregate_type: { type: string, role: aggregate_type }\n"
          "    aggregate_id: { type: string, role: aggregate_id }\n"
          "    occurred_at: { type: timestamp, role: occurred_at }\n"
          "    version: { type: integer, role: version }\n"
          "aggregates:\n"
          "  Order:\n"
          "    id: order_id\n"
          "    events:\n"
          "      OrderPlaced:\n"
          "        summary: An order was placed.\n"
          "        preconditions:\n",
          f);
    for (size_t i = 0; i < anchors; i++)
        fprintf(f, "          - &a%zu Condition %zu.\n", i, i);
    for (size_t i = 0; i < aliases; i++)
        fprintf(f, "          - *a%zu\n", anchors - 1);
    fputs("        fields:\n"
          "          order_id: string\n"
          "          customerId: string\n",
          f);
    return finish(f, name);
}

/* The envelope and one aggregate of a small valid catalog; callers add `types:` after it and
 * `          t: <type>` fields to its one event. */
static void put_catalog_head(FILE *f)
{
    fputs("catalog: shop\n"
          "version: 1\n"
          "envelope:\n"
          "  fields:\n"
          "    event_name: { type: string, role: event_name }\n"
          "    event_id: { type: string, role: event_id }\n"
          "    aggregate_type: { type: string, role: aggregate_type }\n"
          "    aggregate_id: { type: string, role: aggregate_id }\n"
          "    occurred_at: { type: timestamp, role: occurred_at }\n"
          "    version: { type: integer, role: version }\n"
          "aggregates:\n"
          "  Order:\n"
          "    id: order_id\n"
          "    events:\n"
          "      OrderPlaced:\n"
          "        summary: An order was placed.\n"
          "        fields:\n"
          "          order_id: string\n"
          "          t: { type: T0, optional: true }\n"
          "types:\n",
          f);
}

/* A chain of `n` object types, T0 .. T<n-1>, each referring twice to the next: with `inline_b`
 * both references hold the next type inline (`a` and `b`), else `b` is an array of it. With
 * `cycle` the last type refers back to T0 through an array, else it holds a string. A search for
 * cycles that walks every path takes 2^n steps on such a chain; the checker's is linear. */
static int write_type_chain(const char *dir, const char *name, size_t n, int inline_b, int cycle)
{
    FILE *f = open_out(dir, name);
    if (!f)
        return 1;
    put_catalog_head(f);
    for (size_t i = 0; i < n; i++) {
        fprintf(f, "  T%zu:\n    fields:\n", i);
        if (i + 1 < n) {
            fprintf(f, "      a: { type: T%zu, optional: true }\n", i + 1);
            if (inline_b)
                fprintf(f, "      b: { type: T%zu, optional: true }\n", i + 1);
            else
                fprintf(f, "      b: { type: array, items: T%zu }\n", i + 1);
        } else if (cycle) {
            fputs("      a: { type: array, items: T0 }\n", f);
        } else {
            fputs("      a: string\n", f);
        }
    }
    return finish(f, name);
}

/* A catalog whose one example is a FIFO (made next to it): reading it would wait for a writer
 * forever, so the checker must refuse it without opening it for a blocking read. */
static int write_fifo_example(const char *dir, const char *name)
{
    FILE *f = open_out(dir, name);
    if (!f)
        return 1;
    fputs("catalog: shop\n"
          "version: 1\n"
          "envelope:\n"
          "  fields:\n"
          "    event_name: { type: string, role: event_name }\n"
          "    event_id: { type: string, role: event_id }\n"
          "    aggregate_type: { type: string, role: aggregate_type }\n"
          "    aggregate_id: { type: string, role: aggregate_id }\n"
          "    occurred_at: { type: timestamp, role: occurred_at }\n"
          "    version: { type: integer, role: version }\n"
          "aggregates:\n"
          "  Order:\n"
          "    id: order_id\n"
          "    events:\n"
          "      OrderPlaced:\n"
          "        summary: An order was placed.\n"
          "        fields: { order_id: string }\n"
          "        examples: [fifo.json]\n",
          f);
    int rc = finish(f, name);
    size_t n = strlen(dir) + 16;
    char *path = malloc(n);
    if (!path)
        return 1;
    snprintf(path, n, "%s/fifo.json", dir);
    if (mkfifo(path, 0600) != 0 && errno != EEXIST) {
        perror(path);
        rc = 1;
    }
    free(path);
    return rc;
}

/* A catalog saved as UTF-8 with a byte order mark, as some editors do. With `bad_name` its
 * catalog name is not snake_case, so the one error shows that columns on the first line do not
 * count the mark. */
static int write_bom_catalog(const char *dir, const char *name, int bad_name)
{
    FILE *f = open_out(dir, name);
    if (!f)
        return 1;
    fputs("\xEF\xBB\xBF", f);
    fputs(bad_name ? "catalog: Shop\n" : "catalog: shop\n", f);
    fputs("version: 1\n"
          "envelope:\n"
          "  fields:\n"
          "    event_name: { type: string, role: event_name }\n"
          "    event_id: { type: string, role: event_id }\n"
          "    aggregate_type: { type: string, role: aggregate_type }\n"
          "    aggregate_id: { type: string, role: aggregate_id }\n"
          "    occurred_at: { type: timestamp, role: occurred_at }\n"
          "    version: { type: integer, role: version }\n"
          "aggregates:\n"
          "  Order:\n"
          "    id: order_id\n"
          "    events:\n"
          "      OrderPlaced:\n"
          "        summary: An order was placed.\n"
          "        fields: { order_id: string }\n",
          f);
    return finish(f, name);
}

/* Pseudo-random bytes from a fixed-seed linear congruential generator: the same garbage on every
 * machine. */
static int write_garbage(const char *dir, const char *name, size_t n)
{
    FILE *f = open_out(dir, name);
    if (!f)
        return 1;
    unsigned long x = 20251105ul;
    for (size_t i = 0; i < n; i++) {
        x = (x * 1103515245ul + 12345ul) & 0x7ffffffful;
        putc((int)((x >> 16) & 0xff), f);
    }
    return finish(f, name);
}

/* A catalog header in UTF-16LE with a byte order mark. */
static int write_utf16(const char *dir, const char *name)
{
    static const char text[] = "catalog: shop\nversion: 1\n";
    FILE *f = open_out(dir, name);
    if (!f)
        return 1;
    putc(0xff, f);
    putc(0xfe, f);
    for (size_t i = 0; i + 1 < sizeof(text); i++) {
        putc(text[i], f);
        putc(0, f);
    }
    return finish(f, name);
}

/* Splits "DIR/NAME" for open_out. */
static int write_one(const char *kind, size_t n, const char *path)
{
    char dir[4096];
    const char *slash = strrchr(path, '/');
    const char *name = slash ? slash + 1 : path;
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - path) : 1, slash ? path : ".");
    if (strcmp(kind, "--nodes") == 0)
        return write_many_nodes(dir, name, n);
    if (strcmp(kind, "--anchors") == 0)
        return write_many_anchors(dir, name, n, n / 20);
    fprintf(stderr, "gen_hostile: unknown input kind '%s'\n", kind);
    return 2;
}

int main(int argc, char **argv)
{
    /* One input of a given size, for the tests that count the work eventc does (tests/work.cmake):
     * `--nodes N` is the flow sequence of N scalars, `--anchors N` the catalog with N anchors and
     * N / 20 aliases. */
    if (argc == 4 && strncmp(argv[1], "--", 2) == 0)
        return write_one(argv[1], strtoul(argv[2], NULL, 10), argv[3]);
    if (argc != 2) {
        fputs("usage: gen_hostile OUTDIR\n"
              "       gen_hostile --nodes N FILE | --anchors N FILE\n",
              stderr);
        return 2;
    }
    const char *dir = argv[1];
    static const char overlong[] = "# The NUL character written as an overlong sequence.\n"
                                   "catalog: shop\nversion: \xc0\x80\n";
    static const char lone_ff[] = "# A lone 0xFF byte in a value.\n"
                                  "catalog: sh\xffop\nversion: 1\n";
    static const char truncated_seq[] = "catalog: caf\xc3";
    static const char surrogate[] = "catalog: shop\n# \xed\xa0\x80 is a UTF-16 surrogate\n";
    static const char nul[] = "catalog: sh\0op\nversion: 1\n";
    int rc = 0;
    rc |= write_deep_nesting(dir, "80-deep-nesting.yaml", 10000);
    rc |= write_deep_block(dir, "81-deep-block-nesting.yaml", 200);
    rc |= write_long_scalar(dir, "82-huge-scalar.yaml", 10u * 1024u * 1024u);
    rc |= write_long_scalar(dir, "83-long-scalar.yaml", 100u * 1024u);
    rc |= write_garbage(dir, "84-binary-garbage.yaml", 4096);
    rc |= write_bytes(dir, "85-invalid-utf8-overlong.yaml", overlong, sizeof(overlong) - 1);
    rc |= write_bytes(dir, "86-invalid-utf8-lone-ff.yaml", lone_ff, sizeof(lone_ff) - 1);
    rc |= write_bytes(dir, "87-invalid-utf8-truncated.yaml", truncated_seq,
                      sizeof(truncated_seq) - 1);
    rc |= write_bytes(dir, "88-invalid-utf8-surrogate.yaml", surrogate, sizeof(surrogate) - 1);
    rc |= write_bytes(dir, "89-nul-byte.yaml", nul, sizeof(nul) - 1);
    rc |= write_utf16(dir, "90-utf16.yaml");
    rc |= write_many_nodes(dir, "91-too-many-nodes.yaml", 1000001);
    rc |= write_many_anchors(dir, "93-many-anchors.yaml", 100000, 5000);
    rc |= write_type_chain(dir, "95-type-chain-doubling.yaml", 2000, 1, 0);
    rc |= write_type_chain(dir, "96-type-chain-cycle.yaml", 1500, 0, 1);
    rc |= write_type_chain(dir, "type-chain-ok.yaml", 1500, 0, 0);
    rc |= write_fifo_example(dir, "122-example-fifo.yaml");
    rc |= write_bom_catalog(dir, "123-bom-positions.yaml", 1);
    rc |= write_bom_catalog(dir, "bom-ok.yaml", 0);
    return rc ? 1 : 0;
}
