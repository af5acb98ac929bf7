/* Any bytes into the CESQL engine: compile, then evaluate against a fixed event that has every
 * kind of attribute (eventc_cesql_eval and eventc_cesql_matches). Input after a NUL byte, when
 * it is an event in the JSON format, replaces that event. Properties: no crash, leak, undefined
 * behaviour or unbounded work; the filter rule agrees with the full evaluation; compiling the
 * same text twice gives the same result. */
#include <eventc/cesql.h>
#include <eventc/eventc.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size);

static const char fixed_event[] =
    "{\"specversion\":\"1.0\",\"id\":\"A234-1234-1234\",\"source\":\"https://example.com/x\","
    "\"type\":\"com.example.messaging.customer.created\",\"subject\":\"Fran\\u00e7ois \\u00df\","
    "\"time\":\"2018-04-26T14:48:09+02:00\",\"datacontenttype\":\"application/json\","
    "\"idempotencykey\":\"k1\",\"sequence\":7,\"hop\":\"5\",\"ttl\":\"10\",\"flag\":true,"
    "\"data\":{\"a\":1}}";

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    const char *in = (const char *)data;
    const char *nul = memchr(in, '\0', size);
    size_t expr_len = nul ? (size_t)(nul - in) : size;
    eventc_ce_event ev;
    eventc_cesql *q = NULL, *again = NULL;
    eventc_error err, err2;
    eventc_status st;
    eventc_ce_init(&ev, NULL);
    if (nul == NULL ||
        eventc_ce_from_json(&ev, nul + 1, size - expr_len - 1, NULL, &err) != EVENTC_OK) {
        if (eventc_ce_from_json(&ev, fixed_event, sizeof(fixed_event) - 1, NULL, &err) !=
            EVENTC_OK) {
            abort();
        }
    }
    st = eventc_cesql_compile(in, expr_len, &q, &err);
    if (eventc_cesql_compile(in, expr_len, &again, &err2) != st ||
        (st != EVENTC_OK && (err.offset != err2.offset || err.offset > expr_len))) {
        abort();
    }
    eventc_cesql_free(again);
    if (st == EVENTC_OK) {
        eventc_arena scratch;
        eventc_cesql_result r;
        bool pass;
        eventc_arena_init(&scratch, NULL);
        if (eventc_cesql_eval(q, &ev, &scratch, &r) != EVENTC_OK) {
            abort();
        }
        pass = eventc_cesql_matches(q, &ev);
        if (pass != (r.error == EVENTC_CESQL_NO_ERROR && r.value.type == EVENTC_CESQL_BOOLEAN &&
                     r.value.boolean)) {
            abort();
        }
        if (r.value.type == EVENTC_CESQL_STRING &&
            (r.value.str[r.value.len] != '\0' ||
             !eventc_utf8_check(r.value.str, r.value.len, NULL))) {
            abort();
        }
        if (r.error != EVENTC_CESQL_NO_ERROR && r.error_offset > expr_len) {
            abort();
        }
        eventc_arena_free(&scratch);
    }
    eventc_cesql_free(q);
    eventc_ce_clear(&ev);
    return 0;
}
