/* `eventc ce eval EXPRESSION [EVENT.json]`: evaluates a CloudEvents SQL expression against an
 * event in the JSON format (or a minimal event) and prints {"result": ..., "error": ...}. */
#include "cmd_ce.h"

#include "io/ce_files.h"

#include <eventc/cesql.h>
#include <eventc/eventc.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EXIT_INPUT 1
#define EXIT_USAGE 2

static const char usage[] = "usage: eventc ce eval EXPRESSION [EVENT.json]\n";

const char gen_ce_eval_help[] =
    "\n"
    "Evaluates a CloudEvents SQL (CESQL v1.0) expression against EVENT.json, an event in the\n"
    "JSON format (- for standard input), or without it against an event that has only the\n"
    "required attributes: specversion 1.0, id 1, source /eventc, type eventc.ce.eval.\n"
    "Prints one JSON object on one line:\n"
    "\n"
    "  {\"result\": <boolean|integer|string>, \"error\": null | \"<kind>\"}\n"
    "\n"
    "where kind is parse, math, cast, missingAttribute, missingFunction, functionEvaluation or\n"
    "generic, as the CESQL TCK names them, and exits 0 whatever the expression gives; the\n"
    "error's position and explanation go to standard error. `--` ends the options, so an\n"
    "expression may start with '-'. Exit status: 0 evaluated, 1 unreadable or invalid\n"
    "EVENT.json, 2 usage error. See docs/cesql.md.\n"
    "\n"
    "  eventc ce eval \"type LIKE 'com.example.%' AND EXISTS subject\" event.json\n";

static int usage_error(const char *fmt, const char *arg)
{
    fputs("eventc ce eval: ", stderr);
    fprintf(stderr, fmt, arg);
    fputs("\n", stderr);
    fputs(usage, stderr);
    return EXIT_USAGE;
}

/* Prints where in @p expr byte @p offset is, as the line and a caret under it. */
static void show_position(const char *expr, size_t offset)
{
    size_t line_start = 0, line_end, column = 1, line = 1;
    size_t len = strlen(expr);
    if (offset > len) {
        offset = len;
    }
    for (size_t i = 0; i < offset; i++) {
        if (expr[i] == '\n') {
            line_start = i + 1;
            line++;
        }
    }
    for (size_t i = line_start; i < offset; i++) {
        if (((unsigned char)expr[i] & 0xC0) != 0x80) {
            column++;
        }
    }
    line_end = line_start;
    while (line_end < len && expr[line_end] != '\n') {
        line_end++;
    }
    if (line > 1) {
        fprintf(stderr, "  at line %zu, column %zu:\n", line, column);
    } else {
        fprintf(stderr, "  at column %zu:\n", column);
    }
    fprintf(stderr, "  %.*s\n  %*s^\n", (int)(line_end - line_start), expr + line_start,
            (int)(column - 1), "");
}

static bool default_event(eventc_ce_event *ev, eventc_error *err)
{
    eventc_ce_init(ev, NULL);
    return eventc_ce_set_id(ev, "1", err) == EVENTC_OK &&
           eventc_ce_set_source(ev, "/eventc", err) == EVENTC_OK &&
           eventc_ce_set_type(ev, "eventc.ce.eval", err) == EVENTC_OK;
}

static int print_result(const eventc_cesql_value *v, eventc_cesql_error_kind kind)
{
    eventc_buf out;
    eventc_status st = EVENTC_OK;
    eventc_buf_init(&out, NULL);
    eventc_buf_append_str(&out, "{\"result\": ");
    switch (v->type) {
    case EVENTC_CESQL_BOOLEAN:
        eventc_buf_append_str(&out, v->boolean ? "true" : "false");
        break;
    case EVENTC_CESQL_INTEGER:
        eventc_buf_append_int64(&out, v->integer);
        break;
    case EVENTC_CESQL_STRING:
        st = eventc_buf_append_json_string(&out, v->str, v->len);
        break;
    }
    eventc_buf_append_str(&out, ", \"error\": ");
    if (kind == EVENTC_CESQL_NO_ERROR) {
        eventc_buf_append_str(&out, "null");
    } else {
        eventc_buf_putc(&out, '"');
        eventc_buf_append_str(&out, eventc_cesql_error_name(kind));
        eventc_buf_putc(&out, '"');
    }
    eventc_buf_append_str(&out, "}\n");
    if (st != EVENTC_OK || out.data == NULL) {
        eventc_buf_free(&out);
        fputs("eventc ce eval: out of memory\n", stderr);
        return EXIT_INPUT;
    }
    fwrite(out.data, 1, out.len, stdout);
    eventc_buf_free(&out);
    return 0;
}

int gen_cmd_ce_eval(int argc, char **argv)
{
    const char *expr = NULL, *file = NULL;
    bool options = true;
    eventc_ce_event ev;
    eventc_error err;
    eventc_cesql *q = NULL;
    eventc_status st;
    int rc;
    for (int i = 2; i < argc; i++) {
        const char *s = argv[i];
        if (options && (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0)) {
            fputs(usage, stdout);
            fputs(gen_ce_eval_help, stdout);
            return 0;
        }
        if (options && strcmp(s, "--") == 0) {
            options = false;
        } else if (expr == NULL) {
            expr = s;
        } else if (file == NULL) {
            file = s;
        } else {
            return usage_error("unexpected argument '%s'", s);
        }
    }
    if (expr == NULL) {
        return usage_error("%s", "missing EXPRESSION");
    }
    if (file == NULL) {
        if (!default_event(&ev, &err)) {
            eventc_ce_clear(&ev);
            fprintf(stderr, "eventc ce eval: error: %s\n", err.message);
            return EXIT_INPUT;
        }
    } else {
        char *data = NULL;
        size_t len = 0;
        if (!gen_ce_file_read(file, 0, &data, &len)) {
            fprintf(stderr, "%s: error: cannot read: %s\n", file, strerror(errno));
            return EXIT_INPUT;
        }
        eventc_ce_init(&ev, NULL);
        st = eventc_ce_from_json(&ev, data, len, NULL, &err);
        free(data);
        if (st != EVENTC_OK) {
            char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 32];
            eventc_error_format(&err, line, sizeof(line));
            fprintf(stderr, "%s: error: %s\n", file, line);
            return EXIT_INPUT;
        }
    }
    st = eventc_cesql_compile(expr, strlen(expr), &q, &err);
    if (st != EVENTC_OK) {
        eventc_cesql_value no = {EVENTC_CESQL_BOOLEAN, false, 0, NULL, 0};
        eventc_cesql_error_kind kind = eventc_cesql_compile_error_kind(st);
        fprintf(stderr, "eventc ce eval: %s error: %s\n", eventc_cesql_error_name(kind),
                err.message);
        show_position(expr, err.offset);
        rc = print_result(&no, kind);
    } else {
        eventc_arena scratch;
        eventc_cesql_result r;
        eventc_arena_init(&scratch, NULL);
        st = eventc_cesql_eval(q, &ev, &scratch, &r);
        if (r.error != EVENTC_CESQL_NO_ERROR) {
            fprintf(stderr, "eventc ce eval: %s error: %s\n", eventc_cesql_error_name(r.error),
                    r.error_message);
            show_position(expr, r.error_offset);
        }
        rc = print_result(&r.value, r.error);
        if (st != EVENTC_OK) {
            rc = EXIT_INPUT;
        }
        eventc_arena_free(&scratch);
    }
    eventc_cesql_free(q);
    eventc_ce_clear(&ev);
    return rc;
}
