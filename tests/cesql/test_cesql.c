/* CESQL beyond the TCK: precedence and associativity, literals, integer overflow, error
 * propagation, limits (length, nesting, string sizes, scratch memory), LIKE's escapes and its
 * bounded work, Unicode in the string functions, attribute types, the filter rule, and
 * allocation failures in compile and eval. */
#include <eventc/cesql.h>
#include <eventc/eventc.h>

#include "cesql_internal.h"
#include "check.h"
#include "failing_alloc.h"

#include <stdlib.h>
#include <string.h>

static eventc_ce_event event;

/* Evaluates @p expr against the test event; a compile failure gives false with its kind. */
static eventc_cesql_result run(const char *expr)
{
    eventc_cesql_result r;
    eventc_cesql *q = NULL;
    eventc_error err;
    eventc_arena scratch;
    eventc_status st = eventc_cesql_compile(expr, strlen(expr), &q, &err);
    memset(&r, 0, sizeof(r));
    if (st != EVENTC_OK) {
        r.value.type = EVENTC_CESQL_BOOLEAN;
        r.error = eventc_cesql_compile_error_kind(st);
        r.error_offset = err.offset;
        snprintf(r.error_message, sizeof(r.error_message), "%s", err.message);
        return r;
    }
    eventc_arena_init(&scratch, NULL);
    CHECK(eventc_cesql_eval(q, &event, &scratch, &r) == EVENTC_OK);
    /* Strings outlive the arena in these tests: keep a copy in a static ring. */
    if (r.value.type == EVENTC_CESQL_STRING) {
        static char ring[8][4096];
        static int next;
        char *keep = ring[next++ % 8];
        CHECK(r.value.str[r.value.len] == '\0');
        snprintf(keep, 4096, "%s", r.value.str);
        r.value.str = keep;
    }
    eventc_arena_free(&scratch);
    eventc_cesql_free(q);
    return r;
}

static int failures_before;

static void report(const char *expr, const eventc_cesql_result *r)
{
    if (check_failures != failures_before) {
        fprintf(stderr, "  expression: %s\n  got type %d bool %d int %ld str '%s', error %s (%s)\n",
                expr, (int)r->value.type, (int)r->value.boolean, (long)r->value.integer,
                r->value.type == EVENTC_CESQL_STRING ? r->value.str : "",
                eventc_cesql_error_name(r->error), r->error_message);
    }
}

static void expect_bool(const char *expr, bool want, eventc_cesql_error_kind kind)
{
    eventc_cesql_result r = run(expr);
    failures_before = check_failures;
    CHECK(r.value.type == EVENTC_CESQL_BOOLEAN && r.value.boolean == want);
    CHECK(r.error == kind);
    report(expr, &r);
}

static void expect_int(const char *expr, int32_t want, eventc_cesql_error_kind kind)
{
    eventc_cesql_result r = run(expr);
    failures_before = check_failures;
    CHECK(r.value.type == EVENTC_CESQL_INTEGER && r.value.integer == want);
    CHECK(r.error == kind);
    report(expr, &r);
}

static void expect_str(const char *expr, const char *want, eventc_cesql_error_kind kind)
{
    eventc_cesql_result r = run(expr);
    failures_before = check_failures;
    CHECK(r.value.type == EVENTC_CESQL_STRING && r.value.len == strlen(want) &&
          memcmp(r.value.str, want, r.value.len) == 0);
    CHECK(r.error == kind);
    report(expr, &r);
}

/* Compiling @p expr (@p len bytes) fails with @p st at byte @p offset. */
static void expect_refused(const char *expr, size_t len, eventc_status st, size_t offset)
{
    eventc_cesql *q = (eventc_cesql *)&event; /* must be reset to NULL */
    eventc_error err;
    eventc_status got = eventc_cesql_compile(expr, len, &q, &err);
    CHECK(got == st);
    CHECK(q == NULL);
    CHECK(err.code == st);
    if (offset != (size_t)-1) {
        CHECK(err.offset == offset);
    }
    if (got != st || (offset != (size_t)-1 && err.offset != offset)) {
        fprintf(stderr, "  expression: %.80s\n  got %s at %zu: %s\n", expr, eventc_status_code(got),
                err.offset, err.message);
    }
}

#define NONE EVENTC_CESQL_NO_ERROR
#define PARSE EVENTC_CESQL_PARSE
#define MATH EVENTC_CESQL_MATH
#define CAST EVENTC_CESQL_CAST
#define MISSING EVENTC_CESQL_MISSING_ATTRIBUTE
#define NOFN EVENTC_CESQL_MISSING_FUNCTION
#define FNEVAL EVENTC_CESQL_FUNCTION_EVALUATION
#define GENERIC EVENTC_CESQL_GENERIC

static void test_precedence(void)
{
    expect_int("1 + 2 * 3", 7, NONE);
    expect_int("(1 + 2) * 3", 9, NONE);
    expect_int("10 - 2 - 3", 5, NONE);   /* left to right */
    expect_int("100 / 10 / 5", 2, NONE); /* left to right */
    expect_int("2 * 3 % 4", 2, NONE);
    expect_int("7 % 4 * 3", 9, NONE);
    expect_int("5-3", 2, NONE); /* binary minus without spaces */
    expect_int("-2 * 3", -6, NONE);
    expect_int("- 2 * 3", -6, NONE);
    expect_int("-(2 + 3) * 2", -10, NONE);
    /* AND, OR and XOR share one precedence and go left to right. */
    expect_bool("true OR false AND false", false, NONE);
    expect_bool("false AND true OR true", true, NONE);
    expect_bool("true OR (false AND false)", true, NONE);
    expect_bool("true XOR true OR true", true, NONE);
    expect_bool("true XOR (true OR true)", false, NONE);
    /* Comparison binds looser than arithmetic, tighter than logic. */
    expect_bool("1 + 1 = 2 AND 2 * 2 = 4", true, NONE);
    expect_bool("1 < 2 = true", true, NONE);
    /* NOT binds tighter than everything but function calls: (NOT true) = false. */
    expect_bool("NOT true = false", true, NONE);
    expect_bool("NOT (1 = 2)", true, NONE);
    /* LIKE and IN bind tighter than the binary operators. */
    expect_int("1 + 2 IN (3)", 1, NONE); /* 1 + (2 IN (3)) = 1 + false */
    expect_bool("'ab' LIKE 'a%' = true", true, NONE);
    expect_bool("'ab' LIKE 'a%' IN (true)", true, NONE);
    expect_bool("type NOT LIKE 'x%' AND id NOT IN ('2', '3')", true, NONE);
    expect_bool("NOT EXISTS subject AND EXISTS id", true, NONE);
    /* Function calls bind tightest. */
    expect_int("-ABS(-3)", -3, NONE);
    expect_bool("NOT BOOL('false')", true, NONE);
    /* A long flat chain does not make the tree deep. */
    {
        size_t n = 5000;
        char *s = malloc(n * 10 + 16), *w = s;
        for (size_t i = 0; i < n; i++) {
            w += sprintf(w, i ? " + 1" : "1");
        }
        expect_int(s, 5000, NONE);
        w = s;
        for (size_t i = 0; i < n; i++) {
            w += sprintf(w, i ? " OR false" : "false");
        }
        w += sprintf(w, " OR true");
        expect_bool(s, true, NONE);
        free(s);
    }
}

static void test_literals_and_names(void)
{
    expect_int("-2147483648", INT32_MIN, NONE);
    expect_int("2147483647", INT32_MAX, NONE);
    expect_int("+5", 5, NONE);
    expect_int("007", 7, NONE);
    expect_refused("2147483648", 10, EVENTC_E_SYNTAX, 0);
    expect_refused("-2147483649", 11, EVENTC_E_SYNTAX, 0);
    expect_refused("99999999999999999999", 20, EVENTC_E_SYNTAX, 0);
    expect_refused("+ 5", 3, EVENTC_E_SYNTAX, 0);
    expect_refused("+'5'", 4, EVENTC_E_SYNTAX, 0);
    expect_str("'it''s'", "it's", NONE);
    expect_str("\"say \"\"hi\"\"\"", "say \"hi\"", NONE);
    expect_str("'a\\'b'", "a'b", NONE);
    expect_str("\"a\\\"b\"", "a\"b", NONE);
    expect_str("'a\\\\b'", "a\\b", NONE);       /* \\ is one backslash */
    expect_str("'a\\_b\\%'", "a\\_b\\%", NONE); /* kept for LIKE */
    expect_str("\"a'b\"", "a'b", NONE);
    expect_str("''", "", NONE);
    expect_str("'\xE6\x97\xA5\xE6\x9C\xAC'", "\xE6\x97\xA5\xE6\x9C\xAC", NONE);
    expect_refused("'abc", 4, EVENTC_E_SYNTAX, 0);
    expect_refused("'abc\\'", 6, EVENTC_E_SYNTAX, 0);
    /* Keywords, functions and attributes are case-insensitive. */
    expect_bool("tRuE aNd NoT fAlSe", true, NONE);
    expect_bool("ID = '1' and Exists TYPE", true, NONE);
    expect_int("length('abc') + Length('d')", 4, NONE);
    /* Names: [a-zA-Z0-9]+ for attributes, letters and '_' for functions. */
    expect_bool("EXISTS 1ext", false, NONE);
    expect_refused("my_ext", 6, EVENTC_E_SYNTAX, 2);
    expect_refused("EXISTS my_ext", 13, EVENTC_E_SYNTAX, 9);
    expect_refused("ABS2(1)", 7, EVENTC_E_SYNTAX, 3);
    expect_refused("EXISTS 5", 8, EVENTC_E_SYNTAX, 7);
    expect_refused("EXISTS", 6, EVENTC_E_SYNTAX, 6);
    /* Syntax errors and their offsets. */
    expect_refused("", 0, EVENTC_E_SYNTAX, 0);
    expect_refused("   ", 3, EVENTC_E_SYNTAX, 3);
    expect_refused("1 +", 3, EVENTC_E_SYNTAX, 3);
    expect_refused("1 + )", 5, EVENTC_E_SYNTAX, 4);
    expect_refused("(1", 2, EVENTC_E_SYNTAX, 2);
    expect_refused("1 2", 3, EVENTC_E_SYNTAX, 2);
    expect_refused("1 == 1", 6, EVENTC_E_SYNTAX, 3);
    expect_refused("1 ! 1", 5, EVENTC_E_SYNTAX, 2);
    expect_refused("a IN ()", 7, EVENTC_E_SYNTAX, 6);
    expect_refused("a IN 1", 6, EVENTC_E_SYNTAX, 5);
    expect_refused("a NOT 1", 7, EVENTC_E_SYNTAX, 6);
    expect_refused("a LIKE b", 8, EVENTC_E_SYNTAX, 7);
    expect_refused("a LIKE 'x' || 'y'", 17, EVENTC_E_SYNTAX, 11);
    expect_refused("ABS(1,)", 7, EVENTC_E_SYNTAX, 6);
    expect_refused("TRUE(1)", 7, EVENTC_E_SYNTAX, 4);
    expect_refused("1 # 2", 5, EVENTC_E_SYNTAX, 2);
    expect_refused("1 \xC3\xA9 2", 6, EVENTC_E_SYNTAX, 2);
    expect_refused("'\xC3'", 3, EVENTC_E_SYNTAX, 1);      /* invalid UTF-8 */
    expect_refused("'a\0b'", 5, EVENTC_E_SYNTAX, 2);      /* NUL */
    expect_refused("FOO(1) +", 8, EVENTC_E_SYNTAX, 8);    /* syntax beats missingFunction */
    expect_refused("FOO(1)", 6, EVENTC_E_UNSUPPORTED, 0); /* missingFunction */
    expect_refused("1 + LENGTH()", 12, EVENTC_E_UNSUPPORTED, 4);
    expect_refused("SUBSTRING('a')", 14, EVENTC_E_UNSUPPORTED, 0);
    expect_refused("SUBSTRING('a', 1, 2, 3)", 23, EVENTC_E_UNSUPPORTED, 0);
    expect_bool("FOO(1)", false, NOFN);
    expect_bool("1 +", false, PARSE);
    CHECK(eventc_cesql_compile_error_kind(EVENTC_E_NOMEM) == GENERIC);
    CHECK(eventc_cesql_compile_error_kind(EVENTC_OK) == NONE);
    CHECK(strcmp(eventc_cesql_error_name(MISSING), "missingAttribute") == 0);
    CHECK(strcmp(eventc_cesql_error_name(FNEVAL), "functionEvaluation") == 0);
    CHECK(strcmp(eventc_cesql_error_name(NONE), "") == 0);
}

static void test_overflow_and_math(void)
{
    expect_int("2147483647 + 1", 0, MATH);
    expect_int("-2147483648 - 1", 0, MATH);
    expect_int("65536 * 65536", 0, MATH);
    expect_int("-2147483648 * -1", 0, MATH);
    expect_int("-2147483648 / -1", 0, MATH);
    expect_int("-2147483648 % -1", 0, NONE);
    expect_int("-(-2147483648)", 0, MATH);
    expect_int("- -2147483648", 0, MATH);
    expect_int("2147483647 + 1 - 1", 0, MATH); /* no recovery after the overflow */
    expect_int("-2147483647 - 1", INT32_MIN, NONE);
    expect_int("46340 * 46340", 2147395600, NONE);
    expect_int("-7 / 2", -3, NONE); /* towards zero */
    expect_int("-7 % 2", -1, NONE); /* sign of the dividend */
    expect_int("7 % -2", 1, NONE);
    expect_int("ABS(-2147483647)", 2147483647, NONE);
    expect_int("ABS(-2147483648)", 2147483647, MATH);
    expect_int("ABS(-2147483648) + 0", 0, MATH); /* the enclosing operator gives its zero */
    expect_int("ABS('-5')", 5, NONE);
}

static void test_errors(void)
{
    /* The raising node keeps its result; every enclosing operator gives its zero value. */
    expect_bool("NOT 10", true, CAST);
    expect_bool("NOT (NOT 10)", false, CAST);
    expect_bool("NOT 'yes'", true, CAST);
    expect_int("'abc' + 1", 1, CAST);
    expect_int("'abc' + 1 + 1", 0, CAST);
    expect_bool("'abc' = 5", false, CAST);
    expect_bool("'abc' != 5", true, CAST);
    expect_bool("5 = 'abc'", false, NONE); /* 5 is cast to the right type: '5' = 'abc' */
    expect_bool("1 = true", false, CAST);  /* no implicit Integer -> Boolean */
    expect_bool("1 AND true", false, CAST);
    expect_bool("true AND 1", false, CAST);
    expect_bool("BOOL(1) AND true", true, NONE);
    expect_bool("'TRUE' AND 'false'", false, NONE);
    /* Short circuits: the right operand is not evaluated at all. */
    expect_bool("false AND (1 / 0 = 0)", false, NONE);
    expect_bool("true OR (1 / 0 = 0)", true, NONE);
    expect_bool("false AND missing", false, NONE);
    expect_bool("true OR missing", true, NONE);
    expect_bool("(1 / 0 = 0) OR true", false, MATH); /* fail fast */
    expect_bool("missing OR true", false, MISSING);
    expect_bool("true XOR (1 / 0 = 0)", false, MATH);
    /* Missing attributes. */
    expect_bool("missing", false, MISSING);
    expect_int("LENGTH(missing)", 0, MISSING);
    expect_str("CONCAT('a', missing)", "", MISSING);
    expect_str("UPPER(missing)", "", MISSING);
    expect_bool("missing IN (1, 2)", false, MISSING);
    expect_bool("1 IN (missing, 1)", false, MISSING);
    expect_bool("missing NOT LIKE 'x'", false, MISSING);
    expect_bool("EXISTS missing", false, NONE);
    expect_bool("data = 'x'", false, MISSING); /* CESQL does not address data */
    expect_bool("EXISTS data", false, NONE);
    /* IN casts the items to the type of the left operand. */
    expect_bool("'1' IN (1, 2)", true, NONE);
    expect_bool("1 IN ('1', 'x')", true, CAST);
    expect_bool("1 IN ('a')", false, CAST);
    expect_bool("TRUE IN ('yes')", false, CAST);
    expect_bool("1 NOT IN (2, 3)", true, NONE);
    /* The first error is the one reported, with where it happened. */
    {
        eventc_cesql_result r = run("1 + 1 = 2 AND 'x' + 1 = 1 / 0");
        CHECK(r.error == CAST && r.error_offset == 18);
        CHECK(strstr(r.error_message, "'x'") != NULL);
        r = run("ABS(1) + missing");
        CHECK(r.error == MISSING && r.error_offset == 9);
        CHECK(strstr(r.error_message, "missing") != NULL);
    }
}

static void test_casts(void)
{
    expect_int("INT('+7')", 7, NONE);
    expect_int("INT('-2147483648')", INT32_MIN, NONE);
    expect_int("INT('2147483648')", 0, CAST);
    expect_int("INT('99999999999999999999')", 0, CAST);
    expect_int("INT(' 7')", 0, CAST);
    expect_int("INT('7 ')", 0, CAST);
    expect_int("INT('')", 0, CAST);
    expect_int("INT('-')", 0, CAST);
    expect_int("INT('1.5')", 0, CAST);
    expect_int("INT('\xEF\xBC\x91')", 0, CAST); /* a full-width digit is not a digit */
    expect_int("INT(TRUE) + INT(FALSE)", 1, NONE);
    expect_bool("BOOL('TrUe')", true, NONE);
    expect_bool("BOOL(0)", false, NONE);
    expect_bool("BOOL(-1)", true, NONE);
    expect_bool("BOOL('1')", false, CAST);
    expect_str("STRING(-2147483648)", "-2147483648", NONE);
    expect_str("STRING(0)", "0", NONE);
    expect_str("STRING(FALSE)", "false", NONE);
    expect_bool("IS_INT('12') AND IS_INT(12) AND IS_INT(TRUE)", true, NONE);
    expect_bool("IS_INT('x')", false, NONE);
    expect_bool("IS_BOOL('FALSE') AND IS_BOOL(TRUE) AND IS_BOOL(5)", true, NONE);
    expect_bool("IS_BOOL('yes')", false, NONE);
    expect_int("'5' * '4'", 20, NONE);
    expect_int("TRUE + TRUE", 2, NONE);
    expect_str("CONCAT(1, TRUE, 'x')", "1truex", NONE);
    expect_int("LENGTH(12345)", 5, NONE);
    expect_bool("12345 LIKE '1%5'", true, NONE);
    expect_bool("-5 LIKE '-_'", true, NONE);
    expect_bool("'7' < '10'", true, NONE); /* Integer comparison, not text */
    expect_bool("'7' < 'x'", false, CAST);
}

static void test_like(void)
{
    expect_bool("'' LIKE ''", true, NONE);
    expect_bool("'' LIKE '%'", true, NONE);
    expect_bool("'' LIKE '%%'", true, NONE);
    expect_bool("'' LIKE '_'", false, NONE);
    expect_bool("'abc' LIKE '%'", true, NONE);
    expect_bool("'abc' LIKE 'abc%'", true, NONE);
    expect_bool("'abc' LIKE '%abc'", true, NONE);
    expect_bool("'abc' LIKE '%b%'", true, NONE);
    expect_bool("'abc' LIKE '%d%'", false, NONE);
    expect_bool("'abc' LIKE 'ab'", false, NONE);
    expect_bool("'abc' LIKE 'ABC'", false, NONE); /* case-sensitive */
    expect_bool("'abab' LIKE '%ab'", true, NONE);
    expect_bool("'aXbXc' LIKE 'a%b%c'", true, NONE);
    expect_bool("'aXcXb' LIKE 'a%b%c'", false, NONE);
    expect_bool("'abcabd' LIKE '%abd'", true, NONE);
    expect_bool("'aaab' LIKE '%aab'", true, NONE);
    expect_bool("'ab' LIKE '%a%b%'", true, NONE);
    expect_bool("'ab' LIKE 'a%%b'", true, NONE);
    expect_bool("'abc' LIKE '_b_'", true, NONE);
    expect_bool("'abc' LIKE '%_c'", true, NONE);
    expect_bool("'c' LIKE '%_c'", false, NONE);
    expect_bool("'abcd' LIKE '%b_d'", true, NONE);
    expect_bool("'abxbcd' LIKE '%b_d'", true, NONE);
    expect_bool("'abcdbxd' LIKE 'a%b_d'", true, NONE);
    /* Escapes: \% \_ \\ are literal; any other backslash is itself. */
    expect_bool("'100%' LIKE '100\\%'", true, NONE);
    expect_bool("'1000' LIKE '100\\%'", false, NONE);
    expect_bool("'a_b' LIKE 'a\\_b'", true, NONE);
    expect_bool("'axb' LIKE 'a\\_b'", false, NONE);
    expect_bool("'a\\b' LIKE 'a\\b'", true, NONE);
    expect_bool("'a\\b' LIKE 'a\\\\\\\\b'", true, NONE); /* pattern value a\\b */
    expect_bool("'a\\\\' LIKE 'a\\\\'", true, NONE);     /* a lone trailing backslash */
    expect_bool("'x%y' LIKE '%\\%%'", true, NONE);
    expect_bool("'xy' LIKE '%\\%%'", false, NONE);
    /* `_` is one code point, not one byte. */
    expect_bool("'\xC3\xA9' LIKE '_'", true, NONE);
    expect_bool("'\xF0\x9F\x98\x80' LIKE '_'", true, NONE);
    expect_bool("'\xF0\x9F\x98\x80!' LIKE '%_!'", true, NONE);
    expect_bool("'a\xC3\xA9z' LIKE 'a_z'", true, NONE);
    expect_bool("'a\xC3\xA9z' LIKE 'a__z'", false, NONE);
    expect_bool("'x\xE6\x97\xA5\xE6\x9C\xAC' LIKE '%__'", true, NONE);
    expect_bool("'\xE6\x97\xA5\xE6\x9C\xAC' LIKE '%\xE6\x9C\xAC'", true, NONE);
    expect_bool("type LIKE 'eventc.%' AND EXISTS id", true, NONE);
}

/* Builds a LIKE pattern in an arena and returns the steps matching takes. */
static size_t like_steps(const char *pattern, const char *subject, bool *matched)
{
    eventc_arena a;
    cesql_like p;
    size_t steps = 0;
    eventc_arena_init(&a, NULL);
    CHECK(cesql_like_compile(&a, pattern, strlen(pattern), &p));
    *matched = cesql_like_match(&p, subject, strlen(subject), &steps);
    eventc_arena_free(&a);
    return steps;
}

static void test_like_work(void)
{
    size_t n = 20000, steps;
    char *s = malloc(n + 2);
    char pattern[512];
    bool m;
    memset(s, 'a', n);
    s[n] = '\0';
    /* Backtracking matchers take exponential time here; segments found leftmost take linear. */
    steps = like_steps("%a%a%a%a%a%a%a%a%a%a%b", s, &m);
    CHECK(!m);
    CHECK(steps <= 4 * n);
    steps = like_steps("%aaaaaaaaaaaaaaaaaaaaaaaaaaaaab%", s, &m);
    CHECK(!m);
    CHECK(steps <= 3 * n); /* KMP: linear in subject + pattern */
    s[n] = 'b';
    s[n + 1] = '\0';
    steps = like_steps("%aaaaaaaaaaaaaaaaaaaaaaaaaaaaab", s, &m);
    CHECK(m);
    CHECK(steps <= 3 * n);
    s[n] = '\0';
    /* With `_` the search tries each position: bounded by subject x pattern. */
    memset(pattern, 0, sizeof(pattern));
    pattern[0] = '%';
    for (int i = 1; i < 401; i += 2) {
        pattern[i] = 'a';
        pattern[i + 1] = '_';
    }
    strcat(pattern, "b%");
    steps = like_steps(pattern, s, &m);
    CHECK(!m);
    CHECK(steps <= n * strlen(pattern));
    free(s);
}

static void test_unicode(void)
{
    expect_int("LENGTH('h\xC3\xA9llo')", 5, NONE);
    expect_int("LENGTH('\xF0\x9F\x98\x80')", 1, NONE);
    expect_int("LENGTH('\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E')", 3, NONE);
    expect_str("UPPER('stra\xC3\x9F"
               "e')",
               "STRASSE", NONE); /* ß -> SS */
    expect_int("LENGTH(UPPER('\xC3\x9F'))", 2, NONE);
    expect_str("LOWER('\xC4\xB0')", "i\xCC\x87", NONE);                  /* İ -> i + U+0307 */
    expect_str("UPPER('\xC3\xA9t\xC3\xA9')", "\xC3\x89T\xC3\x89", NONE); /* été */
    expect_str("LOWER('\xCE\x91\xCE\xA3')", "\xCE\xB1\xCF\x83", NONE);   /* no final-sigma rule */
    expect_str("UPPER('\xC7\x86')", "\xC7\x84", NONE);                   /* ǆ -> Ǆ */
    expect_str("LOWER('\xC7\x85')", "\xC7\x86", NONE);                   /* ǅ -> ǆ */
    expect_str("UPPER('\xEF\xAC\x83')", "FFI", NONE);                    /* ﬃ */
    expect_str("LOWER('\xF0\x90\x90\x80')", "\xF0\x90\x90\xA8", NONE);   /* Deseret */
    expect_str("UPPER('\xE2\x84\xAA')", "\xE2\x84\xAA", NONE);           /* Kelvin is upper */
    expect_str("LOWER('\xE2\x84\xAA')", "k", NONE);
    expect_str("UPPER('a1-\xE6\x97\xA5')", "A1-\xE6\x97\xA5", NONE);
    expect_str("LEFT('\xF0\x9F\x98\x80"
               "ab', 1)",
               "\xF0\x9F\x98\x80", NONE);
    expect_str("RIGHT('a\xF0\x9F\x98\x80', 1)", "\xF0\x9F\x98\x80", NONE);
    expect_str("RIGHT('abc', 0)", "", NONE);
    expect_str("LEFT('abc', 0)", "", NONE);
    expect_str("SUBSTRING('\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E', 2)", "\xE6\x9C\xAC\xE8\xAA\x9E",
               NONE);
    expect_str("SUBSTRING('\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E', -1, 5)", "\xE8\xAA\x9E", NONE);
    expect_str("SUBSTRING('abc', 1, 0)", "", NONE);
    expect_str("SUBSTRING('abc', 3, 2147483647)", "c", NONE);
    expect_str("SUBSTRING('abc', -3)", "abc", NONE);
    expect_str("SUBSTRING('abc', -4)", "", FNEVAL);
    expect_str("SUBSTRING('abc', 2, -1)", "", FNEVAL);
    expect_str("SUBSTRING('', 0)", "", NONE);
    expect_str("SUBSTRING('', 1)", "", FNEVAL);
    expect_str("LEFT('abc', -1)", "abc", FNEVAL);
    expect_str("RIGHT('abc', -2147483648)", "abc", FNEVAL);
    /* TRIM removes White_Space (here U+3000, U+00A0, TAB, U+2029), nothing else. */
    expect_str("TRIM('\xE3\x80\x80 \t x y \xC2\xA0\xE2\x80\xA9')", "x y", NONE);
    expect_str("TRIM('\x01x\x01')", "\x01x\x01", NONE);
    expect_str("TRIM('\xE2\x80\x8B"
               "x')",
               "\xE2\x80\x8B"
               "x",
               NONE); /* ZWSP is not space */
    expect_str("TRIM('   ')", "", NONE);
    expect_str("CONCAT_WS('\xE2\x80\x94', 'a', '', 'b')",
               "a\xE2\x80\x94\xE2\x80\x94"
               "b",
               NONE);
    expect_str("CONCAT_WS(', ')", "", NONE);
    expect_str("CONCAT()", "", NONE);
    /* Every mapping in the tables stays a valid code point. */
    size_t bad = 0;
    for (uint32_t cp = 0; cp < 0x110000; cp++) {
        uint32_t out[3];
        size_t k;
        if (cp >= 0xD800 && cp <= 0xDFFF) {
            continue;
        }
        k = cesql_case_map(&cesql_upper_table, cp, out);
        for (size_t i = 0; i < k; i++) {
            bad += out[i] >= 0x110000 || (out[i] >= 0xD800 && out[i] <= 0xDFFF);
        }
        k = cesql_case_map(&cesql_lower_table, cp, out);
        for (size_t i = 0; i < k; i++) {
            bad += out[i] >= 0x110000 || (out[i] >= 0xD800 && out[i] <= 0xDFFF);
        }
    }
    CHECK(bad == 0);
}

static void test_attributes(void)
{
    eventc_ce_event ev;
    eventc_error err;
    eventc_cesql *q = NULL;
    const char *json = "{\"specversion\":\"1.0\",\"id\":\"e1\",\"source\":\"urn:x\",\"type\":"
                       "\"com.example.a\",\"subject\":\"s\",\"time\":\"2018-04-26T14:48:09+02:00\","
                       "\"dataschema\":\"https://x/s\",\"datacontenttype\":\"text/plain\","
                       "\"data\":\"hi\",\"sequence\":5,\"flag\":true,\"seqtext\":\"5\"}";
    eventc_ce_init(&ev, NULL);
    CHECK(eventc_ce_from_json(&ev, json, strlen(json), NULL, &err) == EVENTC_OK);
    eventc_ce_clear(&event);
    CHECK(eventc_ce_copy(&event, &ev, NULL, &err) == EVENTC_OK);
    expect_str("time", "2018-04-26T12:48:09Z", NONE); /* held in UTC */
    expect_str("source", "urn:x", NONE);
    expect_str("dataschema", "https://x/s", NONE);
    expect_str("datacontenttype", "text/plain", NONE);
    expect_int("sequence", 5, NONE);
    expect_bool("flag", true, NONE);
    expect_bool("sequence = 5 AND seqtext = 5 AND sequence = '5' AND seqtext = '5'", true, NONE);
    expect_bool("sequence + 1 = seqtext + 1", true, NONE);
    expect_bool("EXISTS time AND EXISTS SUBJECT AND EXISTS flag", true, NONE);
    expect_bool("time < '2019'", true, CAST); /* computed with the cast's zero: 0 < 2019 */
    expect_bool("time LIKE '2018-%Z'", true, NONE);
    expect_bool("data = 'hi'", false, MISSING);
    /* Extensions of the other types are strings in their canonical form. */
    {
        eventc_ce_value v;
        memset(&v, 0, sizeof(v));
        v.type = EVENTC_CE_BINARY;
        v.str = "\x01\x02\x03\xFF";
        v.len = 4;
        CHECK(eventc_ce_set_ext(&event, "blob", &v, &err) == EVENTC_OK);
        v.type = EVENTC_CE_URI;
        v.str = "https://example.com/a?b";
        v.len = strlen(v.str);
        CHECK(eventc_ce_set_ext(&event, "link", &v, &err) == EVENTC_OK);
        v.type = EVENTC_CE_TIMESTAMP;
        v.str = NULL;
        v.len = 0;
        v.timestamp.seconds = 0;
        v.timestamp.nanos = 500000000;
        CHECK(eventc_ce_set_ext(&event, "at", &v, &err) == EVENTC_OK);
    }
    expect_str("blob", "AQID/w==", NONE);
    expect_str("link", "https://example.com/a?b", NONE);
    expect_str("at", "1970-01-01T00:00:00.5Z", NONE);
    /* The filter rule. */
    CHECK(eventc_cesql_compile("type LIKE 'com.example.%' AND EXISTS subject", 44, &q, &err) ==
          EVENTC_OK);
    CHECK(eventc_cesql_matches(q, &event));
    CHECK(eventc_cesql_result_type(q) == EVENTC_CESQL_BOOLEAN);
    eventc_cesql_free(q);
    CHECK(eventc_cesql_compile("type LIKE 'org.%'", 17, &q, &err) == EVENTC_OK);
    CHECK(!eventc_cesql_matches(q, &event));
    eventc_cesql_free(q);
    CHECK(eventc_cesql_compile("missing OR true", 15, &q, &err) == EVENTC_OK);
    CHECK(!eventc_cesql_matches(q, &event)); /* an error never passes */
    eventc_cesql_free(q);
    CHECK(eventc_cesql_compile("true OR missing", 15, &q, &err) == EVENTC_OK);
    CHECK(eventc_cesql_matches(q, &event));
    eventc_cesql_free(q);
    CHECK(eventc_cesql_compile("'true'", 6, &q, &err) == EVENTC_OK);
    CHECK(!eventc_cesql_matches(q, &event)); /* not a Boolean */
    CHECK(eventc_cesql_result_type(q) == EVENTC_CESQL_STRING);
    CHECK(!eventc_cesql_matches(q, NULL));
    CHECK(!eventc_cesql_matches(NULL, &event));
    eventc_cesql_free(q);
    CHECK(eventc_cesql_compile("flag", 4, &q, &err) == EVENTC_OK);
    CHECK(eventc_cesql_matches(q, &event));
    eventc_cesql_free(q);
    CHECK(eventc_cesql_compile("1 + 1", 5, &q, &err) == EVENTC_OK);
    CHECK(eventc_cesql_result_type(q) == EVENTC_CESQL_INTEGER);
    CHECK(!eventc_cesql_matches(q, &event));
    eventc_cesql_free(q);
    eventc_cesql_free(NULL);
    eventc_ce_clear(&ev);
}

/* A string of @p n copies of @p unit, then @p tail. */
static char *repeat(const char *head, const char *unit, size_t n, const char *tail)
{
    size_t hu = strlen(head), u = strlen(unit), t = strlen(tail);
    char *s = malloc(hu + u * n + t + 1), *w = s;
    memcpy(w, head, hu);
    w += hu;
    for (size_t i = 0; i < n; i++, w += u) {
        memcpy(w, unit, u);
    }
    memcpy(w, tail, t + 1);
    return s;
}

static void test_limits(void)
{
    eventc_cesql *q = NULL;
    eventc_error err;
    char *s;
    /* Nesting: refused with a limit error, never a stack overflow. */
    s = repeat("", "NOT ", EVENTC_CESQL_MAX_DEPTH - 1, "true");
    CHECK(eventc_cesql_compile(s, strlen(s), &q, &err) == EVENTC_OK);
    eventc_cesql_free(q);
    free(s);
    s = repeat("", "NOT ", EVENTC_CESQL_MAX_DEPTH, "true");
    expect_refused(s, strlen(s), EVENTC_E_LIMIT, (size_t)-1);
    free(s);
    s = repeat("", "(", 100000, "1");
    expect_refused(s, strlen(s), EVENTC_E_LIMIT, (size_t)-1);
    free(s);
    s = repeat("", "-", 60000, "x");
    expect_refused(s, strlen(s), EVENTC_E_LIMIT, (size_t)-1);
    free(s);
    s = repeat("", "ABS(", 30000, "1");
    expect_refused(s, strlen(s), EVENTC_E_LIMIT, (size_t)-1);
    free(s);
    s = repeat("x", " LIKE 'a'", 1000, "");
    expect_refused(s, strlen(s), EVENTC_E_LIMIT, (size_t)-1);
    free(s);
    s = repeat("1", " IN (1)", 1000, "");
    expect_refused(s, strlen(s), EVENTC_E_LIMIT, (size_t)-1);
    free(s);
    s = repeat("", "(1 + ", 1000, "1");
    expect_refused(s, strlen(s), EVENTC_E_LIMIT, (size_t)-1);
    free(s);
    /* 64 levels of parentheses are fine. */
    s = repeat("", "(", 64, "1");
    {
        char *t = repeat(s, ")", 64, "");
        expect_int(t, 1, NONE);
        free(t);
    }
    free(s);
    /* Length. */
    s = repeat("LENGTH('", "a", EVENTC_CESQL_MAX_LENGTH - 10, "')");
    expect_int(s, (int32_t)EVENTC_CESQL_MAX_LENGTH - 10, NONE);
    free(s);
    s = repeat("LENGTH('", "a", EVENTC_CESQL_MAX_LENGTH - 9, "')");
    expect_refused(s, strlen(s), EVENTC_E_LIMIT, (size_t)-1);
    free(s);
    /* String results: at most EVENTC_CESQL_MAX_STRING bytes from one function. */
    {
        size_t n = 60000;
        char *big = repeat("", "x", n, "");
        eventc_error e;
        CHECK(eventc_ce_set_subject(&event, big, &e) == EVENTC_OK);
        free(big);
    }
    s = repeat("LENGTH(CONCAT(subject", ", subject", 16, "))"); /* 17 x 60000 < 1 MiB */
    expect_int(s, 17 * 60000, NONE);
    free(s);
    s = repeat("LENGTH(CONCAT(subject", ", subject", 17, "))"); /* 18 x 60000 > 1 MiB */
    expect_int(s, 0, FNEVAL);
    free(s);
    s = repeat("LENGTH(UPPER(CONCAT(subject", ", subject", 16, ")))");
    expect_int(s, 17 * 60000, NONE);
    free(s);
    /* Scratch: at most EVENTC_CESQL_MAX_SCRATCH bytes per evaluation. */
    {
        char *one = repeat("LENGTH(CONCAT(subject", ", subject", 15, ")) + ");
        char *all = repeat("", one, 20, "0");
        expect_int(all, 0, GENERIC);
        free(one);
        free(all);
    }
}

/* Every allocation of compile and then of eval fails in turn: an error, no leak, no crash. */
static void test_allocation_failures(void)
{
    const char *expr = "LENGTH(UPPER(subject)) = 60000 AND "
                       "UPPER(CONCAT(type, '-', STRING(LENGTH(id) + 1))) LIKE '%-_' AND "
                       "NOT (LOWER(time) IN ('x', subject, 'y')) AND sequence = 5";
    size_t compile_calls = 0, eval_calls = 0;
    for (size_t fail_at = 1;; fail_at++) {
        failing f = {0, fail_at, 0, 0, 0};
        eventc_allocator a = failing_allocator(&f);
        eventc_cesql *q = NULL;
        eventc_error err;
        eventc_status st = eventc_cesql_compile_alloc(expr, strlen(expr), &a, &q, &err);
        if (st == EVENTC_OK) {
            eventc_cesql_free(q);
            CHECK(f.live_blocks == 0 && f.size_mismatches == 0);
            compile_calls = f.calls;
            break;
        }
        CHECK(st == EVENTC_E_NOMEM && q == NULL);
        CHECK(f.live_blocks == 0);
        if (fail_at > 10000) {
            CHECK(0);
            break;
        }
    }
    CHECK(compile_calls > 1);
    for (size_t fail_at = 1;; fail_at++) {
        failing f = {0, fail_at, 0, 0, 0};
        eventc_allocator a = failing_allocator(&f);
        eventc_arena scratch;
        eventc_cesql *q = NULL;
        eventc_cesql_result r;
        eventc_error err;
        eventc_status st;
        CHECK(eventc_cesql_compile(expr, strlen(expr), &q, &err) == EVENTC_OK);
        eventc_arena_init(&scratch, &a);
        st = eventc_cesql_eval(q, &event, &scratch, &r);
        eventc_arena_free(&scratch);
        eventc_cesql_free(q);
        CHECK(f.live_blocks == 0);
        if (st == EVENTC_OK) {
            CHECK(r.error == NONE && r.value.type == EVENTC_CESQL_BOOLEAN);
            eval_calls = f.calls;
            break;
        }
        CHECK(st == EVENTC_E_NOMEM && r.error == GENERIC);
        CHECK(r.value.type == EVENTC_CESQL_BOOLEAN && !r.value.boolean);
        if (fail_at > 10000) {
            CHECK(0);
            break;
        }
    }
    CHECK(eval_calls > 0);
    /* Bad arguments. */
    {
        eventc_cesql_result r;
        eventc_arena scratch;
        eventc_error err;
        eventc_cesql *q = NULL;
        eventc_arena_init(&scratch, NULL);
        CHECK(eventc_cesql_compile(NULL, 1, &q, &err) == EVENTC_E_INVALID_ARGUMENT);
        CHECK(eventc_cesql_compile("1", 1, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
        CHECK(eventc_cesql_eval(NULL, &event, &scratch, &r) == EVENTC_E_INVALID_ARGUMENT);
        CHECK(r.error == GENERIC);
        CHECK(eventc_cesql_eval(NULL, &event, &scratch, NULL) == EVENTC_E_INVALID_ARGUMENT);
        eventc_arena_free(&scratch);
    }
}

int main(void)
{
    eventc_error err;
    eventc_ce_init(&event, NULL);
    CHECK(eventc_ce_set_id(&event, "1", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_source(&event, "/eventc", &err) == EVENTC_OK);
    CHECK(eventc_ce_set_type(&event, "eventc.ce.eval", &err) == EVENTC_OK);
    test_precedence();
    test_literals_and_names();
    test_overflow_and_math();
    test_errors();
    test_casts();
    test_like();
    test_like_work();
    test_unicode();
    test_attributes();
    test_limits();
    test_allocation_failures();
    eventc_ce_clear(&event);
    return check_report();
}
