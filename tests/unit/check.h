/* Minimal assertion helpers shared by the unit tests: each failed check prints its location and
 * is counted; a test's main() returns check_report(), which prints the closing line. */
#ifndef EVENTC_TESTS_CHECK_H
#define EVENTC_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;
static int check_count;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        check_count++;                                                               \
        if (!(cond)) {                                                               \
            check_failures++;                                                        \
            fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
        }                                                                            \
    } while (0)

#define CHECK_STR(got, want)                                                                   \
    do {                                                                                       \
        const char *check_got_ = (got);                                                        \
        const char *check_want_ = (want);                                                      \
        check_count++;                                                                         \
        if (check_got_ == NULL || strcmp(check_got_, check_want_) != 0) {                      \
            check_failures++;                                                                  \
            fprintf(stderr, "%s:%d: %s\n  got:  \"%s\"\n  want: \"%s\"\n", __FILE__, __LINE__, \
                    #got, check_got_ ? check_got_ : "(null)", check_want_);                    \
        }                                                                                      \
    } while (0)

static int check_report(void)
{
    printf("%d passed, %d failed\n", check_count - check_failures, check_failures);
    return check_failures == 0 ? 0 : 1;
}

#endif
