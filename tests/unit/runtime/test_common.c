/* Status tables, the error record, the allocator hook and default limits. */
#include <eventc/eventc.h>

#include <stdlib.h>
#include <string.h>

#include "check.h"

static void test_status_tables(void)
{
    CHECK(EVENTC_OK == 0);
    CHECK(EVENTC_E_OK == EVENTC_OK);
    CHECK_STR(eventc_status_code(EVENTC_OK), "ok");
    CHECK_STR(eventc_status_code(EVENTC_E_NOMEM), "nomem");
    CHECK_STR(eventc_status_code(EVENTC_E_INVALID_ARGUMENT), "invalid_argument");
    CHECK_STR(eventc_status_code(EVENTC_E_IO), "io");
    CHECK_STR(eventc_status_code(EVENTC_E_SYNTAX), "syntax");
    CHECK_STR(eventc_status_code(EVENTC_E_UTF8), "utf8");
    CHECK_STR(eventc_status_code(EVENTC_E_LIMIT), "limit");
    CHECK_STR(eventc_status_code(EVENTC_E_TYPE), "type");
    CHECK_STR(eventc_status_code(EVENTC_E_REQUIRED), "required");
    CHECK_STR(eventc_status_code(EVENTC_E_DUPLICATE_KEY), "duplicate_key");
    CHECK_STR(eventc_status_code(EVENTC_E_UNKNOWN_FIELD), "unknown_field");
    CHECK_STR(eventc_status_code(EVENTC_E_NULL_VALUE), "null");
    CHECK_STR(eventc_status_code(EVENTC_E_MIN_LENGTH), "min_length");
    CHECK_STR(eventc_status_code(EVENTC_E_MAX_LENGTH), "max_length");
    CHECK_STR(eventc_status_code(EVENTC_E_PATTERN), "pattern");
    CHECK_STR(eventc_status_code(EVENTC_E_MINIMUM), "minimum");
    CHECK_STR(eventc_status_code(EVENTC_E_MAXIMUM), "maximum");
    CHECK_STR(eventc_status_code(EVENTC_E_EXCLUSIVE_MINIMUM), "exclusive_minimum");
    CHECK_STR(eventc_status_code(EVENTC_E_EXCLUSIVE_MAXIMUM), "exclusive_maximum");
    CHECK_STR(eventc_status_code(EVENTC_E_ENUM), "enum");
    CHECK_STR(eventc_status_code(EVENTC_E_CONST), "const");
    CHECK_STR(eventc_status_code(EVENTC_E_TIMESTAMP), "timestamp");
    CHECK_STR(eventc_status_code(EVENTC_E_MIN_ITEMS), "min_items");
    CHECK_STR(eventc_status_code(EVENTC_E_MAX_ITEMS), "max_items");
    CHECK_STR(eventc_status_code(EVENTC_E_UNIQUE), "unique");
    CHECK_STR(eventc_status_code(EVENTC_E_RANGE), "range");
    CHECK_STR(eventc_status_code(EVENTC_E_STATE), "state");
    CHECK_STR(eventc_status_code(EVENTC_E_CLOUDEVENTS), "cloudevents");
    CHECK_STR(eventc_status_code(EVENTC_E_UNSUPPORTED), "unsupported");
    /* The delivery codes, appended after the codec's so no earlier value moved. */
    CHECK(EVENTC_E_TIMEOUT == EVENTC_E_UNSUPPORTED + 1);
    CHECK_STR(eventc_status_code(EVENTC_E_TIMEOUT), "timeout");
    CHECK_STR(eventc_status_code(EVENTC_E_FULL), "full");
    CHECK_STR(eventc_status_code(EVENTC_E_CLOSED), "closed");
    CHECK_STR(eventc_status_code(EVENTC_E_CONFLICT), "conflict");
    CHECK_STR(eventc_status_code(EVENTC_E_UNAVAILABLE), "unavailable");
    CHECK_STR(eventc_status_code(EVENTC_E_SIGNATURE), "signature");
    CHECK_STR(eventc_strerror(EVENTC_E_UTF8), "invalid UTF-8");
    CHECK_STR(eventc_strerror(EVENTC_OK), "success");

    /* Values outside the enumeration, including negative ones. */
    CHECK_STR(eventc_status_code(EVENTC_STATUS_COUNT), "unknown");
    CHECK_STR(eventc_strerror(EVENTC_STATUS_COUNT), "unknown");
    CHECK_STR(eventc_status_code((eventc_status)1000), "unknown");
    CHECK_STR(eventc_strerror((eventc_status)-1), "unknown");

    /* Every code has non-empty, distinct text. */
    {
        int i;
        int j;
        for (i = 0; i < EVENTC_STATUS_COUNT; i++) {
            CHECK(strlen(eventc_status_code((eventc_status)i)) > 0);
            CHECK(strlen(eventc_strerror((eventc_status)i)) > 0);
            for (j = 0; j < i; j++) {
                CHECK(strcmp(eventc_status_code((eventc_status)i),
                             eventc_status_code((eventc_status)j)) != 0);
            }
        }
    }
}

static void test_error_set(void)
{
    eventc_error err;
    char line[512];

    eventc_error_clear(&err);
    CHECK(err.code == EVENTC_OK);
    CHECK(err.path[0] == '\0' && err.message[0] == '\0' && err.offset == 0);
    eventc_error_clear(NULL);

    CHECK(eventc_error_set(&err, EVENTC_E_MAX_LENGTH, "$.changed_fields[2]", "too long (%d > %d)",
                           12, 8) == EVENTC_E_MAX_LENGTH);
    CHECK(err.code == EVENTC_E_MAX_LENGTH);
    CHECK_STR(err.path, "$.changed_fields[2]");
    CHECK_STR(err.message, "too long (12 > 8)");
    CHECK(eventc_error_format(&err, line, sizeof line) == strlen(line));
    CHECK_STR(line, "$.changed_fields[2]: too long (12 > 8) [max_length]");

    /* NULL err: nothing recorded, code still returned. */
    CHECK(eventc_error_set(NULL, EVENTC_E_TYPE, "$.x", "x") == EVENTC_E_TYPE);

    /* NULL path and fmt give empty fields; the format falls back to the description. */
    eventc_error_set(&err, EVENTC_E_REQUIRED, NULL, NULL);
    CHECK_STR(err.path, "");
    CHECK_STR(err.message, "");
    eventc_error_format(&err, line, sizeof line);
    CHECK_STR(line, "required field is missing [required]");

    eventc_error_set(&err, EVENTC_E_SYNTAX, "", "unexpected '%c'", '}');
    err.offset = 17;
    eventc_error_format(&err, line, sizeof line);
    CHECK_STR(line, "unexpected '}' [syntax]");
    eventc_error_set(&err, EVENTC_E_SYNTAX, NULL, "x");
    CHECK(err.offset == 0);

    /* Rewriting an error in place: path and message may come from the record itself. */
    eventc_error_set(&err, EVENTC_E_MIN_LENGTH, "$.name", "too short");
    eventc_error_set(&err, err.code, "$.items[3]", "%s (in %s)", err.message, err.path);
    CHECK_STR(err.path, "$.items[3]");
    CHECK_STR(err.message, "too short (in $.name)");
    eventc_error_set(&err, EVENTC_E_ENUM, err.path, "%s", err.message);
    CHECK(err.code == EVENTC_E_ENUM);
    CHECK_STR(err.path, "$.items[3]");
    CHECK_STR(err.message, "too short (in $.name)");

    eventc_error_clear(&err);
    eventc_error_format(&err, line, sizeof line);
    CHECK_STR(line, "success [ok]");
    eventc_error_format(NULL, line, sizeof line);
    CHECK_STR(line, "success [ok]");
}

static void test_error_truncation(void)
{
    eventc_error err;
    char big[1000];
    char line[16];
    size_t full;
    size_t i;

    memset(big, 'p', sizeof big - 1);
    big[sizeof big - 1] = '\0';
    eventc_error_set(&err, EVENTC_E_PATTERN, big, "%s", big);
    CHECK(strlen(err.path) == EVENTC_ERROR_PATH_MAX - 1);
    CHECK(strlen(err.message) == EVENTC_ERROR_MESSAGE_MAX - 1);
    CHECK(err.code == EVENTC_E_PATTERN);

    /* A truncated multi-byte character is dropped whole, leaving valid UTF-8. Fill so that
     * the 3-byte U+20AC straddles the cut at every possible position. */
    for (i = 0; i < 4; i++) {
        size_t len;
        memset(big, 'a', sizeof big);
        memcpy(big + EVENTC_ERROR_MESSAGE_MAX - 4 + i, "\xE2\x82\xAC", 3);
        big[EVENTC_ERROR_MESSAGE_MAX + 10] = '\0';
        eventc_error_set(&err, EVENTC_E_PATTERN, big, "%s", big);
        len = strlen(err.message);
        CHECK(eventc_utf8_check(err.message, len, NULL));
        CHECK(eventc_utf8_check(err.path, strlen(err.path), NULL));
        CHECK(len >= EVENTC_ERROR_MESSAGE_MAX - 4 && len <= EVENTC_ERROR_MESSAGE_MAX - 1);
    }
    /* Four-byte character at the very end of the path field. */
    memset(big, 'a', sizeof big);
    memcpy(big + EVENTC_ERROR_PATH_MAX - 3, "\xF0\x9F\x98\x80", 4);
    big[EVENTC_ERROR_PATH_MAX + 5] = '\0';
    eventc_error_set(&err, EVENTC_E_PATTERN, big, "m");
    CHECK(strlen(err.path) == EVENTC_ERROR_PATH_MAX - 3);

    /* Formatting into a small buffer truncates but reports the full length. */
    eventc_error_set(&err, EVENTC_E_ENUM, "$.kind", "not one of sms, mms");
    full = eventc_error_format(&err, NULL, 0);
    CHECK(full == strlen("$.kind: not one of sms, mms [enum]"));
    CHECK(eventc_error_format(&err, line, sizeof line) == full);
    CHECK_STR(line, "$.kind: not one");
    CHECK(eventc_error_format(&err, line, 1) == full);
    CHECK(line[0] == '\0');
}

/* Counting allocator: checks that sizes passed to free match the allocation. */
typedef struct counting {
    size_t live_blocks;
    size_t live_bytes;
    size_t calls;
    size_t fail_at; /* 0: never fail */
} counting;

static void *count_alloc(void *ctx, size_t size)
{
    counting *c = ctx;
    size_t *p;
    if (++c->calls == c->fail_at) {
        return NULL;
    }
    p = malloc(sizeof(size_t) * 2 + size);
    if (p == NULL) {
        return NULL;
    }
    p[0] = size;
    c->live_blocks++;
    c->live_bytes += size;
    return p + 2;
}

static void count_free(void *ctx, void *ptr, size_t size)
{
    counting *c = ctx;
    size_t *p = (size_t *)ptr - 2;
    CHECK(p[0] == size);
    c->live_blocks--;
    c->live_bytes -= size;
    free(p);
}

static void test_allocator(void)
{
    counting c = {0, 0, 0, 0};
    /* No realloc hook: eventc_realloc emulates it with alloc + copy + free. */
    eventc_allocator a = {count_alloc, NULL, count_free, &c};
    char *p;
    char *q;
    void *m;

    p = eventc_alloc(&a, 4);
    CHECK(p != NULL);
    memcpy(p, "abc", 4);
    q = eventc_realloc(&a, p, 4, 100);
    CHECK(q != NULL);
    CHECK_STR(q, "abc");
    CHECK(c.live_blocks == 1 && c.live_bytes == 100);
    c.fail_at = c.calls + 1;
    CHECK(eventc_realloc(&a, q, 100, 200) == NULL);
    CHECK_STR(q, "abc"); /* untouched on failure */
    c.fail_at = 0;
    eventc_free(&a, q, 100);
    CHECK(c.live_blocks == 0 && c.live_bytes == 0);
    eventc_free(&a, NULL, 5);

    /* Zero sizes are one byte, consistently in alloc and free. */
    p = eventc_alloc(&a, 0);
    CHECK(p != NULL);
    eventc_free(&a, p, 0);
    CHECK(c.live_blocks == 0);

    /* realloc of NULL allocates. */
    p = eventc_realloc(&a, NULL, 0, 8);
    CHECK(p != NULL);
    eventc_free(&a, p, 8);
    CHECK(c.live_blocks == 0);

    /* The default allocator. */
    m = eventc_alloc(NULL, 10);
    CHECK(m != NULL);
    m = eventc_realloc(NULL, m, 10, 1000);
    CHECK(m != NULL);
    eventc_free(NULL, m, 1000);
    eventc_free(NULL, NULL, 0);
}

static void test_limits(void)
{
    eventc_limits lim = eventc_limits_default();
    eventc_limits init = EVENTC_LIMITS_DEFAULT;
    CHECK(lim.max_input == 1024u * 1024u);
    CHECK(lim.max_depth == 32);
    CHECK(lim.max_string == 64u * 1024u);
    CHECK(lim.max_items == 4096);
    CHECK(init.max_input == lim.max_input && init.max_depth == lim.max_depth &&
          init.max_string == lim.max_string && init.max_items == lim.max_items);
}

static void test_version(void)
{
    CHECK(EVENTC_ABI_VERSION == 1);
    CHECK_STR(EVENTC_VERSION_STRING, "0.1.0");
}

int main(void)
{
    test_status_tables();
    test_error_set();
    test_error_truncation();
    test_allocator();
    test_limits();
    test_version();
    return check_report();
}
