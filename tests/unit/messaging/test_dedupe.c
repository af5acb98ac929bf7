/* The in-memory dedupe store: claim, commit, release, leases, TTL, the capacity bound, fencing
 * tokens; and the dedupe key. Shared with the SQLite store's test through dedupe_cases.h. */
#include "check.h"
#include "dedupe_cases.h"

int main(void)
{
    eventc_manual_clock *mc = eventc_manual_clock_new(1000);
    eventc_memory_dedupe_config cfg = eventc_memory_dedupe_config_default();
    cfg.clock = eventc_manual_clock_get(mc);
    cfg.ttl_ms = 10000;
    eventc_dedupe_store *s = eventc_memory_dedupe_new(&cfg);
    dedupe_store_cases(s, mc);
    eventc_dedupe_close(s);

    /* Capacity: committed keys are forgotten oldest first; live claims are never evicted. */
    cfg.capacity = 3;
    s = eventc_memory_dedupe_new(&cfg);
    eventc_dedupe_result r;
    uint64_t t[4];
    CHECK(eventc_dedupe_claim(s, "a", 1, 1000, &r, &t[0], NULL) == EVENTC_OK);
    CHECK(eventc_dedupe_commit(s, "a", 1, t[0], NULL) == EVENTC_OK);
    CHECK(eventc_dedupe_claim(s, "b", 1, 1000, &r, &t[1], NULL) == EVENTC_OK);
    CHECK(eventc_dedupe_claim(s, "c", 1, 1000, &r, &t[2], NULL) == EVENTC_OK);
    CHECK(eventc_memory_dedupe_size(s) == 3);
    CHECK(eventc_dedupe_claim(s, "d", 1, 1000, &r, &t[3], NULL) == EVENTC_OK);
    CHECK(r == EVENTC_DEDUPE_CLAIMED);
    CHECK(eventc_memory_dedupe_size(s) == 3);
    /* "a" was forgotten to make room: a duplicate of it is handled again. */
    CHECK(eventc_dedupe_claim(s, "a", 1, 1000, &r, &t[0], NULL) == EVENTC_E_FULL);
    /* Once the claims' leases ended (holders gone), they make room too. */
    eventc_manual_clock_advance(mc, 1000);
    CHECK(eventc_dedupe_claim(s, "a", 1, 1000, &r, &t[0], NULL) == EVENTC_OK);
    CHECK(r == EVENTC_DEDUPE_CLAIMED);
    eventc_dedupe_close(s);
    eventc_dedupe_close(NULL);
    eventc_manual_clock_free(mc);
    return check_report();
}
