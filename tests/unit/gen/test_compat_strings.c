/* The string search of the compat stage (compat_string): the shortest printable strings of a
 * length range that match some patterns and not another, judged here by the pattern engine
 * itself; variants, strings to avoid, impossible requests, and patterns beyond the automata. */
#include "check.h"
#include "compat/compat_internal.h"

#include <eventc/regex.h>

#include <stdlib.h>
#include <string.h>

static int matches(const char *pattern, const char *s)
{
    return eventc_regex_search(pattern, strlen(pattern), s, strlen(s)) == 1;
}

/* The request's verdict on s, by the engine the decoders use. */
static int meets(const str_req *q, const char *s)
{
    size_t n = strlen(s);
    if (n < q->lo || n > q->hi)
        return 0;
    for (size_t i = 0; i < q->n_must; i++)
        if (!matches(q->must[i], s))
            return 0;
    if (q->must_not && matches(q->must_not, s))
        return 0;
    for (size_t i = 0; i < q->n_avoid; i++)
        if (strcmp(q->avoid[i], s) == 0)
            return 0;
    return 1;
}

static void expect(const str_req *q, unsigned variant, const char *want)
{
    char *s = compat_string(q, variant);
    if (want)
        CHECK_STR(s, want);
    else
        CHECK(s == NULL);
    if (s)
        CHECK(meets(q, s));
    free(s);
}

int main(void)
{
    str_req plain = {3, UINT64_MAX, {NULL, NULL}, 0, NULL, NULL, 0};
    expect(&plain, 0, "aaa");
    expect(&plain, 1, "aab");
    expect(&plain, 27, "abb");
    str_req empty = {0, 0, {NULL, NULL}, 0, NULL, NULL, 0};
    expect(&empty, 0, "");
    str_req none = {4, 3, {NULL, NULL}, 0, NULL, NULL, 0};
    expect(&none, 0, NULL);
    static const char *const avoid[] = {"aaa", "aab"};
    str_req avoiding = {3, 3, {NULL, NULL}, 0, NULL, avoid, 2};
    expect(&avoiding, 0, "aac");

    /* Patterns: the shortest string, then longer ones as variants. */
    str_req upper = {0, UINT64_MAX, {"^[A-Z]{2,3}$", NULL}, 1, NULL, NULL, 0};
    expect(&upper, 0, "AA");
    expect(&upper, 1, "AAA");
    expect(&upper, 2, NULL);
    str_req tightened = {0, UINT64_MAX, {"^[A-Z]+$", NULL}, 1, "^[A-F]+$", NULL, 0};
    expect(&tightened, 0, "G");
    str_req both = {5, 5, {"^[a-z]+$", "[q-z]"}, 2, NULL, NULL, 0};
    expect(&both, 0, "aaaaq");
    str_req ulid = {26, 26, {"^[0-7][0-9A-HJKMNP-TV-Z]{25}$", NULL}, 1, NULL, NULL, 0};
    expect(&ulid, 0, "00000000000000000000000000");
    str_req anywhere = {0, UINT64_MAX, {NULL, NULL}, 0, "x", NULL, 0};
    expect(&anywhere, 0, "");
    str_req impossible = {0, UINT64_MAX, {"^a$", NULL}, 1, "^a$", NULL, 0};
    expect(&impossible, 0, NULL);
    str_req too_short = {0, 2, {"^[0-9]{3}$", NULL}, 1, NULL, NULL, 0};
    expect(&too_short, 0, NULL);
    /* Beyond an automaton's limits: a few candidates, checked with the engine. */
    str_req big = {70, 70, {"^[0-9]{70}$", NULL}, 1, NULL, NULL, 0};
    char *s = compat_string(&big, 0);
    CHECK(s && meets(&big, s));
    free(s);
    /* JSON strings. */
    char *j = compat_json_string("a\"b\\c\n");
    CHECK_STR(j, "\"a\\\"b\\\\c\\u000a\"");
    free(j);
    return check_report();
}
