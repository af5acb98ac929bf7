/* Test driver of the JSON Schema back end, linked to the generator library:
 *
 *   schema_tool emit CATALOG OUTDIR [--draft 7|2020] [--strict]
 *       writes OUTDIR/schemas/<name>.schema.json exactly as `eventc generate --target schema` does;
 *   schema_tool timestamps FILE
 *       writes one JSON line per test string, `[1 or 0, "string"]`, with the verdict of
 *       eventc_timestamp_parse, for the referees to compare the timestamp pattern against;
 *   schema_tool validate CATALOG [--strict] FILE...
 *       judges each JSON file with the runtime decoder, through descriptors built from the
 *       catalog, and prints `FILE: ok` or `FILE: error: PATH: MESSAGE [RULE]` (exit 1 if any
 *       is invalid), like the generated `<catalog>-events validate` tools. */
#include "model/dyndesc.h"
#include "backends/emit_schema.h"
#include "model/model.h"
#include "front/check.h"

#include <eventc/eventc.h>

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static int usage(void)
{
    fprintf(stderr, "usage: schema_tool emit CATALOG OUTDIR [--draft 7|2020] [--strict]\n"
                    "       schema_tool timestamps FILE\n"
                    "       schema_tool validate CATALOG [--strict] FILE...\n");
    return 2;
}

static gen_model *load(const char *path)
{
    gen_diags d;
    gen_diags_init(&d);
    gen_model *m = gen_model_load(path, &d);
    if (!m)
        gen_diags_print(&d, stderr);
    gen_diags_free(&d);
    return m;
}

static int write_file(void *ctx, const char *relpath, const char *data, size_t len)
{
    const char *dir = ctx;
    char *sub = gen_format("%s/schemas", dir);
    if (mkdir(sub, 0777) != 0 && errno != EEXIST) {
        perror(sub);
        free(sub);
        return 1;
    }
    free(sub);
    char *path = gen_format("%s/%s", dir, relpath);
    /* Schemas may sit one folder deeper (schemas/cloudevents/). */
    char *parent = gen_xstrdup(path);
    char *slash = strrchr(parent, '/');
    if (slash)
        *slash = '\0';
    if (mkdir(parent, 0777) != 0 && errno != EEXIST)
        perror(parent);
    free(parent);
    FILE *f = fopen(path, "wb");
    int rc = !f || fwrite(data, 1, len, f) != len;
    if (f && fclose(f) != 0)
        rc = 1;
    if (rc)
        perror(path);
    free(path);
    return rc;
}

static int cmd_emit(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    gen_schema_options o = {7, 0};
    for (int i = 2; i < argc; i++) {
        if (strcmp(argv[i], "--strict") == 0)
            o.strict = 1;
        else if (strcmp(argv[i], "--draft") == 0 && i + 1 < argc)
            o.draft = atoi(argv[++i]);
        else
            return usage();
    }
    gen_model *m = load(argv[0]);
    if (!m)
        return 1;
    int rc = gen_emit_schema(m, &o, write_file, argv[1]);
    gen_model_free(m);
    return rc ? 1 : 0;
}

/* One corpus line: `[verdict, "string"]` (JSON, so that any string fits on one line). */
static void ts_line(FILE *f, const char *s)
{
    eventc_timestamp ts;
    fprintf(f, "[%d, \"", eventc_timestamp_parse(s, strlen(s), &ts) == EVENTC_OK);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(f, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(f, "\\u%04x", *p);
        else
            fputc(*p, f);
    }
    fputs("\"]\n", f);
}

static int cmd_timestamps(int argc, char **argv)
{
    if (argc != 1)
        return usage();
    FILE *f = fopen(argv[0], "w");
    if (!f) {
        perror(argv[0]);
        return 1;
    }
    static const int years[] = {0, 1, 2, 3, 4, 1900, 2000, 2023, 2024, 2100, 2400, 9999};
    char buf[64];
    for (size_t y = 0; y < sizeof(years) / sizeof(years[0]); y++)
        for (int mo = 0; mo <= 13; mo++)
            for (int d = 0; d <= 32; d++) {
                snprintf(buf, sizeof(buf), "%04d-%02d-%02dT00:00:00Z", years[y], mo, d);
                ts_line(f, buf);
            }
    static const char *const times[] = {
        "00:00:00", "23:59:59", "24:00:00", "23:60:00", "23:59:60", "9:00:00",  "09:0:00",
        "19:00:00", "20:00:00", "29:00:00", "12:5a:00", "12:00:5",  "12:00",    "12:00:00:00",
        "1:2:3",    "-1:00:00", "00:00:0 ", "0x:00:00", "10:59:59", "21:45:09", "12:00:00 "};
    for (size_t i = 0; i < sizeof(times) / sizeof(times[0]); i++) {
        snprintf(buf, sizeof(buf), "2024-02-29T%sZ", times[i]);
        ts_line(f, buf);
    }
    static const char *const fracs[] = {
        "",   ".",          ".0",          ".5",  ".123", ".00",  ".1234567", ".12345678",
        ".a", ".123456789", ".1234567890", ".-1", ",5",   ".5.5", ". 5"};
    for (size_t i = 0; i < sizeof(fracs) / sizeof(fracs[0]); i++) {
        snprintf(buf, sizeof(buf), "2023-12-31T23:59:59%sZ", fracs[i]);
        ts_line(f, buf);
    }
    static const char *const odd[] = {"2024-01-01t00:00:00Z",
                                      "2024-01-01T00:00:00z",
                                      "2024-01-01 00:00:00Z",
                                      "2024-01-01T00:00:00+00:00",
                                      "2024-01-01T00:00:00",
                                      "2024-01-01T00:00:00Zx",
                                      " 2024-01-01T00:00:00Z",
                                      "2024-01-01T00:00:00Z ",
                                      "20240-01-01T00:00:00Z",
                                      "202-01-01T00:00:00Z",
                                      "+2024-01-01T00:00:00Z",
                                      "-2024-01-01T00:00:00Z",
                                      "2024-1-01T00:00:00Z",
                                      "2024-01-1T00:00:00Z",
                                      "2024/01/01T00:00:00Z",
                                      "2024-01-01T00-00-00Z",
                                      "",
                                      "Z",
                                      "2024-01-01TT00:00:00Z",
                                      "2024-01-01T00:00:00ZZ",
                                      "2024-01-01T00:00:00.Z",
                                      "\xef\xbc\x92\x30\x32\x34-01-01T00:00:00Z",
                                      "2024-01-01T00:00:00\xe2\x80\xa8Z",
                                      "2024-01-01T00:00:00Z\n",
                                      "\n2024-01-01T00:00:00Z"};
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
        ts_line(f, odd[i]);
    return fclose(f) == 0 ? 0 : 1;
}

static char *read_all(const char *path, size_t *len)
{
    char *data = NULL;
    if (gen_read_file(path, (size_t)64 << 20, &data, len) != 0)
        return NULL;
    return data;
}

static int cmd_validate(int argc, char **argv)
{
    if (argc < 1)
        return usage();
    gen_model *m = load(argv[0]);
    if (!m)
        return 1;
    eventc_decode_options o = eventc_decode_options_default();
    int bad = 0, i = 1;
    if (i < argc && strcmp(argv[i], "--strict") == 0) {
        o.strict = 1;
        i++;
    }
    const gen_field *nf = m->role_fields[GEN_ROLE_EVENT_NAME];
    for (; i < argc; i++) {
        size_t len;
        char *data = read_all(argv[i], &len);
        if (!data) {
            printf("%s: error: $: cannot read the file [io]\n", argv[i]);
            bad = 1;
            continue;
        }
        eventc_error err;
        const char *name;
        size_t nlen;
        int esc;
        eventc_status st = eventc_peek_string(data, len, nf->name, &name, &nlen, &esc, &err);
        const gen_event *e = NULL;
        json_object *unescaped = NULL;
        if (st == EVENTC_OK && esc) {
            /* The name is compared as decoded, like every other string. */
            char *quoted = gen_format("\"%.*s\"", (int)nlen, name);
            unescaped = json_tokener_parse(quoted);
            free(quoted);
            name = unescaped ? json_object_get_string(unescaped) : "";
            nlen = unescaped ? (size_t)json_object_get_string_len(unescaped) : 0;
        }
        if (st == EVENTC_OK) {
            for (size_t k = 0; k < m->n_events && !e; k++)
                if (strlen(m->events[k]->name) == nlen &&
                    memcmp(m->events[k]->name, name, nlen) == 0)
                    e = m->events[k];
            if (!e) {
                eventc_error_set(&err, EVENTC_E_CONST, "$.event_name", "unknown event name");
                st = EVENTC_E_CONST;
            }
        }
        json_object_put(unescaped);
        if (st == EVENTC_OK) {
            const eventc_type_desc *desc = gen_event_desc(m, e);
            void *value = gen_xcalloc(1, desc->size);
            st = eventc_decode(desc, value, data, len, &o, &err);
            eventc_clear(desc, value);
            free(value);
        }
        if (st == EVENTC_OK) {
            printf("%s: ok\n", argv[i]);
        } else {
            printf("%s: error: %s: %s [%s]\n", argv[i], err.path, err.message,
                   eventc_status_code(err.code));
            bad = 1;
        }
        free(data);
    }
    gen_model_free(m);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    if (strcmp(argv[1], "emit") == 0)
        return cmd_emit(argc - 2, argv + 2);
    if (strcmp(argv[1], "timestamps") == 0)
        return cmd_timestamps(argc - 2, argv + 2);
    if (strcmp(argv[1], "validate") == 0)
        return cmd_validate(argc - 2, argv + 2);
    return usage();
}
