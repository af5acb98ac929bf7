/* The JSON Schema back end: the timestamp pattern against the C timestamp parser, the portable
 * rewriting of catalog patterns, and the emitted files (order, determinism, keywords). */
#include "check.h"
#include "backends/emit_schema.h"
#include "model/model.h"
#include "front/check.h"

#include <eventc/eventc.h>
#include <eventc/regex.h>

#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int ts_regex(const char *s)
{
    return eventc_regex_search(gen_schema_timestamp_pattern, strlen(gen_schema_timestamp_pattern),
                               s, strlen(s));
}

static int ts_parse(const char *s)
{
    eventc_timestamp ts;
    return eventc_timestamp_parse(s, strlen(s), &ts) == EVENTC_OK;
}

static int ts_mismatches;

static void ts_same(const char *s)
{
    int r = ts_regex(s), p = ts_parse(s);
    if (r != p && ts_mismatches++ < 20)
        fprintf(stderr, "timestamp '%s': pattern %d, parser %d\n", s, r, p);
}

static void test_timestamp_pattern(void)
{
    CHECK(eventc_regex_check(gen_schema_timestamp_pattern, strlen(gen_schema_timestamp_pattern),
                             NULL) == EVENTC_OK);
    static const int years[] = {0,    1,    2,    3,    4,    100,  400,  1600,
                                1900, 2000, 2023, 2024, 2100, 2400, 9996, 9999};
    char buf[64];
    size_t valid = 0;
    for (size_t y = 0; y < sizeof(years) / sizeof(years[0]); y++)
        for (int mo = 0; mo <= 13; mo++)
            for (int d = 0; d <= 32; d++) {
                snprintf(buf, sizeof(buf), "%04d-%02d-%02dT12:34:56Z", years[y], mo, d);
                ts_same(buf);
                valid += (size_t)ts_parse(buf);
            }
    /* 16 years, 8 of them leap (0, 4, 400, 1600, 2000, 2024, 2400, 9996; not 1, 2, 3, 100, 1900,
     * 2023, 2100, 9999): every valid date of them, and nothing else, is accepted. */
    CHECK(valid == 8 * 366 + 8 * 365);
    for (int h = 0; h <= 25; h++)
        for (int mi = 0; mi <= 61; mi += 1)
            for (int s = 58; s <= 61; s++) {
                snprintf(buf, sizeof(buf), "2024-02-29T%02d:%02d:%02dZ", h, mi, s);
                ts_same(buf);
            }
    static const char *const odd[] = {"2024-02-29T00:00:00.1Z",
                                      "2024-02-29T00:00:00.123456789Z",
                                      "2024-02-29T00:00:00.1234567890Z",
                                      "2024-02-29T00:00:00.Z",
                                      "2024-02-29T00:00:00,5Z",
                                      "2024-02-29t00:00:00Z",
                                      "2024-02-29T00:00:00z",
                                      "2024-02-29 00:00:00Z",
                                      "2024-02-29T00:00:00+00:00",
                                      "2024-02-29T00:00Z",
                                      "2024-02-29T00:00:00Z\n",
                                      "x2024-02-29T00:00:00Z",
                                      "2024-02-29T00:00:00Zx",
                                      "02024-02-29T00:00:00Z",
                                      "",
                                      "2024-2-29T00:00:00Z",
                                      "2023-02-29T00:00:00Z",
                                      "1900-02-29T00:00:00Z",
                                      "2000-02-29T00:00:00Z",
                                      "0000-02-29T00:00:00Z",
                                      "9999-12-31T23:59:59.999999999Z"};
    for (size_t i = 0; i < sizeof(odd) / sizeof(odd[0]); i++)
        ts_same(odd[i]);
    CHECK(ts_mismatches == 0);
    CHECK(ts_regex("0000-02-29T00:00:00Z") == 1);
    CHECK(ts_regex("1900-02-29T00:00:00Z") == 0);
}

static int pat_mismatches;

static void portable_same(const char *pattern, const char *const *subjects, size_t n)
{
    char *p = gen_schema_portable_pattern(pattern);
    CHECK(eventc_regex_check(p, strlen(p), NULL) == EVENTC_OK);
    for (size_t i = 0; i < n; i++) {
        int a = eventc_regex_search(pattern, strlen(pattern), subjects[i], strlen(subjects[i]));
        int b = eventc_regex_search(p, strlen(p), subjects[i], strlen(subjects[i]));
        if (a != b && pat_mismatches++ < 20)
            fprintf(stderr, "pattern '%s' -> '%s' on '%s': %d vs %d\n", pattern, p, subjects[i], a,
                    b);
    }
    free(p);
}

static void test_portable_patterns(void)
{
    static const char *const subjects[] = {
        "",
        "a",
        "A",
        "_",
        "0",
        "9",
        "abc",
        "a1_",
        " ",
        "\t",
        "\n",
        "\r",
        "\v",
        "\f",
        "\xc2\xa0",
        "\xe2\x80\xa8",
        "\xe2\x80\xa9",
        "\xef\xbb\xbf",
        "\xe3\x80\x80",
        "\xd9\xa3",         /* ARABIC-INDIC DIGIT THREE: a digit to Python, not to ECMAScript */
        "\xc3\xa9",         /* e acute: a word character to Python, not to ECMAScript */
        "\xf0\x9f\x98\x80", /* an emoji, beyond the BMP */
        "a-b",
        "a&&b",
        "a~~b",
        "[x]",
        "^",
        "$",
        "\\",
        ".",
        "a.b",
        "x\ny",
        "ab\n",
        "-",
        "&",
        "~",
        "/",
        "{",
        "}",
        "|",
        "\x01",
        "\x7f",
        "AZaz09",
        "snake_case_1",
        "Snake"};
    static const char *const patterns[] = {"^\\d+$",
                                           "\\D",
                                           "^\\w*$",
                                           "\\W",
                                           "\\s",
                                           "\\S",
                                           "^.$",
                                           "a.b",
                                           "[\\d_]",
                                           "[^\\s]",
                                           "[\\D]",
                                           "[\\W\\d]",
                                           "[\\S]",
                                           "[a-z&&~]",
                                           "[-a]",
                                           "[a-]",
                                           "[\\-]",
                                           "[\\]\\[\\\\^]",
                                           "[^^]",
                                           "[]",
                                           "[^]",
                                           "\\u{1F600}",
                                           "\\uD83D\\uDE00",
                                           "[\\u{1F600}-\\u{1F64F}]",
                                           "\\x41\\u0042",
                                           "\\0?a",
                                           "\\/",
                                           "[/]",
                                           "\\.\\*\\+\\?",
                                           "\\n|\\t",
                                           "[\\n\\r\\v\\f\\t]",
                                           "\\u2028",
                                           "[\\u00a0-\\u00ff]",
                                           "^[a-z][a-z0-9]*(_[a-z0-9]+)*$",
                                           "(?:ab|cd){1,2}?",
                                           "^$",
                                           "a{2,}",
                                           "[\\x00-\\x1f]",
                                           "[\\uD800-\\uDFFF]",
                                           "\xc3\xa9+",
                                           "[\xc3\xa9\xf0\x9f\x98\x80]"};
    for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++)
        portable_same(patterns[i], subjects, sizeof(subjects) / sizeof(subjects[0]));
    CHECK(pat_mismatches == 0);

    char *p = gen_schema_portable_pattern("^\\d\\w\\s.$");
    CHECK_STR(p, "^[0-9][0-9A-Z_a-z][\\t-\\r \\u00A0\\u1680\\u2000-\\u200A\\u2028-\\u2029"
                 "\\u202F\\u205F\\u3000\\uFEFF][^\\n\\r\\u2028-\\u2029]$");
    free(p);
    p = gen_schema_portable_pattern("^[a-z][a-z0-9]*(_[a-z0-9]+)*$");
    CHECK_STR(p, "^[a-z][a-z0-9]*(_[a-z0-9]+)*$");
    free(p);
    p = gen_schema_portable_pattern("[-&]\\u{1F600}");
    CHECK_STR(p, "[\\-\\x26]\xf0\x9f\x98\x80");
    free(p);
    p = gen_schema_portable_pattern("(?<name>x)"); /* outside the subset: unchanged */
    CHECK_STR(p, "(?<name>x)");
    free(p);
}

typedef struct outputs {
    char names[64][96];
    char *data[64];
    size_t n;
} outputs;

static int collect(void *ctx, const char *relpath, const char *data, size_t len)
{
    outputs *o = ctx;
    if (o->n == 64)
        return 1;
    snprintf(o->names[o->n], sizeof(o->names[o->n]), "%s", relpath);
    o->data[o->n] = malloc(len + 1);
    memcpy(o->data[o->n], data, len);
    o->data[o->n][len] = '\0';
    o->n++;
    return 0;
}

static void outputs_free(outputs *o)
{
    for (size_t i = 0; i < o->n; i++)
        free(o->data[i]);
    o->n = 0;
}

static const char *find(const outputs *o, const char *name)
{
    for (size_t i = 0; i < o->n; i++)
        if (strcmp(o->names[i], name) == 0)
            return o->data[i];
    return NULL;
}

static int stop_after_two(void *ctx, const char *relpath, const char *data, size_t len)
{
    (void)relpath, (void)data, (void)len;
    return ++*(int *)ctx >= 2;
}

/* The member at a JSON pointer-like path of dot-separated keys, as JSON text. */
static const char *at(json_object *root, const char *path, char *buf, size_t n)
{
    char tmp[256];
    snprintf(tmp, sizeof(tmp), "%s", path);
    json_object *cur = root;
    for (char *tok = strtok(tmp, "."); tok && cur; tok = strtok(NULL, ".")) {
        json_object *next = NULL;
        cur = json_object_object_get_ex(cur, tok, &next) ? next : NULL;
    }
    snprintf(buf, n, "%s", cur ? json_object_to_json_string_ext(cur, JSON_C_TO_STRING_PLAIN) : "");
    return buf;
}

static void test_emit(const char *src)
{
    char *path = gen_format("%s/docs/examples/library.yaml", src);
    gen_diags d;
    gen_diags_init(&d);
    gen_model *m = gen_model_load(path, &d);
    gen_diags_print(&d, stderr);
    gen_diags_free(&d);
    free(path);
    CHECK(m != NULL);
    if (!m)
        return;
    outputs a = {0}, b = {0};
    CHECK(gen_emit_schema(m, NULL, collect, &a) == 0);
    CHECK(gen_emit_schema(m, NULL, collect, &b) == 0);
    /* envelope, 5 events, 1 object type, catalog, then the 5 events as CloudEvents */
    CHECK(a.n == 13);
    CHECK_STR(a.names[0], "schemas/envelope.schema.json");
    CHECK_STR(a.names[1], "schemas/book_acquired.schema.json");
    CHECK_STR(a.names[6], "schemas/money.schema.json");
    CHECK_STR(a.names[7], "schemas/catalog.schema.json");
    CHECK_STR(a.names[8], "schemas/cloudevents/book_acquired.cloudevent.schema.json");
    for (size_t i = 0; i < a.n && i < b.n; i++) {
        CHECK(strcmp(a.data[i], b.data[i]) == 0);
        size_t len = strlen(a.data[i]);
        CHECK(len > 2 && a.data[i][len - 1] == '\n' && a.data[i][len - 2] == '}');
        json_object *j = json_tokener_parse(a.data[i]);
        CHECK(j != NULL);
        json_object_put(j);
    }
    char buf[512];
    json_object *w = json_tokener_parse(find(&a, "schemas/book_withdrawn.schema.json"));
    CHECK_STR(at(w, "$schema", buf, sizeof(buf)),
              "\"http:\\/\\/json-schema.org\\/draft-07\\/schema#\"");
    CHECK_STR(at(w, "properties.reason.type", buf, sizeof(buf)), "[\"string\",\"null\"]");
    CHECK_STR(at(w, "properties.event_name.const", buf, sizeof(buf)), "\"BookWithdrawn\"");
    CHECK_STR(at(w, "properties.aggregate_type.const", buf, sizeof(buf)), "\"Book\"");
    CHECK_STR(at(w, "additionalProperties", buf, sizeof(buf)), "false");
    CHECK_STR(at(w, "required", buf, sizeof(buf)),
              "[\"event_name\",\"event_id\",\"aggregate_type\",\"aggregate_id\",\"occurred_at\","
              "\"version\",\"book_id\"]");
    CHECK_STR(at(w, "properties.version.maximum", buf, sizeof(buf)), "9223372036854775807");
    json_object_put(w);
    json_object *ac = json_tokener_parse(find(&a, "schemas/book_acquired.schema.json"));
    CHECK_STR(at(ac, "properties.price.$ref", buf, sizeof(buf)), "\"money.schema.json\"");
    CHECK_STR(at(ac, "properties.authors.uniqueItems", buf, sizeof(buf)), "true");
    CHECK_STR(at(ac, "properties.authors.maxItems", buf, sizeof(buf)), "20");
    CHECK_STR(at(ac, "properties.large_print.x-since", buf, sizeof(buf)), "2");
    CHECK_STR(at(ac, "properties.pages.minimum", buf, sizeof(buf)), "1");
    CHECK_STR(at(ac, "properties.occurred_at.format", buf, sizeof(buf)), "\"date-time\"");
    at(ac, "examples", buf, sizeof(buf));
    CHECK(strstr(buf, "\"The C Programming Language\"") != NULL);
    json_object_put(ac);
    json_object *lo = json_tokener_parse(find(&a, "schemas/loan_opened.schema.json"));
    CHECK_STR(at(lo, "properties.member_email.x-pii", buf, sizeof(buf)), "true");
    CHECK_STR(at(lo, "properties.member_card.deprecated", buf, sizeof(buf)), "true");
    CHECK(strstr(at(lo, "properties.member_card.x-deprecated-reason", buf, sizeof(buf)),
                 "retired") != NULL);
    json_object_put(lo);
    json_object *env = json_tokener_parse(find(&a, "schemas/envelope.schema.json"));
    CHECK_STR(at(env, "properties.aggregate_type.enum", buf, sizeof(buf)), "[\"Book\",\"Loan\"]");
    CHECK_STR(at(env, "additionalProperties", buf, sizeof(buf)), "true");
    json_object_put(env);
    json_object *mo = json_tokener_parse(find(&a, "schemas/money.schema.json"));
    CHECK_STR(at(mo, "properties.amount.exclusiveMaximum", buf, sizeof(buf)), "10000");
    CHECK_STR(at(mo, "$id", buf, sizeof(buf)),
              "\"https:\\/\\/example.com\\/schemas\\/library\\/money.schema.json\"");
    json_object_put(mo);
    outputs_free(&a);
    outputs_free(&b);

    gen_schema_options o2020 = {2020, 1};
    CHECK(gen_emit_schema(m, &o2020, collect, &a) == 0);
    json_object *s = json_tokener_parse(find(&a, "schemas/loan_returned.schema.json"));
    CHECK_STR(at(s, "$schema", buf, sizeof(buf)),
              "\"https:\\/\\/json-schema.org\\/draft\\/2020-12\\/schema\"");
    CHECK_STR(at(s, "additionalProperties", buf, sizeof(buf)), "false");
    json_object_put(s);
    s = json_tokener_parse(find(&a, "schemas/envelope.schema.json"));
    CHECK_STR(at(s, "additionalProperties", buf, sizeof(buf)), "true");
    json_object_put(s);
    outputs_free(&a);

    gen_schema_options bad = {4, 0};
    CHECK(gen_emit_schema(m, &bad, collect, &a) == -1);
    CHECK(a.n == 0);
    int calls = 0;
    CHECK(gen_emit_schema(m, NULL, stop_after_two, &calls) == -1);
    CHECK(calls == 2);
    gen_model_free(m);
}

int main(int argc, char **argv)
{
    const char *src = argc > 1 ? argv[1] : ".";
    test_timestamp_pattern();
    test_portable_patterns();
    test_emit(src);
    return check_report();
}
