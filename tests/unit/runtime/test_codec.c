/* The descriptor-driven codec, exercised through hand-written descriptors shaped like generated
 * ones: decoding, every rejection rule with its JSON path, canonical encoding, round trips,
 * validation of values built in C, deep copy, and allocation failure at every point. */
#include "check.h"
#include "failing_alloc.h"

#include <eventc/eventc.h>

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

typedef enum color { COLOR_RED, COLOR_GREEN, COLOR_DARK_BLUE } color;

typedef struct money {
    int64_t amount;
    const char *currency;
    eventc_arena *arena_;
} money;

typedef struct sample {
    const char *event_name;
    const char *id;
    int64_t version;
    eventc_timestamp at;
    const char *note; /* optional, nullable */
    color shade;
    size_t n_tags;
    const char **tags;
    bool has_price;
    money price;
    double ratio;
    bool flag;
    const char *extra; /* json, optional */
    size_t n_history;
    money *history; /* optional */
    eventc_arena *arena_;
} sample;

static const char *const color_names[] = {"red", "green", "dark_blue"};
static const unsigned char color_lens[] = {3, 5, 9};
static const eventc_enum_desc color_desc = {"Color", color_names, color_lens, 3};

static const eventc_value_desc v_name = {.type = EVENTC_FT_STRING, .const_value = "Sample"};
static const eventc_value_desc v_id = {.type = EVENTC_FT_STRING,
                                       .flags = EVENTC_VF_MIN_LENGTH | EVENTC_VF_MAX_LENGTH,
                                       .min_length = 2,
                                       .max_length = 8,
                                       .pattern = "^[a-z0-9_]+$"};
static const eventc_value_desc v_version = {
    .type = EVENTC_FT_INT64, .flags = EVENTC_VF_MINIMUM | EVENTC_VF_MAXIMUM, .imin = 1, .imax = 9};
static const eventc_value_desc v_time = {.type = EVENTC_FT_TIMESTAMP};
static const eventc_value_desc v_str = {.type = EVENTC_FT_STRING};
static const eventc_value_desc v_color = {.type = EVENTC_FT_ENUM, .enum_desc = &color_desc};
static const eventc_value_desc v_tag = {
    .type = EVENTC_FT_STRING, .flags = EVENTC_VF_MIN_LENGTH, .min_length = 1};
static const eventc_value_desc v_tags = {.type = EVENTC_FT_ARRAY,
                                         .flags = EVENTC_VF_MIN_ITEMS | EVENTC_VF_MAX_ITEMS |
                                                  EVENTC_VF_UNIQUE,
                                         .min_items = 1,
                                         .max_items = 4,
                                         .items = &v_tag,
                                         .item_size = sizeof(const char *)};
static const eventc_value_desc v_amount = {
    .type = EVENTC_FT_INT64, .flags = EVENTC_VF_MINIMUM, .imin = 0};
static const eventc_value_desc v_currency = {.type = EVENTC_FT_STRING,
                                             .flags = EVENTC_VF_MIN_LENGTH | EVENTC_VF_MAX_LENGTH,
                                             .min_length = 3,
                                             .max_length = 3};
static const eventc_field_desc money_fields[] = {
    {"amount", 6, 0, offsetof(money, amount), SIZE_MAX, &v_amount},
    {"currency", 8, 0, offsetof(money, currency), SIZE_MAX, &v_currency},
};
static const eventc_type_desc money_desc = {
    "Money", sizeof(money), offsetof(money, arena_), money_fields, 2, 1, NULL};
static const eventc_value_desc v_money = {.type = EVENTC_FT_OBJECT, .object = &money_desc};
static const eventc_value_desc v_ratio = {.type = EVENTC_FT_DOUBLE,
                                          .flags = EVENTC_VF_EXCLUSIVE_MINIMUM | EVENTC_VF_MAXIMUM,
                                          .nexmin = 0.0,
                                          .nmax = 1.0};
static const eventc_value_desc v_bool = {.type = EVENTC_FT_BOOL};
static const eventc_value_desc v_json = {.type = EVENTC_FT_JSON};
static const eventc_value_desc v_history = {
    .type = EVENTC_FT_ARRAY, .items = &v_money, .item_size = sizeof(money)};

static const eventc_field_desc sample_fields[] = {
    {"event_name", 10, 0, offsetof(sample, event_name), SIZE_MAX, &v_name},
    {"id", 2, 0, offsetof(sample, id), SIZE_MAX, &v_id},
    {"version", 7, 0, offsetof(sample, version), SIZE_MAX, &v_version},
    {"at", 2, 0, offsetof(sample, at), SIZE_MAX, &v_time},
    {"note", 4, EVENTC_FF_OPTIONAL | EVENTC_FF_NULLABLE, offsetof(sample, note), SIZE_MAX, &v_str},
    {"shade", 5, 0, offsetof(sample, shade), SIZE_MAX, &v_color},
    {"tags", 4, 0, offsetof(sample, tags), offsetof(sample, n_tags), &v_tags},
    {"price", 5, EVENTC_FF_OPTIONAL, offsetof(sample, price), offsetof(sample, has_price),
     &v_money},
    {"ratio", 5, 0, offsetof(sample, ratio), SIZE_MAX, &v_ratio},
    {"flag", 4, 0, offsetof(sample, flag), SIZE_MAX, &v_bool},
    {"extra", 5, EVENTC_FF_OPTIONAL, offsetof(sample, extra), SIZE_MAX, &v_json},
    {"history", 7, EVENTC_FF_OPTIONAL, offsetof(sample, history), offsetof(sample, n_history),
     &v_history},
};
static const eventc_type_desc sample_desc = {
    "Sample", sizeof(sample), offsetof(sample, arena_), sample_fields, 12, 1, NULL};
static const eventc_type_desc sample_strict_desc = {
    "Sample", sizeof(sample), offsetof(sample, arena_), sample_fields, 12, 0, NULL};

static const char canonical[] =
    "{\"event_name\":\"Sample\",\"id\":\"ab_1\",\"version\":3,\"at\":\"2025-11-05T14:00:00.5Z\","
    "\"note\":\"caf\xc3\xa9 \\\"q\\\"\\n\",\"shade\":\"dark_blue\",\"tags\":[\"x\",\"y\"],"
    "\"price\":{\"amount\":1250,\"currency\":\"EUR\"},\"ratio\":0.25,\"flag\":true,"
    "\"extra\":{\"a\":[1,2,{\"b\":null}],\"s\":\" x \"},\"history\":[{\"amount\":1,"
    "\"currency\":\"USD\"}]}";

static void test_decode_valid(void)
{
    const char *json =
        " {\"id\" : \"ab_1\", \"event_name\":\"Sample\",\"version\":3,"
        "\"at\":\"2025-11-05T14:00:00.500Z\",\"note\":\"caf\\u00e9 \\\"q\\\"\\n\","
        "\"shade\":\"dark_blue\",\"tags\":[\"x\",\"y\"],\"unknown\":{\"deep\":[1,2,3]},"
        "\"price\":{\"currency\":\"EUR\",\"amount\":1250},\"ratio\":2.5e-1,\"flag\":true,"
        "\"extra\": { \"a\" : [1, 2, {\"b\": null}], \"s\": \" x \" },"
        "\"history\":[{\"amount\":1,\"currency\":\"USD\"}]} \n";
    sample s = {0};
    eventc_error err;
    CHECK(eventc_decode(&sample_desc, &s, json, strlen(json), NULL, &err) == EVENTC_OK);
    CHECK_STR(s.id, "ab_1");
    CHECK(s.version == 3);
    CHECK(s.at.nanos == 500000000);
    CHECK_STR(s.note, "caf\xc3\xa9 \"q\"\n");
    CHECK(s.shade == COLOR_DARK_BLUE);
    CHECK(s.n_tags == 2 && strcmp(s.tags[1], "y") == 0);
    CHECK(s.has_price && s.price.amount == 1250);
    CHECK_STR(s.price.currency, "EUR");
    CHECK(s.ratio == 0.25);
    CHECK(s.flag);
    CHECK_STR(s.extra, "{\"a\":[1,2,{\"b\":null}],\"s\":\" x \"}");
    CHECK(s.n_history == 1 && s.history[0].amount == 1);

    eventc_buf out;
    eventc_buf_init(&out, NULL);
    CHECK(eventc_encode(&sample_desc, &s, &out, &err) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&out), canonical);

    /* The canonical form is a fixed point, and decodes to an equal value. */
    sample t = {0};
    CHECK(eventc_decode(&sample_desc, &t, out.data, out.len, NULL, &err) == EVENTC_OK);
    CHECK(eventc_equal(&sample_desc, &s, &t));
    eventc_buf again;
    eventc_buf_init(&again, NULL);
    CHECK(eventc_encode(&sample_desc, &t, &again, &err) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&again), canonical);
    t.ratio = 0.5;
    CHECK(!eventc_equal(&sample_desc, &s, &t));

    /* Decoding into a used value reuses it. */
    CHECK(eventc_decode(&sample_desc, &t, canonical, strlen(canonical), NULL, &err) == EVENTC_OK);
    CHECK(eventc_equal(&sample_desc, &s, &t));

    /* Trusted encoding of a decoded value gives the same bytes; it skips rule checks but not
     * the range checks that keep the output valid JSON. */
    eventc_buf_reset(&again);
    CHECK(eventc_encode_ex(&sample_desc, &t, &again, EVENTC_ENCODE_TRUSTED, &err) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&again), canonical);
    t.version = 100; /* breaks the maximum, which only the checked encoder notices */
    eventc_buf_reset(&again);
    CHECK(eventc_encode(&sample_desc, &t, &again, &err) == EVENTC_E_MAXIMUM);
    CHECK(again.len == 0);
    CHECK(eventc_encode_ex(&sample_desc, &t, &again, EVENTC_ENCODE_TRUSTED, &err) == EVENTC_OK);
    t.shade = (color)9;
    eventc_buf_reset(&again);
    CHECK(eventc_encode_ex(&sample_desc, &t, &again, EVENTC_ENCODE_TRUSTED, &err) == EVENTC_E_ENUM);
    CHECK(again.len == 0);

    eventc_buf_free(&out);
    eventc_buf_free(&again);
    eventc_clear(&sample_desc, &s);
    eventc_clear(&sample_desc, &t);
    CHECK(s.arena_ == NULL && s.id == NULL);
}

typedef struct bad_case {
    const char *json;
    eventc_status code;
    const char *path;
} bad_case;

/* A valid document with one member replaced: `%s` stands for the member list. */
static char *with_members(const char *members)
{
    const char *base = "\"event_name\":\"Sample\",\"id\":\"ab\",\"version\":1,"
                       "\"at\":\"2025-01-01T00:00:00Z\",\"shade\":\"red\",\"tags\":[\"t\"],"
                       "\"ratio\":0.5,\"flag\":false";
    size_t n = strlen(base) + strlen(members) + 8;
    char *s = malloc(n);
    snprintf(s, n, "{%s%s%s}", base, *members ? "," : "", members);
    return s;
}

static void expect_bad(const char *json, eventc_status code, const char *path, int strict)
{
    sample s = {0};
    eventc_error err;
    eventc_decode_options o = eventc_decode_options_default();
    o.strict = strict;
    eventc_status st = eventc_decode(&sample_desc, &s, json, strlen(json), &o, &err);
    check_count++;
    if (st != code || strcmp(err.path, path) != 0) {
        check_failures++;
        fprintf(stderr, "decode %s\n  got %s at %s (%s), want %s at %s\n", json,
                eventc_status_code(st), err.path, err.message, eventc_status_code(code), path);
    }
    if (st == EVENTC_OK)
        eventc_clear(&sample_desc, &s);
    else
        CHECK(s.arena_ == NULL && s.id == NULL && s.tags == NULL);
}

static void expect_bad_members(const char *members, eventc_status code, const char *path)
{
    char *json = with_members(members);
    expect_bad(json, code, path, 0);
    free(json);
}

static void test_rejections(void)
{
    char *ok = with_members("");
    sample s = {0};
    eventc_error err;
    CHECK(eventc_decode(&sample_desc, &s, ok, strlen(ok), NULL, &err) == EVENTC_OK);
    eventc_clear(&sample_desc, &s);
    free(ok);

    expect_bad("", EVENTC_E_SYNTAX, "$", 0);
    expect_bad("[]", EVENTC_E_TYPE, "$", 0);
    expect_bad("{", EVENTC_E_SYNTAX, "$", 0);
    expect_bad("{\"id\" \"x\"}", EVENTC_E_SYNTAX, "$", 0);
    expect_bad("{\"id\":\"ab\",}", EVENTC_E_SYNTAX, "$", 0);
    expect_bad("{\"event_name\":\"Sample\"} x", EVENTC_E_REQUIRED, "$.id", 0);
    expect_bad("\xef\xbb\xbf{}", EVENTC_E_SYNTAX, "$", 0);
    expect_bad_members("\"note\":\"a\" ", EVENTC_E_OK, "");
    expect_bad_members("\"id\":\"ab\"", EVENTC_E_DUPLICATE_KEY, "$.id");
    expect_bad_members("\"zz\":1,\"zz\":2", EVENTC_E_DUPLICATE_KEY, "$.zz");
    /* Duplicate names are refused everywhere: in skipped unknown members, in `json` values,
     * written with escapes, and among many members (past the inline set, in the hash table). */
    expect_bad_members("\"zz\":{\"a\":1,\"b\":[{\"c\":1,\"c\":2}]}", EVENTC_E_DUPLICATE_KEY,
                       "$.zz.b[0].c");
    expect_bad_members("\"extra\":{\"k\":1,\"\\u006b\":2}", EVENTC_E_DUPLICATE_KEY,
                       "$.extra[\"\\u006b\"]");
    expect_bad_members("\"u1\":1,\"u\\u0031\":2", EVENTC_E_DUPLICATE_KEY, "$.u1");
    {
        char many[4096] = "";
        size_t len = 0;
        for (int i = 0; i < 40; i++)
            len +=
                (size_t)snprintf(many + len, sizeof many - len, "%s\"m%d\":%d", i ? "," : "", i, i);
        snprintf(many + len, sizeof many - len, ",\"m33\":0");
        expect_bad_members(many, EVENTC_E_DUPLICATE_KEY, "$.m33");
        char nested[4096];
        snprintf(nested, sizeof nested, "\"extra\":{%s}", many);
        expect_bad_members(nested, EVENTC_E_DUPLICATE_KEY, "$.extra.m33");
        many[len] = '\0';
        expect_bad_members(many, EVENTC_E_OK, "");
    }
    expect_bad_members("\"price\":{\"amount\":-1,\"currency\":\"EUR\"}", EVENTC_E_MINIMUM,
                       "$.price.amount");
    expect_bad_members("\"price\":{\"amount\":1}", EVENTC_E_REQUIRED, "$.price.currency");
    expect_bad_members("\"price\":{\"amount\":1,\"currency\":\"EURO\"}", EVENTC_E_MAX_LENGTH,
                       "$.price.currency");
    expect_bad_members("\"history\":[{\"amount\":1,\"currency\":\"USD\"},{\"amount\":\"1\"}]",
                       EVENTC_E_TYPE, "$.history[1].amount");
    expect_bad_members("\"note\":null", EVENTC_E_OK, "");
    expect_bad_members("\"price\":null", EVENTC_E_NULL_VALUE, "$.price");
    expect_bad_members("\"extra\":[1,2", EVENTC_E_SYNTAX, "$.extra");
    /* A number followed by more of one ("01") is refused where the reader stops: at the next
     * token, in the object, as the CloudEvents reader does. */
    expect_bad_members("\"extra\":01", EVENTC_E_SYNTAX, "$");
    expect_bad_members("\"price\":{\"amount\":01,\"currency\":\"EUR\"}", EVENTC_E_SYNTAX,
                       "$.price");
    /* U+0000 cannot be held in a C string, but is valid JSON where nothing is stored. */
    expect_bad_members("\"zz\":\"\\u0000\"", EVENTC_E_OK, "");
    expect_bad_members("\"extra\":\"\\ud800\"", EVENTC_E_UTF8, "$.extra");
    expect_bad_members("\"note\":\"\\u0000\"", EVENTC_E_UNSUPPORTED, "$.note");
    expect_bad_members("\"note\":\"a\tb\"", EVENTC_E_SYNTAX, "$.note");
    expect_bad_members("\"note\":\"\xc0\x80\"", EVENTC_E_UTF8, "$.note");
    expect_bad_members("\"note\":\"\\x\"", EVENTC_E_SYNTAX, "$.note");
    expect_bad_members("\"note\":tru", EVENTC_E_TYPE, "$.note");
    expect_bad_members("\"weird key\":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]"
                       "]]]]]]]]",
                       EVENTC_E_LIMIT,
                       "$[\"weird key\"][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]"
                       "[0][0][0][0][0][0][0][0][0][0][0][0]");

    expect_bad("{\"event_name\":\"Other\"}", EVENTC_E_CONST, "$.event_name", 0);
    expect_bad("{\"event_name\":\"Sample\",\"id\":\"a\"}", EVENTC_E_MIN_LENGTH, "$.id", 0);
    expect_bad("{\"event_name\":\"Sample\",\"id\":\"AB\"}", EVENTC_E_PATTERN, "$.id", 0);
    expect_bad("{\"event_name\":\"Sample\",\"id\":\"ab\",\"version\":10}", EVENTC_E_MAXIMUM,
               "$.version", 0);
    expect_bad("{\"event_name\":\"Sample\",\"id\":\"ab\",\"version\":1.5}", EVENTC_E_TYPE,
               "$.version", 0);
    expect_bad("{\"event_name\":\"Sample\",\"id\":\"ab\",\"version\":99999999999999999999}",
               EVENTC_E_RANGE, "$.version", 0);
    expect_bad("{\"event_name\":\"Sample\",\"id\":\"ab\",\"version\":\"1\"}", EVENTC_E_TYPE,
               "$.version", 0);
    expect_bad("{\"event_name\":\"Sample\",\"id\":\"ab\",\"version\":1,"
               "\"at\":\"2025-02-29T00:00:00Z\"}",
               EVENTC_E_TIMESTAMP, "$.at", 0);
    expect_bad("{\"event_name\":\"Sample\",\"id\":\"ab\",\"version\":1,"
               "\"at\":\"2025-02-28T00:00:00+01:00\"}",
               EVENTC_E_TIMESTAMP, "$.at", 0);
    expect_bad("{\"event_name\":\"Sample\",\"id\":\"ab\",\"version\":1,"
               "\"at\":\"2025-02-28T00:00:00Z\",\"shade\":\"blue\"}",
               EVENTC_E_ENUM, "$.shade", 0);
    expect_bad("{\"event_name\":\"Sample\",\"id\":\"ab\",\"version\":1,"
               "\"at\":\"2025-02-28T00:00:00Z\",\"shade\":\"red\",\"tags\":[]}",
               EVENTC_E_MIN_ITEMS, "$.tags", 0);
    expect_bad("{\"event_name\":\"Sample\",\"id\":\"ab\",\"version\":1,"
               "\"at\":\"2025-02-28T00:00:00Z\",\"shade\":\"red\",\"tags\":[\"a\",\"b\",\"a\"]}",
               EVENTC_E_UNIQUE, "$.tags[2]", 0);
    expect_bad("{\"event_name\":\"Sample\",\"id\":\"ab\",\"version\":1,"
               "\"at\":\"2025-02-28T00:00:00Z\",\"shade\":\"red\",\"tags\":[\"a\",\"\"]}",
               EVENTC_E_MIN_LENGTH, "$.tags[1]", 0);
    expect_bad("{\"event_name\":\"Sample\",\"id\":\"ab\",\"version\":1,"
               "\"at\":\"2025-02-28T00:00:00Z\",\"shade\":\"red\",\"tags\":[\"a\"],"
               "\"ratio\":0}",
               EVENTC_E_EXCLUSIVE_MINIMUM, "$.ratio", 0);
    expect_bad("{\"event_name\":\"Sample\",\"id\":\"ab\",\"version\":1,"
               "\"at\":\"2025-02-28T00:00:00Z\",\"shade\":\"red\",\"tags\":[\"a\"],"
               "\"ratio\":0.5,\"flag\":false}",
               EVENTC_E_OK, "", 0);
    expect_bad("{\"event_name\":\"Sample\",\"id\":\"ab\",\"version\":1,"
               "\"at\":\"2025-02-28T00:00:00Z\",\"shade\":\"red\",\"tags\":[\"a\"],"
               "\"ratio\":0.5}",
               EVENTC_E_REQUIRED, "$.flag", 0);
    expect_bad("{\"event_name\":\"Sample\",\"id\":\"ab\",\"version\":1,"
               "\"at\":\"2025-02-28T00:00:00Z\",\"shade\":\"red\",\"tags\":[\"a\"],"
               "\"ratio\":0.5,\"flag\":false,\"more\":1}",
               EVENTC_E_UNKNOWN_FIELD, "$.more", 1);
    {
        const char *doc = "{\"event_name\":\"Sample\",\"id\":\"ab\",\"version\":1,"
                          "\"at\":\"2025-02-28T00:00:00Z\",\"shade\":\"red\",\"tags\":[\"a\"],"
                          "\"ratio\":0.5,\"flag\":false,\"more\":1}";
        sample t = {0};
        CHECK(eventc_decode(&sample_strict_desc, &t, doc, strlen(doc), NULL, &err) ==
              EVENTC_E_UNKNOWN_FIELD);
        CHECK(err.offset > 0);
    }
}

static void test_validate_and_own(void)
{
    sample s = {0};
    eventc_error err;
    const char *tags[] = {"a", "b"};
    s.event_name = "Sample";
    s.id = "abc";
    s.version = 2;
    s.at.seconds = 1700000000;
    s.shade = COLOR_GREEN;
    s.tags = tags;
    s.n_tags = 2;
    s.ratio = 1.0;
    CHECK(eventc_validate(&sample_desc, &s, &err) == EVENTC_OK);
    s.shade = (color)7;
    CHECK(eventc_validate(&sample_desc, &s, &err) == EVENTC_E_ENUM);
    CHECK_STR(err.path, "$.shade");
    s.shade = COLOR_RED;
    tags[1] = "a";
    CHECK(eventc_validate(&sample_desc, &s, &err) == EVENTC_E_UNIQUE);
    CHECK_STR(err.path, "$.tags[1]");
    tags[1] = "\xff";
    CHECK(eventc_validate(&sample_desc, &s, &err) == EVENTC_E_UTF8);
    tags[1] = "b";
    s.id = NULL;
    CHECK(eventc_validate(&sample_desc, &s, &err) == EVENTC_E_REQUIRED);
    CHECK_STR(err.path, "$.id");
    char id[] = "xyz";
    s.id = id;
    s.extra = "{\"k\": [true]}";
    CHECK(eventc_own(&sample_desc, &s, NULL, &err) == EVENTC_OK);
    id[0] = 'q';
    tags[0] = "changed";
    CHECK_STR(s.id, "xyz");
    CHECK_STR(s.tags[0], "a");
    s.extra = "{bad";
    CHECK(eventc_validate(&sample_desc, &s, &err) == EVENTC_E_SYNTAX);
    CHECK_STR(err.path, "$.extra");
    s.extra = NULL;
    eventc_buf out;
    eventc_buf_init(&out, NULL);
    CHECK(eventc_encode(&sample_desc, &s, &out, &err) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&out),
              "{\"event_name\":\"Sample\",\"id\":\"xyz\",\"version\":2,"
              "\"at\":\"2023-11-14T22:13:20Z\",\"shade\":\"red\",\"tags\":[\"a\",\"b\"],"
              "\"ratio\":1,\"flag\":false}");
    s.version = 0;
    size_t before = out.len;
    CHECK(eventc_encode(&sample_desc, &s, &out, &err) == EVENTC_E_MINIMUM);
    CHECK(out.len == before);
    eventc_buf_free(&out);
    eventc_clear(&sample_desc, &s);
}

static void test_peek(void)
{
    const char *v;
    size_t n;
    int esc;
    eventc_error err;
    const char *doc = "{\"a\":{\"event_name\":\"no\"},\"event_name\":\"Yes\"}";
    CHECK(eventc_peek_string(doc, strlen(doc), "event_name", &v, &n, &esc, &err) == EVENTC_OK);
    CHECK(n == 3 && memcmp(v, "Yes", 3) == 0 && !esc);
    CHECK(eventc_peek_string("{\"b\":1}", 7, "event_name", &v, &n, &esc, &err) ==
          EVENTC_E_REQUIRED);
    CHECK_STR(err.path, "$.event_name");
    CHECK(eventc_peek_string("{\"event_name\":1}", 16, "event_name", &v, &n, &esc, &err) ==
          EVENTC_E_TYPE);
    CHECK(eventc_json_check("[1,{\"a\":\"\\u00e9\"}]", 18) == EVENTC_OK);
    CHECK(eventc_json_check("[1,]", 4) != EVENTC_OK);
    CHECK(eventc_json_check("1 2", 3) != EVENTC_OK);
}

static void test_alloc_failure(void)
{
    /* Big enough to need heap chunks beyond the arena's inline buffer. */
    char doc[8192];
    int len = snprintf(doc, sizeof(doc), "%s", canonical);
    doc[len - 1] = ',';
    len += snprintf(doc + len, sizeof(doc) - (size_t)len, "\"zpad\":\"");
    for (int i = 0; i < 3000; i++)
        doc[len++] = 'p';
    len += snprintf(doc + len, sizeof(doc) - (size_t)len, "\"}");
    int failures_seen = 0, succeeded = 0;
    for (long n = 1; n < 200 && !succeeded; n++) {
        failing f = {0};
        f.fail_at = (size_t)n;
        eventc_allocator a = failing_allocator(&f);
        eventc_decode_options o = eventc_decode_options_default();
        o.alloc = &a;
        sample s = {0};
        eventc_error err;
        eventc_status st = eventc_decode(&sample_desc, &s, doc, (size_t)len, &o, &err);
        if (st == EVENTC_OK) {
            succeeded = 1;
            CHECK(f.live_blocks > 0);
            eventc_clear(&sample_desc, &s);
        } else {
            failures_seen++;
            CHECK(st == EVENTC_E_NOMEM);
            CHECK(s.arena_ == NULL);
        }
        CHECK(f.live_blocks == 0 && f.size_mismatches == 0);
    }
    CHECK(succeeded);
    CHECK(failures_seen >= 2);
}

int main(void)
{
    test_decode_valid();
    test_rejections();
    test_validate_and_own();
    test_peek();
    test_alloc_failure();
    return check_report();
}
