/* Runs the official CESQL TCK (the YAML files of <shared>/reference/cloudevents/cesql/cesql_tck),
 * read at run time with libyaml, against the engine in this process or, with --cli EVENTC, through
 * `EVENTC ce eval EXPR [EVENT.json]` once per case.
 *
 *   tck SHARED_DIR [--cli EVENTC]
 *
 * Each case has an expression, an optional event (or overrides of the four required attributes)
 * and an expected result and/or error kind. YAML plain scalars are resolved the YAML way: true /
 * false, integers, RFC 3339 timestamps, anything else a string; quoted scalars are strings. An
 * expected timestamp equals a result string holding the same instant (the runtime keeps `time`
 * in UTC: `2018-04-26T14:48:09+02:00` evaluates as `2018-04-26T12:48:09Z`).
 *
 * Exit status 0 when every case passes, 1 otherwise, 77 (skipped) when the TCK is absent. */
#define _POSIX_C_SOURCE 200809L

#include <eventc/cesql.h>
#include <eventc/eventc.h>

#include <dirent.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <yaml.h>

#include "run_process.h"

#define SKIP 77

/* The event a case without `event` starts from; the CLI's default event is the same shape. */
static const char *const default_event[][2] = {
    {"specversion", "1.0"}, {"id", "1"}, {"source", "/eventc"}, {"type", "eventc.ce.eval"}};

typedef enum kind { K_NONE, K_NULL, K_BOOL, K_INT, K_STRING, K_TIME } kind;

typedef struct scalar {
    kind kind;
    bool boolean;
    long long integer;
    const char *text; /* the scalar's text */
    size_t len;
} scalar;

static bool all_digits(const char *s, size_t n)
{
    size_t i = (n > 0 && (s[0] == '-' || s[0] == '+')) ? 1 : 0;
    if (i == n) {
        return false;
    }
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') {
            return false;
        }
    }
    return true;
}

static scalar resolve(const yaml_node_t *node)
{
    scalar s;
    eventc_timestamp ts;
    memset(&s, 0, sizeof(s));
    if (node == NULL || node->type != YAML_SCALAR_NODE) {
        return s;
    }
    s.text = (const char *)node->data.scalar.value;
    s.len = node->data.scalar.length;
    s.kind = K_STRING;
    if (node->data.scalar.style != YAML_PLAIN_SCALAR_STYLE) {
        return s;
    }
    if (strcmp(s.text, "true") == 0 || strcmp(s.text, "True") == 0 || strcmp(s.text, "TRUE") == 0 ||
        strcmp(s.text, "false") == 0 || strcmp(s.text, "False") == 0 ||
        strcmp(s.text, "FALSE") == 0) {
        s.kind = K_BOOL;
        s.boolean = s.text[0] == 't' || s.text[0] == 'T';
    } else if (all_digits(s.text, s.len) && s.len < 18) {
        s.kind = K_INT;
        s.integer = strtoll(s.text, NULL, 10);
    } else if (strcmp(s.text, "null") == 0 || strcmp(s.text, "~") == 0 || s.len == 0) {
        s.kind = K_NULL;
    } else if (eventc_ce_parse_time(s.text, s.len, &ts, NULL) == EVENTC_OK) {
        s.kind = K_TIME;
    }
    return s;
}

static void put_string(eventc_buf *out, const char *s, size_t n)
{
    if (eventc_buf_append_json_string(out, s, n) != EVENTC_OK) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
}

static yaml_node_t *member(yaml_document_t *doc, yaml_node_t *map, const char *key)
{
    if (map == NULL || map->type != YAML_MAPPING_NODE) {
        return NULL;
    }
    for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
         p++) {
        yaml_node_t *k = yaml_document_get_node(doc, p->key);
        if (k && k->type == YAML_SCALAR_NODE && strcmp((char *)k->data.scalar.value, key) == 0) {
            return yaml_document_get_node(doc, p->value);
        }
    }
    return NULL;
}

/* Appends "key": value to a JSON object under construction. */
static void json_member(eventc_buf *out, const char *key, const yaml_node_t *value)
{
    scalar s = resolve(value);
    if (out->len > 1) {
        eventc_buf_putc(out, ',');
    }
    put_string(out, key, strlen(key));
    eventc_buf_putc(out, ':');
    switch (s.kind) {
    case K_BOOL:
        eventc_buf_append_str(out, s.boolean ? "true" : "false");
        break;
    case K_INT:
        eventc_buf_append_int64(out, s.integer);
        break;
    case K_NULL:
    case K_NONE:
        eventc_buf_append_str(out, "null");
        break;
    default:
        put_string(out, s.text, s.len);
    }
}

/* The case's event in the JSON format, or an empty buffer when the case has none. */
static void case_event(yaml_document_t *doc, yaml_node_t *test, eventc_buf *out)
{
    yaml_node_t *event = member(doc, test, "event");
    yaml_node_t *over = member(doc, test, "eventOverrides");
    yaml_node_t *base = event ? event : over;
    eventc_buf_reset(out);
    if (base == NULL) {
        return;
    }
    eventc_buf_putc(out, '{');
    if (event == NULL) {
        for (size_t i = 0; i < sizeof(default_event) / sizeof(default_event[0]); i++) {
            if (member(doc, over, default_event[i][0]) == NULL) {
                if (out->len > 1) {
                    eventc_buf_putc(out, ',');
                }
                put_string(out, default_event[i][0], strlen(default_event[i][0]));
                eventc_buf_putc(out, ':');
                put_string(out, default_event[i][1], strlen(default_event[i][1]));
            }
        }
    }
    for (yaml_node_t *m = base; m != NULL; m = (m == event ? over : NULL)) {
        if (m->type != YAML_MAPPING_NODE) {
            continue;
        }
        for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top;
             p++) {
            yaml_node_t *k = yaml_document_get_node(doc, p->key);
            json_member(out, (char *)k->data.scalar.value, yaml_document_get_node(doc, p->value));
        }
    }
    eventc_buf_putc(out, '}');
}

/* What an evaluation gave: a value of a CESQL type and an error kind name ("" for none). */
typedef struct outcome {
    kind kind; /* K_BOOL, K_INT, K_STRING, or K_NONE when not known */
    bool boolean;
    long long integer;
    char *text;
    char error[40];
    char detail[300];
} outcome;

static void run_here(const char *expr, const char *event_json, size_t event_len, outcome *o)
{
    eventc_ce_event ev;
    eventc_cesql *q = NULL;
    eventc_error err;
    eventc_arena scratch;
    eventc_cesql_result r;
    eventc_status st;
    eventc_ce_init(&ev, NULL);
    if (event_len == 0) {
        for (size_t i = 0; i < sizeof(default_event) / sizeof(default_event[0]); i++) {
            eventc_status s2 = EVENTC_OK;
            if (i == 1) {
                s2 = eventc_ce_set_id(&ev, default_event[i][1], NULL);
            } else if (i == 2) {
                s2 = eventc_ce_set_source(&ev, default_event[i][1], NULL);
            } else if (i == 3) {
                s2 = eventc_ce_set_type(&ev, default_event[i][1], NULL);
            }
            if (s2 != EVENTC_OK) {
                snprintf(o->detail, sizeof(o->detail), "cannot build the default event");
                return;
            }
        }
    } else if (eventc_ce_from_json(&ev, event_json, event_len, NULL, &err) != EVENTC_OK) {
        eventc_error_format(&err, o->detail, sizeof(o->detail));
        return;
    }
    st = eventc_cesql_compile(expr, strlen(expr), &q, &err);
    if (st != EVENTC_OK) {
        o->kind = K_BOOL;
        o->boolean = false;
        snprintf(o->error, sizeof(o->error), "%s",
                 eventc_cesql_error_name(eventc_cesql_compile_error_kind(st)));
        snprintf(o->detail, sizeof(o->detail), "at %zu: %s", err.offset, err.message);
        eventc_ce_clear(&ev);
        return;
    }
    eventc_arena_init(&scratch, NULL);
    if (eventc_cesql_eval(q, &ev, &scratch, &r) == EVENTC_OK) {
        switch (r.value.type) {
        case EVENTC_CESQL_BOOLEAN:
            o->kind = K_BOOL;
            o->boolean = r.value.boolean;
            break;
        case EVENTC_CESQL_INTEGER:
            o->kind = K_INT;
            o->integer = r.value.integer;
            break;
        case EVENTC_CESQL_STRING:
            o->kind = K_STRING;
            o->text = strdup(r.value.str);
            break;
        }
        snprintf(o->error, sizeof(o->error), "%s", eventc_cesql_error_name(r.error));
        snprintf(o->detail, sizeof(o->detail), "%s", r.error_message);
    }
    eventc_arena_free(&scratch);
    eventc_cesql_free(q);
    eventc_ce_clear(&ev);
}

/* Runs `eventc ce eval EXPR [FILE]` and reads its JSON answer. */
static void run_cli(const char *eventc, const char *expr, const char *event_json, size_t event_len,
                    outcome *o)
{
    char path[] = "/tmp/eventc-cesql-tck-XXXXXX";
    int fd = -1, status;
    eventc_buf out, err;
    json_object *doc, *result, *error;
    char *argv[] = {(char *)eventc, "ce", "eval", (char *)expr, NULL, NULL};
    if (event_len > 0) {
        fd = mkstemp(path);
        if (fd < 0 || write(fd, event_json, event_len) != (ssize_t)event_len) {
            snprintf(o->detail, sizeof(o->detail), "cannot write a temporary event file");
            if (fd >= 0) {
                close(fd);
                unlink(path);
            }
            return;
        }
        close(fd);
        argv[4] = path;
    }
    eventc_buf_init(&out, NULL);
    eventc_buf_init(&err, NULL);
    status = run_process(argv, NULL, &out, &err);
    if (event_len > 0) {
        unlink(path);
    }
    if (status != 0) {
        snprintf(o->detail, sizeof(o->detail), "exit status %d, output: %.100s %.100s", status,
                 eventc_buf_cstr(&out), eventc_buf_cstr(&err));
        eventc_buf_free(&out);
        eventc_buf_free(&err);
        return;
    }
    doc = json_tokener_parse(eventc_buf_cstr(&out));
    if (doc == NULL || !json_object_object_get_ex(doc, "result", &result) ||
        !json_object_object_get_ex(doc, "error", &error) || json_object_object_length(doc) != 2) {
        snprintf(o->detail, sizeof(o->detail), "not the expected JSON object: %.200s",
                 eventc_buf_cstr(&out));
    } else {
        if (json_object_is_type(result, json_type_boolean)) {
            o->kind = K_BOOL;
            o->boolean = json_object_get_boolean(result);
        } else if (json_object_is_type(result, json_type_int)) {
            o->kind = K_INT;
            o->integer = json_object_get_int64(result);
        } else if (json_object_is_type(result, json_type_string)) {
            o->kind = K_STRING;
            o->text = strdup(json_object_get_string(result));
        }
        snprintf(o->detail, sizeof(o->detail), "%.290s", eventc_buf_cstr(&err));
        if (json_object_is_type(error, json_type_string)) {
            snprintf(o->error, sizeof(o->error), "%s", json_object_get_string(error));
        } else if (error != NULL) {
            snprintf(o->detail, sizeof(o->detail), "error is neither null nor a string");
            o->kind = K_NONE;
        }
    }
    json_object_put(doc);
    eventc_buf_free(&out);
    eventc_buf_free(&err);
}

/* Whether outcome @p o has the expected result @p want. */
static bool same_result(const scalar *want, const outcome *o)
{
    eventc_timestamp a, b;
    switch (want->kind) {
    case K_BOOL:
        return o->kind == K_BOOL && o->boolean == want->boolean;
    case K_INT:
        return o->kind == K_INT && o->integer == want->integer;
    case K_TIME:
        if (o->kind == K_STRING && strcmp(o->text, want->text) == 0) {
            return true;
        }
        return o->kind == K_STRING &&
               eventc_ce_parse_time(o->text, strlen(o->text), &a, NULL) == EVENTC_OK &&
               eventc_ce_parse_time(want->text, want->len, &b, NULL) == EVENTC_OK &&
               eventc_timestamp_compare(a, b) == 0;
    default:
        return o->kind == K_STRING && strlen(o->text) == want->len &&
               memcmp(o->text, want->text, want->len) == 0;
    }
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    const char *cli = NULL;
    char dir[4096];
    char *files[64];
    size_t n_files = 0, cases = 0, failures = 0;
    DIR *d;
    struct dirent *e;
    eventc_buf event;
    if (argc == 4 && strcmp(argv[2], "--cli") == 0) {
        cli = argv[3];
    } else if (argc != 2) {
        fprintf(stderr, "usage: tck SHARED_DIR [--cli EVENTC]\n");
        return 2;
    }
    snprintf(dir, sizeof(dir), "%s/reference/cloudevents/cesql/cesql_tck", argv[1]);
    d = opendir(dir);
    if (d == NULL) {
        printf("SKIPPED: the CESQL TCK is not at %s\n", dir);
        return SKIP;
    }
    while ((e = readdir(d)) != NULL && n_files < sizeof(files) / sizeof(files[0])) {
        size_t len = strlen(e->d_name);
        if (len > 5 && strcmp(e->d_name + len - 5, ".yaml") == 0) {
            files[n_files++] = strdup(e->d_name);
        }
    }
    closedir(d);
    qsort(files, n_files, sizeof(files[0]), by_name);
    eventc_buf_init(&event, NULL);
    for (size_t f = 0; f < n_files; f++) {
        char path[4200];
        FILE *fp;
        yaml_parser_t parser;
        yaml_document_t doc;
        yaml_node_t *tests;
        size_t file_cases = 0;
        snprintf(path, sizeof(path), "%s/%s", dir, files[f]);
        fp = fopen(path, "rb");
        if (fp == NULL) {
            fprintf(stderr, "%s: cannot open\n", path);
            failures++;
            continue;
        }
        yaml_parser_initialize(&parser);
        yaml_parser_set_input_file(&parser, fp);
        if (!yaml_parser_load(&parser, &doc)) {
            fprintf(stderr, "%s: YAML error: %s\n", path, parser.problem);
            failures++;
            yaml_parser_delete(&parser);
            fclose(fp);
            continue;
        }
        tests = member(&doc, yaml_document_get_root_node(&doc), "tests");
        for (yaml_node_item_t *it = tests ? tests->data.sequence.items.start : NULL;
             it != NULL && it < tests->data.sequence.items.top; it++) {
            yaml_node_t *test = yaml_document_get_node(&doc, *it);
            scalar name = resolve(member(&doc, test, "name"));
            scalar expr = resolve(member(&doc, test, "expression"));
            scalar want = resolve(member(&doc, test, "result"));
            scalar want_error = resolve(member(&doc, test, "error"));
            outcome o;
            bool ok;
            memset(&o, 0, sizeof(o));
            cases++;
            file_cases++;
            case_event(&doc, test, &event);
            if (expr.kind == K_NONE) {
                fprintf(stderr, "%s: a case without an expression\n", files[f]);
                failures++;
                continue;
            }
            if (cli) {
                run_cli(cli, expr.text, eventc_buf_cstr(&event), event.len, &o);
            } else {
                run_here(expr.text, eventc_buf_cstr(&event), event.len, &o);
            }
            ok = o.kind != K_NONE && (want.kind == K_NONE || same_result(&want, &o));
            ok = ok && strcmp(o.error, want_error.kind == K_NONE ? "" : want_error.text) == 0;
            if (!ok) {
                failures++;
                fprintf(stderr,
                        "FAIL %s: %s\n  expression: %s\n  event: %s\n  want: %s, error %s\n"
                        "  got:  %s%s%lld%s, error %s (%s)\n",
                        files[f], name.text ? name.text : "?", expr.text,
                        event.len ? eventc_buf_cstr(&event) : "(default)",
                        want.kind == K_NONE ? "(any)" : want.text,
                        want_error.kind == K_NONE ? "none" : want_error.text,
                        o.kind == K_BOOL ? (o.boolean ? "true" : "false") : "",
                        o.kind == K_STRING ? o.text : "", o.kind == K_INT ? o.integer : 0LL,
                        o.kind == K_NONE ? "(nothing)" : "", o.error[0] ? o.error : "none",
                        o.detail);
            }
            free(o.text);
        }
        printf("%-36s %3zu cases\n", files[f], file_cases);
        yaml_document_delete(&doc);
        yaml_parser_delete(&parser);
        fclose(fp);
    }
    eventc_buf_free(&event);
    for (size_t f = 0; f < n_files; f++) {
        free(files[f]);
    }
    printf("CESQL TCK%s: %zu cases in %zu files, %zu passed, %zu failed\n",
           cli ? " through eventc ce eval" : "", cases, n_files, cases - failures, failures);
    return failures == 0 && cases > 0 ? 0 : 1;
}
