/* The ASCII automaton must answer exactly as the program does: every pattern below, against many
 * random subjects drawn from an alphabet that exercises it, is judged by both. */
#include "check.h"

#include <eventc/eventc.h>

#include <stdint.h>
#include <stdlib.h>

static const char *const patterns[] = {
    "^[a-z][a-z0-9]*(_[a-z0-9]+)*$",
    "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$",
    "abc",
    "a|b|",
    "^$",
    "",
    "x*",
    "^a+b?c{2,3}$",
    "[^a-c]+$",
    "^.{3}$",
    "(ab)+c",
    "\\d\\s\\w",
    "^\\+[1-9][0-9]{6,14}$",
    "^[^@\\s]+@[^@\\s]+\\.[a-z]{2,}$",
    "a.c",
    "^(a|ab)(c|bcd)(d*)$",
    "[\\]\\-x]",
    "b$",
    "^b",
    "(?:x|y){2}z?$",
    "$^",
    "a|$^",
    "(^|x)$",
    "^(?:$|a)",
};

static uint64_t rng = 0x9E3779B97F4A7C15u;

static unsigned next_rand(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return (unsigned)(rng >> 11);
}

int main(void)
{
    static const char alphabet[] = "abcdxyz_019-:TZ+@. \n\t]";
    size_t n_patterns = sizeof(patterns) / sizeof(patterns[0]);
    for (size_t i = 0; i < n_patterns; i++) {
        const char *p = patterns[i];
        eventc_regex_dfa_storage st;
        eventc_status s = eventc_regex_dfa_build(p, strlen(p), &st);
        CHECK(s == EVENTC_OK);
        if (s != EVENTC_OK) {
            fprintf(stderr, "pattern %s: no automaton (%s)\n", p, eventc_status_code(s));
            continue;
        }
        for (int k = 0; k < 20000; k++) {
            char subject[24];
            size_t len = next_rand() % sizeof(subject);
            for (size_t j = 0; j < len; j++)
                subject[j] = alphabet[next_rand() % (sizeof(alphabet) - 1)];
            if (k == 0)
                len = 0;
            if (i == 1 && k % 4 == 0) /* near-valid timestamps */
                len = (size_t)snprintf(subject, sizeof(subject), "20%02u-%02u-%02uT%02u:%02u:%02uZ",
                                       next_rand() % 100, next_rand() % 14, next_rand() % 33,
                                       next_rand() % 25, next_rand() % 61, next_rand() % 61);
            int want = eventc_regex_search(p, strlen(p), subject, len);
            int got = eventc_regex_dfa_test(&st.dfa, subject, len);
            check_count++;
            if (got != want) {
                check_failures++;
                fprintf(stderr, "pattern %s subject \"%.*s\": automaton %d, program %d\n", p,
                        (int)len, subject, got, want);
            }
        }
        /* A non-ASCII subject is left to the program unless the answer was decided before. */
        int d = eventc_regex_dfa_test(&st.dfa, "caf\xc3\xa9", 5);
        CHECK(d == -1 || d == eventc_regex_search(p, strlen(p), "caf\xc3\xa9", 5));
    }
    /* Patterns too large for the limits are refused, not mis-built. */
    eventc_regex_dfa_storage big;
    const char *huge = "(a|b)*a(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)(a|b)";
    CHECK(eventc_regex_dfa_build(huge, strlen(huge), &big) == EVENTC_E_UNSUPPORTED);
    CHECK(eventc_regex_dfa_build("(", 1, &big) == EVENTC_E_PATTERN);
    return check_report();
}
