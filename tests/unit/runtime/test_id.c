/* ULID generation (monotonic), ULID and UUID checks, UUID v4. */
#include <eventc/eventc.h>

#include <stdlib.h>
#include <string.h>

#include "check.h"

static bool ulid_ok(const char *s)
{
    return eventc_ulid_check(s, strlen(s));
}

static bool uuid_ok(const char *s)
{
    return eventc_uuid_check(s, strlen(s));
}

static void test_known_vector(void)
{
    eventc_ulid_gen g;
    char id[EVENTC_ULID_LEN + 1];
    uint64_t ms = 0;

    eventc_ulid_gen_init(&g);
    CHECK(eventc_ulid_gen_next(&g, 1469918176385, id) == EVENTC_OK);
    CHECK(strlen(id) == EVENTC_ULID_LEN);
    CHECK(strncmp(id, "01ARYZ6S41", 10) == 0);
    CHECK(ulid_ok(id));
    CHECK(eventc_ulid_time(id, strlen(id), &ms) && ms == 1469918176385);

    CHECK(eventc_ulid_time("01ARYZ6S41TSV4RRFFQ69G5FAV", 26, &ms) && ms == 1469918176385);
    CHECK(eventc_ulid_time("01aryz6s41tsv4rrffq69g5fav", 26, &ms) && ms == 1469918176385);
    CHECK(eventc_ulid_time("00000000000000000000000000", 26, &ms) && ms == 0);
    CHECK(eventc_ulid_time("7ZZZZZZZZZZZZZZZZZZZZZZZZZ", 26, &ms) && ms == EVENTC_ULID_MAX_MS);
    ms = 5;
    CHECK(!eventc_ulid_time("8ZZZZZZZZZZZZZZZZZZZZZZZZZ", 26, &ms) && ms == 5);

    /* The largest timestamp encodes, one more does not. */
    eventc_ulid_gen_init(&g);
    CHECK(eventc_ulid_gen_next(&g, EVENTC_ULID_MAX_MS, id) == EVENTC_OK);
    CHECK(strncmp(id, "7ZZZZZZZZZ", 10) == 0);
    CHECK(eventc_ulid_gen_next(&g, EVENTC_ULID_MAX_MS + 1, id) == EVENTC_E_INVALID_ARGUMENT);
}

static void test_monotonic(void)
{
    enum { COUNT = 100000 };
    eventc_ulid_gen g;
    char *ids = malloc((size_t)COUNT * (EVENTC_ULID_LEN + 1));
    char id[EVENTC_ULID_LEN + 1];
    char prev[EVENTC_ULID_LEN + 1];
    bool ok = true;
    int i;

    CHECK(ids != NULL);
    if (ids == NULL) {
        return;
    }
    /* 100,000 ids within one millisecond strictly increase and share the time prefix. */
    eventc_ulid_gen_init(&g);
    for (i = 0; i < COUNT; i++) {
        char *cur = ids + (size_t)i * (EVENTC_ULID_LEN + 1);
        ok = ok && eventc_ulid_gen_next(&g, 1700000000000, cur) == EVENTC_OK;
        ok = ok && eventc_ulid_check(cur, EVENTC_ULID_LEN);
        ok = ok && strncmp(cur, ids, 10) == 0;
        ok = ok && (i == 0 || strcmp(cur - (EVENTC_ULID_LEN + 1), cur) < 0);
    }
    CHECK(ok);
    free(ids);

    /* Across milliseconds ids sort by time; a clock going back keeps the last millisecond. */
    eventc_ulid_gen_init(&g);
    CHECK(eventc_ulid_gen_next(&g, 1000, prev) == EVENTC_OK);
    ok = true;
    for (i = 1; i < 2000; i++) {
        uint64_t ms = 1000 + (uint64_t)(i / 3);
        if (i % 50 == 0) {
            ms -= 7; /* backwards */
        }
        ok = ok && eventc_ulid_gen_next(&g, ms, id) == EVENTC_OK;
        ok = ok && strcmp(prev, id) < 0;
        memcpy(prev, id, sizeof id);
    }
    CHECK(ok);
    {
        uint64_t ms = 0;
        CHECK(eventc_ulid_gen_next(&g, 5, id) == EVENTC_OK); /* far back */
        CHECK(eventc_ulid_time(id, EVENTC_ULID_LEN, &ms) && ms == 1000 + 1999 / 3);
        CHECK(strcmp(prev, id) < 0);
    }

    /* Random part overflowing within one millisecond is refused, leaving state alone. */
    eventc_ulid_gen_init(&g);
    g.last_ms = 42;
    memset(g.last, 0xFF, sizeof g.last);
    g.last[9] = 0xFE;
    CHECK(eventc_ulid_gen_next(&g, 42, id) == EVENTC_OK);
    CHECK(strcmp(id + 10, "ZZZZZZZZZZZZZZZZ") == 0);
    memcpy(prev, id, sizeof id);
    CHECK(eventc_ulid_gen_next(&g, 42, id) == EVENTC_E_LIMIT);
    CHECK(strcmp(prev, id) == 0);
    CHECK(eventc_ulid_gen_next(&g, 41, id) == EVENTC_E_LIMIT);
    /* A new millisecond recovers. */
    CHECK(eventc_ulid_gen_next(&g, 43, id) == EVENTC_OK);
    CHECK(strcmp(prev, id) < 0);

    /* Carry across bytes of the random part. */
    eventc_ulid_gen_init(&g);
    g.last_ms = 42;
    memset(g.last, 0, sizeof g.last);
    g.last[9] = 0xFF;
    g.last[8] = 0xFF;
    CHECK(eventc_ulid_gen_next(&g, 42, id) == EVENTC_OK);
    CHECK(g.last[7] == 1 && g.last[8] == 0 && g.last[9] == 0);
    CHECK(strcmp(id + 10, "0000000000002000") == 0);
}

static void test_thread_generator(void)
{
    char prev[EVENTC_ULID_LEN + 1];
    char id[EVENTC_ULID_LEN + 1];
    uint64_t ms = 0;
    eventc_timestamp now;
    bool ok = true;
    int i;

    CHECK(eventc_ulid_new(prev) == EVENTC_OK);
    CHECK(ulid_ok(prev));
    for (i = 0; i < 10000; i++) {
        ok = ok && eventc_ulid_new(id) == EVENTC_OK;
        ok = ok && strcmp(prev, id) < 0;
        memcpy(prev, id, sizeof id);
    }
    CHECK(ok);
    CHECK(eventc_timestamp_now(&now) == EVENTC_OK);
    CHECK(eventc_ulid_time(id, EVENTC_ULID_LEN, &ms));
    CHECK(ms <= (uint64_t)eventc_timestamp_to_unix_ms(now));
    CHECK(ms + 60000 > (uint64_t)eventc_timestamp_to_unix_ms(now));

    /* new_at shares the same per-thread sequence. */
    CHECK(eventc_ulid_new_at(ms + 100000, id) == EVENTC_OK);
    CHECK(strcmp(prev, id) < 0);
    CHECK(eventc_ulid_new(prev) == EVENTC_OK);
    CHECK(strcmp(id, prev) < 0); /* the clock is behind: order is kept */
}

static void test_ulid_check(void)
{
    CHECK(ulid_ok("01ARYZ6S41TSV4RRFFQ69G5FAV"));
    CHECK(ulid_ok("01aryz6s41tsv4rrffq69g5fav"));
    CHECK(ulid_ok("7ZZZZZZZZZZZZZZZZZZZZZZZZZ"));
    CHECK(ulid_ok("00000000000000000000000000"));
    CHECK(!ulid_ok("8ZZZZZZZZZZZZZZZZZZZZZZZZZ"));  /* timestamp above 48 bits */
    CHECK(!ulid_ok("01ARYZ6S41TSV4RRFFQ69G5FA"));   /* 25 */
    CHECK(!ulid_ok("01ARYZ6S41TSV4RRFFQ69G5FAVX")); /* 27 */
    CHECK(!ulid_ok(""));
    CHECK(!ulid_ok("01ARYZ6S41TSV4RRFFQ69G5FAI"));
    CHECK(!ulid_ok("01ARYZ6S41TSV4RRFFQ69G5FAL"));
    CHECK(!ulid_ok("01ARYZ6S41TSV4RRFFQ69G5FAO"));
    CHECK(!ulid_ok("01ARYZ6S41TSV4RRFFQ69G5FAU"));
    CHECK(!ulid_ok("01ARYZ6S41TSV4RRFFQ69G5FAi"));
    CHECK(!ulid_ok("01ARYZ6S41TSV4RRFFQ69G5FA-"));
    CHECK(!ulid_ok("01ARYZ6S41TSV4RRFFQ69G5FA "));
    CHECK(!eventc_ulid_check("01ARYZ6S41TSV4RRFFQ69G5FA\0", 26));
    CHECK(!eventc_ulid_check(NULL, 0));
}

static void test_uuid(void)
{
    char id[EVENTC_UUID_LEN + 1];
    char prev[EVENTC_UUID_LEN + 1] = "";
    bool ok = true;
    int i;

    CHECK(uuid_ok("123e4567-e89b-12d3-a456-426614174000"));
    CHECK(uuid_ok("123E4567-E89B-12D3-A456-426614174000"));
    CHECK(uuid_ok("00000000-0000-0000-0000-000000000000"));
    CHECK(!uuid_ok("123e4567e89b12d3a456426614174000"));
    CHECK(!uuid_ok("123e4567-e89b-12d3-a456-42661417400"));
    CHECK(!uuid_ok("123e4567-e89b-12d3-a456-4266141740000"));
    CHECK(!uuid_ok("123e4567-e89b-12d3-a456_426614174000"));
    CHECK(!uuid_ok("123e4567-e89b-12d3-a45g-426614174000"));
    CHECK(!uuid_ok("{23e4567-e89b-12d3-a456-426614174000"));
    CHECK(!uuid_ok("123e45670e89b-12d3-a456-42661417400"));
    CHECK(!eventc_uuid_check(NULL, 0));

    for (i = 0; i < 1000; i++) {
        ok = ok && eventc_uuid_v4(id) == EVENTC_OK;
        ok = ok && strlen(id) == EVENTC_UUID_LEN && uuid_ok(id);
        ok = ok && id[14] == '4' && strchr("89ab", id[19]) != NULL;
        ok = ok && strcmp(id, prev) != 0;
        ok = ok && strspn(id, "0123456789abcdef-") == EVENTC_UUID_LEN;
        memcpy(prev, id, sizeof id);
    }
    CHECK(ok);
}

int main(void)
{
    test_known_vector();
    test_monotonic();
    test_thread_generator();
    test_ulid_check();
    test_uuid();
    return check_report();
}
