/* What every dedupe store must do, run by the test of each store on a store whose TTL is 10 s
 * and whose clock is `mc` (manual). */
#ifndef EVENTC_TESTS_DEDUPE_CASES_H
#define EVENTC_TESTS_DEDUPE_CASES_H

#include <eventc/dedupe.h>

#include <pthread.h>
#include <stdio.h>
#include <string.h>

static void dedupe_store_cases(eventc_dedupe_store *s, eventc_manual_clock *mc)
{
    eventc_dedupe_result r;
    uint64_t t1 = 0, t2 = 0, t3 = 0;
    eventc_error err;
    /* A fresh key is claimed; while the claim lives, others are told BUSY. */
    CHECK(eventc_dedupe_claim(s, "k1", 2, 5000, &r, &t1, &err) == EVENTC_OK);
    CHECK(r == EVENTC_DEDUPE_CLAIMED);
    CHECK(eventc_dedupe_claim(s, "k1", 2, 5000, &r, &t2, &err) == EVENTC_OK);
    CHECK(r == EVENTC_DEDUPE_BUSY);
    /* Keys are bytes: a NUL inside counts. */
    CHECK(eventc_dedupe_claim(s, "k1\0x", 4, 5000, &r, &t2, &err) == EVENTC_OK);
    CHECK(r == EVENTC_DEDUPE_CLAIMED);
    CHECK(eventc_dedupe_release(s, "k1\0x", 4, t2, &err) == EVENTC_OK);
    /* Committed: DONE for the TTL, then forgotten. */
    CHECK(eventc_dedupe_commit(s, "k1", 2, t1, &err) == EVENTC_OK);
    CHECK(eventc_dedupe_claim(s, "k1", 2, 5000, &r, &t2, &err) == EVENTC_OK);
    CHECK(r == EVENTC_DEDUPE_DONE);
    CHECK(eventc_dedupe_commit(s, "k1", 2, t1, &err) == EVENTC_E_CONFLICT);
    eventc_manual_clock_advance(mc, 9999);
    CHECK(eventc_dedupe_claim(s, "k1", 2, 5000, &r, &t2, &err) == EVENTC_OK);
    CHECK(r == EVENTC_DEDUPE_DONE);
    eventc_manual_clock_advance(mc, 1);
    CHECK(eventc_dedupe_claim(s, "k1", 2, 5000, &r, &t2, &err) == EVENTC_OK);
    CHECK(r == EVENTC_DEDUPE_CLAIMED);
    /* Released: claimable again at once. */
    CHECK(eventc_dedupe_release(s, "k1", 2, t2, &err) == EVENTC_OK);
    CHECK(eventc_dedupe_claim(s, "k1", 2, 5000, &r, &t2, &err) == EVENTC_OK);
    CHECK(r == EVENTC_DEDUPE_CLAIMED);
    /* A holder that crashed: its lease ends, the key is claimed anew, and the old token can
     * neither commit nor release over the new holder. */
    eventc_manual_clock_advance(mc, 5000);
    CHECK(eventc_dedupe_claim(s, "k1", 2, 5000, &r, &t3, &err) == EVENTC_OK);
    CHECK(r == EVENTC_DEDUPE_CLAIMED);
    CHECK(t3 != t2);
    CHECK(eventc_dedupe_commit(s, "k1", 2, t2, &err) == EVENTC_E_CONFLICT);
    CHECK(eventc_dedupe_release(s, "k1", 2, t2, &err) == EVENTC_E_CONFLICT);
    CHECK(eventc_dedupe_commit(s, "k1", 2, t3, &err) == EVENTC_OK);
    CHECK(eventc_dedupe_claim(s, "k1", 2, 5000, &r, &t2, &err) == EVENTC_OK);
    CHECK(r == EVENTC_DEDUPE_DONE);
    /* Unknown keys cannot be committed. */
    CHECK(eventc_dedupe_commit(s, "zz", 2, 1, &err) == EVENTC_E_CONFLICT);

    /* The dedupe key. */
    eventc_ce_event ev;
    eventc_buf b;
    eventc_buf_init(&b, NULL);
    CHECK(eventc_ce_init_json(&ev, NULL, "id7", "/a:b", "t.x", "{}", 2, &err) == EVENTC_OK);
    CHECK(eventc_dedupe_key(&ev, &b, &err) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "e:4:/a:bid7");
    eventc_buf_reset(&b);
    CHECK(eventc_ce_set_ext_integer(&ev, "idempotencykey", 42, &err) == EVENTC_OK);
    CHECK(eventc_dedupe_key(&ev, &b, &err) == EVENTC_OK);
    CHECK_STR(eventc_buf_cstr(&b), "k:42");
    eventc_buf_free(&b);
    eventc_ce_clear(&ev);
}

/* Concurrent claimers of stores shared through a file or a server: DEDUPE_THREADS threads, each
 * with a store of its own from `open`, claim the same DEDUPE_KEYS keys. */
enum { DEDUPE_KEYS = 200, DEDUPE_THREADS = 4 };

typedef eventc_dedupe_store *(*dedupe_opener)(void *ctx);

typedef struct dedupe_claimer {
    dedupe_opener open;
    void *ctx;
    int claimed[DEDUPE_KEYS];
    int errors;
} dedupe_claimer;

static inline void *dedupe_claim_all(void *arg)
{
    dedupe_claimer *c = arg;
    eventc_dedupe_store *s = c->open(c->ctx);
    if (s == NULL) {
        c->errors++;
        return NULL;
    }
    for (int i = 0; i < DEDUPE_KEYS; i++) {
        char key[16];
        snprintf(key, sizeof(key), "key-%d", i);
        eventc_dedupe_result r;
        uint64_t token;
        if (eventc_dedupe_claim(s, key, strlen(key), 600000, &r, &token, NULL) != EVENTC_OK)
            c->errors++;
        else if (r == EVENTC_DEDUPE_CLAIMED)
            c->claimed[i]++;
    }
    eventc_dedupe_close(s);
    return NULL;
}

/** Every key is claimed by exactly one of the concurrent claimers, without errors. */
static inline void dedupe_concurrent_claims(dedupe_opener open, void *ctx)
{
    static dedupe_claimer c[DEDUPE_THREADS];
    pthread_t th[DEDUPE_THREADS];
    for (int i = 0; i < DEDUPE_THREADS; i++) {
        memset(&c[i], 0, sizeof(c[i]));
        c[i].open = open;
        c[i].ctx = ctx;
        CHECK(pthread_create(&th[i], NULL, dedupe_claim_all, &c[i]) == 0);
    }
    for (int i = 0; i < DEDUPE_THREADS; i++) {
        pthread_join(th[i], NULL);
        CHECK(c[i].errors == 0);
    }
    int once = 0;
    for (int k = 0; k < DEDUPE_KEYS; k++) {
        int n = 0;
        for (int i = 0; i < DEDUPE_THREADS; i++)
            n += c[i].claimed[k];
        once += n == 1;
    }
    CHECK(once == DEDUPE_KEYS);
}

#endif
