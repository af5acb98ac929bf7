/* Unit tests of the pattern engine: ECMAScript (u flag) semantics of the supported subset,
 * compile-time refusals with their offsets, limits, allocation behaviour and linear time. */
#include <eventc/regex.h>

#include "check.h"

#include <stdlib.h>
#include <string.h>

/* Runs one pair through every entry point (compile + test with and without an allocator,
 * one-shot search) and returns the common result, or 99 when they disagree. */
static int run_n(const char *pattern, size_t plen, const char *subject, size_t slen)
{
    eventc_regex *re = NULL;
    eventc_error err;
    int via_test, via_search;

    if (eventc_regex_compile(pattern, plen, NULL, &re, &err) != EVENTC_OK) {
        fprintf(stderr, "unexpected refusal of /%.*s/: %s\n", (int)plen, pattern, err.message);
        return 98;
    }
    via_test = eventc_regex_test(re, subject, slen);
    eventc_regex_free(re);
    via_search = eventc_regex_search(pattern, plen, subject, slen);
    if (via_test != via_search) {
        fprintf(stderr, "/%.*s/: test says %d, search says %d\n", (int)plen, pattern, via_test,
                via_search);
        return 99;
    }
    return via_test;
}

static int run(const char *pattern, const char *subject)
{
    return run_n(pattern, strlen(pattern), subject, strlen(subject));
}

#define MATCH(p, s) CHECK(run(p, s) == 1)
#define NO_MATCH(p, s) CHECK(run(p, s) == 0)

/* Expects a refusal at byte offset `offset` whose message contains `what`. */
static int refused_n(const char *pattern, size_t plen, size_t offset, const char *what)
{
    eventc_error err;
    eventc_error err2;
    eventc_regex *re = (eventc_regex *)&err; /* must be reset to NULL on failure */
    char where[40];
    eventc_status st = eventc_regex_check(pattern, plen, &err);

    if (st != EVENTC_E_PATTERN) {
        fprintf(stderr, "/%.*s/: expected a pattern error, got status %d\n", (int)plen, pattern,
                (int)st);
        return 0;
    }
    if (err.code != EVENTC_E_PATTERN || err.offset != offset) {
        fprintf(stderr, "/%.*s/: offset %zu (%s), expected %zu\n", (int)plen, pattern, err.offset,
                err.message, offset);
        return 0;
    }
    if (strstr(err.message, what) == NULL) {
        fprintf(stderr, "/%.*s/: message \"%s\" lacks \"%s\"\n", (int)plen, pattern, err.message,
                what);
        return 0;
    }
    snprintf(where, sizeof where, "at offset %zu", offset);
    if (strstr(err.message, where) == NULL) {
        fprintf(stderr, "/%.*s/: message \"%s\" lacks \"%s\"\n", (int)plen, pattern, err.message,
                where);
        return 0;
    }
    if (eventc_regex_compile(pattern, plen, NULL, &re, &err2) != EVENTC_E_PATTERN || re != NULL ||
        err2.offset != offset || strcmp(err.message, err2.message) != 0) {
        fprintf(stderr, "/%.*s/: compile disagrees with check\n", (int)plen, pattern);
        return 0;
    }
    if (eventc_regex_search(pattern, plen, "x", 1) != -(int)EVENTC_E_PATTERN) {
        fprintf(stderr, "/%.*s/: search does not report the error\n", (int)plen, pattern);
        return 0;
    }
    return 1;
}

#define REFUSED(p, offset, what) CHECK(refused_n(p, strlen(p), offset, what))

static void test_anchors_and_search(void)
{
    MATCH("", "");
    MATCH("", "anything");
    MATCH("abc", "xxabcxx");
    NO_MATCH("abc", "ab");
    MATCH("^abc$", "abc");
    NO_MATCH("^abc$", "abcd");
    NO_MATCH("^abc$", "xabc");
    NO_MATCH("^abc", "xabc");
    MATCH("abc$", "xabc");
    /* No multiline flag: $ is the end of input only, never before a trailing newline. */
    NO_MATCH("abc$", "abc\n");
    NO_MATCH("^abc", "x\nabc");
    MATCH("^$", "");
    NO_MATCH("^$", "a");
    NO_MATCH("^$", "\n");
    MATCH("^^a$$", "a");
    MATCH("a^|b", "b");
    NO_MATCH("a^b", "ab");
    NO_MATCH("a$b", "ab");
    MATCH("$a|^b", "bc");
    MATCH("(?:^)*a", "ba");
    MATCH("(?:^|,)b", "a,b");
    NO_MATCH("(?:^|,)b", "ab");
    MATCH("b*", "xyz"); /* matches the empty string */
    MATCH("x*$", "abc");
}

static void test_dot(void)
{
    MATCH("^.$", "a");
    NO_MATCH("^.$", "\n");
    NO_MATCH("^.$", "\r");
    NO_MATCH("^.$", "\xE2\x80\xA8"); /* U+2028 */
    NO_MATCH("^.$", "\xE2\x80\xA9"); /* U+2029 */
    MATCH("^.$", "\xC2\x85");        /* U+0085 is not a line terminator in ECMAScript */
    MATCH("^.$", "\xEF\xBB\xBF");
    MATCH("^.$", "\t");
    /* One astral code point is one character under the u flag. */
    MATCH("^.$", "\xF0\x9F\x98\x80");
    NO_MATCH("^..$", "\xF0\x9F\x98\x80");
    MATCH("^.{3}$", "a\xC3\xA9\xF0\x9F\x98\x80");
    CHECK(run_n("^.$", 3, "\0", 1) == 1);
}

static void test_class_escapes(void)
{
    MATCH("^\\d+$", "0123456789");
    NO_MATCH("^\\d$", "\xD9\xA0"); /* ARABIC-INDIC DIGIT ZERO */
    NO_MATCH("^\\d$", "\xC2\xB2"); /* SUPERSCRIPT TWO */
    MATCH("^\\D$", "a");
    NO_MATCH("^\\D$", "7");
    MATCH("^\\w+$", "abc_XYZ_09");
    NO_MATCH("^\\w$", "\xC3\xA9");     /* e acute */
    NO_MATCH("^\\w$", "\xE2\x84\xAA"); /* KELVIN SIGN: only with the i flag */
    NO_MATCH("^\\w$", "-");
    MATCH("^\\W$", "-");
    MATCH("^\\W$", "\xC3\xA9");
    NO_MATCH("^\\W$", "_");

    /* \s is WhiteSpace plus LineTerminator as ECMA-262 lists them. */
    MATCH("^\\s$", " ");
    MATCH("^\\s$", "\t");
    MATCH("^\\s$", "\n");
    MATCH("^\\s$", "\v");
    MATCH("^\\s$", "\f");
    MATCH("^\\s$", "\r");
    MATCH("^\\s$", "\xC2\xA0");        /* NO-BREAK SPACE */
    MATCH("^\\s$", "\xEF\xBB\xBF");    /* ZERO WIDTH NO-BREAK SPACE (BOM) */
    MATCH("^\\s$", "\xE1\x9A\x80");    /* OGHAM SPACE MARK */
    MATCH("^\\s$", "\xE2\x80\x80");    /* EN QUAD */
    MATCH("^\\s$", "\xE2\x80\x8A");    /* HAIR SPACE */
    MATCH("^\\s$", "\xE2\x80\xA8");    /* LINE SEPARATOR */
    MATCH("^\\s$", "\xE2\x80\xA9");    /* PARAGRAPH SEPARATOR */
    MATCH("^\\s$", "\xE2\x80\xAF");    /* NARROW NO-BREAK SPACE */
    MATCH("^\\s$", "\xE2\x81\x9F");    /* MEDIUM MATHEMATICAL SPACE */
    MATCH("^\\s$", "\xE3\x80\x80");    /* IDEOGRAPHIC SPACE */
    NO_MATCH("^\\s$", "\xC2\x85");     /* NEXT LINE: whitespace in Python, not in ECMAScript */
    NO_MATCH("^\\s$", "\x1C");         /* FILE SEPARATOR: likewise */
    NO_MATCH("^\\s$", "\xE2\x80\x8B"); /* ZERO WIDTH SPACE */
    NO_MATCH("^\\s$", "\xE1\xA0\x8E"); /* MONGOLIAN VOWEL SEPARATOR (no longer Zs) */
    MATCH("^\\S$", "x");
    NO_MATCH("^\\S$", "\xC2\xA0");
    NO_MATCH("^\\S$", "\xEF\xBB\xBF");
}

static void test_brackets(void)
{
    MATCH("^[a-c]+$", "abcba");
    NO_MATCH("^[a-c]$", "d");
    MATCH("^[^a-c]$", "d");
    NO_MATCH("^[^a-c]$", "b");
    MATCH("^[^a]$", "\n"); /* a negated class matches line terminators */
    MATCH("^[^]$", "\n");
    MATCH("^[^]$", "\xF0\x9F\x98\x80");
    NO_MATCH("[]", "a");
    NO_MATCH("[]", "");
    NO_MATCH("[^\\s\\S]", "abc");
    MATCH("^[-a]+$", "-a");
    MATCH("^[a-]+$", "a-");
    MATCH("^[\\d-]+$", "1-2");
    MATCH("^[-\\d]+$", "1-2");
    MATCH("^[a-z-0]+$", "q-0");
    NO_MATCH("^[a-z-0]$", "5");
    MATCH("^[--/]$", "."); /* a range from '-' to '/' */
    MATCH("^[\\-]$", "-");
    MATCH("^[\\w.]+$", "a.b_c");
    MATCH("^[.]$", ".");
    NO_MATCH("^[.]$", "x");
    MATCH("^[\\s\\d]+$", " 1\t2");
    MATCH("^[\\D]$", "a");
    MATCH("^[^\\D]$", "5");
    NO_MATCH("^[^\\D]$", "a");
    MATCH("^[^\\W\\d]+$", "ab_");
    NO_MATCH("^[^\\W\\d]$", "1");
    MATCH("^[a\\]]+$", "a]");
    MATCH("^[[]$", "[");
    MATCH("^[(){}|*+?.$^]+$", "(){}|*+?.$^");
    MATCH("^[\\^]$", "^");
    MATCH("^[\\x41-\\x43]+$", "ABC");
    MATCH("^[\\u{1F600}-\\u{1F64F}]$", "\xF0\x9F\x98\x83");
    MATCH("^[\xF0\x9F\x98\x80-\xF0\x9F\x98\x82]$", "\xF0\x9F\x98\x81");
    NO_MATCH("^[\xF0\x9F\x98\x80-\xF0\x9F\x98\x82]$", "\xF0\x9F\x98\x83");
    MATCH("^[\\uD83D\\uDE00]$", "\xF0\x9F\x98\x80");
    CHECK(run_n("^[\\0]$", 6, "\0", 1) == 1);
    MATCH("^[\\n\\t]+$", "\n\t");
    MATCH("^[^\\n]+$", "abc");
    NO_MATCH("^[^\\n]+$", "a\nc");
    MATCH("^[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\\.[a-zA-Z]{2,}$", "john.doe+x@example.co");
}

static void test_escapes(void)
{
    MATCH("^\\x41$", "A");
    MATCH("^\\xe9$", "\xC3\xA9");
    MATCH("^\\u0041$", "A");
    MATCH("^\\u00E9$", "\xC3\xA9");
    MATCH("^\\u{1F600}$", "\xF0\x9F\x98\x80");
    MATCH("^\\u{0000000041}$", "A");
    /* A \u surrogate pair is one code point under the u flag; braced halves are not. */
    MATCH("^\\uD83D\\uDE00$", "\xF0\x9F\x98\x80");
    NO_MATCH("^\\u{D83D}\\u{DE00}$", "\xF0\x9F\x98\x80");
    NO_MATCH("\\uD83D", "\xF0\x9F\x98\x80");
    MATCH("^\\n\\r\\t\\v\\f$", "\n\r\t\v\f");
    CHECK(run_n("^\\0$", 4, "\0", 1) == 1);
    /* Invalid UTF-8 in a subject stops the search (callers validate first). */
    CHECK(run_n("a", 1,
                "\xC0"
                "a",
                2) == 0);
    CHECK(run_n("a", 1, "a\xC0", 2) == 1);
    MATCH("^\\/$", "/");
    MATCH("^/$", "/");
    MATCH("^\\.\\*\\+\\?\\(\\)\\[\\]\\{\\}\\|\\^\\$\\\\$", ".*+?()[]{}|^$\\");
    NO_MATCH("^\\.$", "x");
    MATCH("^\xC3\xA9+$", "\xC3\xA9\xC3\xA9");
    NO_MATCH("^\xC3\xA9$", "e\xCC\x81"); /* no normalization */
    MATCH("^\xE2\x82\xAC\\d+$", "\xE2\x82\xAC"
                                "12");
}

static void test_quantifiers(void)
{
    char buf[1200];

    MATCH("^a{3}$", "aaa");
    NO_MATCH("^a{3}$", "aa");
    NO_MATCH("^a{3}$", "aaaa");
    MATCH("^a{2,}$", "aaaaa");
    NO_MATCH("^a{2,}$", "a");
    MATCH("^a{2,4}$", "aa");
    MATCH("^a{2,4}$", "aaaa");
    NO_MATCH("^a{2,4}$", "aaaaa");
    NO_MATCH("^a{2,4}$", "a");
    MATCH("^a{0}$", "");
    NO_MATCH("^a{0}$", "a");
    MATCH("^a{0,0}b$", "b");
    MATCH("^a{1}$", "a");
    MATCH("^a{1,1}$", "a");
    MATCH("^a{0,}$", "");
    MATCH("^(?:ab){2}$", "abab");
    NO_MATCH("^(?:ab){2}$", "aba");
    MATCH("^(?:ab){1,2}c$", "ababc");
    MATCH("^a*$", "");
    MATCH("^a*$", "aaaa");
    MATCH("^a+$", "a");
    NO_MATCH("^a+$", "");
    MATCH("^a?b$", "b");
    MATCH("^a?b$", "ab");
    NO_MATCH("^a?b$", "aab");
    /* Lazy forms accept the same strings. */
    MATCH("^a*?$", "aaa");
    MATCH("^a+?$", "a");
    MATCH("^a??b$", "b");
    MATCH("^a{2,3}?$", "aaa");
    MATCH("^a{2,}?$", "aaaa");
    MATCH("a{2}?", "xaax");
    /* Quantified groups that can match empty. */
    MATCH("^(a|b)*$", "abba");
    MATCH("^(?:a*)*$", "aaa");
    MATCH("^(?:a*)+$", "");
    MATCH("^(?:a?){5}$", "");
    MATCH("^(?:a?){5}$", "aaaaa");
    NO_MATCH("^(?:a?){5}$", "aaaaaa");
    MATCH("^(?:a|){3}b$", "ab");
    MATCH("^(?:)*$", "");
    MATCH("^(?:){1000}x$", "x");
    MATCH("^(?:(?:a|b)(?:c|d))+$", "acbdad");
    MATCH("^(?:a{2}){3}$", "aaaaaa");
    NO_MATCH("^(?:a{2}){3}$", "aaaaa");
    MATCH("^(?:a{0,2}b){2}$", "aabb");
    MATCH("^\\d{3}-\\d{4}$", "555-1234");
    MATCH("^[A-Z]{3}$", "EUR");
    NO_MATCH("^[A-Z]{3}$", "Eur");

    memset(buf, 'a', 1000);
    buf[1000] = '\0';
    MATCH("^a{1000}$", buf);
    MATCH("^a{0,1000}$", buf);
    MATCH("^a{1,}$", buf);
    buf[999] = '\0';
    NO_MATCH("^a{1000}$", buf);
}

static void test_alternation_and_groups(void)
{
    MATCH("a|b", "b");
    NO_MATCH("^(?:a|b)$", "c");
    MATCH("|", "");
    MATCH("a|", "zzz");
    MATCH("|a", "zzz");
    MATCH("^(?:a||b)$", "");
    MATCH("^(?:a|b|)$", "");
    MATCH("^(?:|a)$", "a");
    MATCH("^(a|ab)(c|bcd)(d*)$", "abcd");
    MATCH("^((a)(b(c)))$", "abc");
    MATCH("^(?:(?:(?:x)))$", "x");
    MATCH("^()$", "");
    MATCH("^(|)$", "");
    MATCH("^(?:cat|dog|bird)s?$", "dogs");
    NO_MATCH("^(?:cat|dog|bird)s?$", "dogss");
    MATCH("^(?:a|b(?:c|d(?:e|f)))$", "bdf");
    NO_MATCH("^(?:a|b(?:c|d(?:e|f)))$", "bd");
}

static void test_case_sensitivity(void)
{
    NO_MATCH("abc", "ABC");
    NO_MATCH("^[a-z]$", "A");
    NO_MATCH("^\xC3\xA9$", "\xC3\x89"); /* e acute vs E acute */
    NO_MATCH("^k$", "\xE2\x84\xAA");    /* KELVIN SIGN */
    MATCH("^[A-Za-z]+$", "MiXeD");
}

static void test_refusals(void)
{
    char buf[EVENTC_REGEX_MAX_PATTERN + 2];
    size_t i;

    /* Quantifiers with nothing to repeat. */
    REFUSED("*", 0, "nothing to repeat");
    REFUSED("+a", 0, "nothing to repeat");
    REFUSED("a|?", 2, "nothing to repeat");
    REFUSED("(*)", 1, "nothing to repeat");
    REFUSED("a**", 2, "nothing to repeat");
    REFUSED("a+*", 2, "nothing to repeat");
    REFUSED("a*??", 3, "nothing to repeat");
    REFUSED("a{2}{3}", 4, "nothing to repeat");
    REFUSED("{1}", 0, "nothing to repeat");
    REFUSED("^*", 1, "nothing to repeat");
    REFUSED("$+", 1, "nothing to repeat");
    REFUSED("x^{2}", 2, "nothing to repeat");
    /* Braces and brackets. */
    REFUSED("{", 0, "lone '{'");
    REFUSED("a{2}{", 4, "lone '{'");
    REFUSED("}", 0, "lone '}'");
    REFUSED("a}", 1, "lone '}'");
    REFUSED("]", 0, "lone ']'");
    REFUSED("a{", 1, "incomplete quantifier");
    REFUSED("a{1", 1, "incomplete quantifier");
    REFUSED("a{,2}", 1, "incomplete quantifier");
    REFUSED("a{1,2,3}", 1, "incomplete quantifier");
    REFUSED("a{ 1}", 1, "incomplete quantifier");
    REFUSED("a{x}", 1, "incomplete quantifier");
    REFUSED("a{3,2}", 1, "out of order");
    REFUSED("a{1001}", 1, "above 1000");
    REFUSED("a{1,1001}", 1, "above 1000");
    REFUSED("a{1001,}", 1, "above 1000");
    REFUSED("a{99999999999999999999}", 1, "above 1000");
    /* Groups. */
    REFUSED("(", 0, "unterminated group");
    REFUSED("a(b", 1, "unterminated group");
    REFUSED("((a)", 0, "unterminated group");
    REFUSED("a)", 1, "unmatched ')'");
    REFUSED("(a))", 3, "unmatched ')'");
    REFUSED("x(?=a)", 1, "lookahead");
    REFUSED("(?!a)", 0, "lookahead");
    REFUSED("(?<=a)", 0, "lookbehind");
    REFUSED("(?<!a)", 0, "lookbehind");
    REFUSED("(?<name>a)", 0, "named groups");
    REFUSED("(?i:a)", 0, "invalid group");
    REFUSED("(?", 0, "invalid group");
    /* Escapes. */
    REFUSED("a\\b", 1, "word boundary");
    REFUSED("\\B", 0, "word boundary");
    REFUSED("\\p{L}", 0, "property escapes");
    REFUSED("x\\P{Lu}", 1, "property escapes");
    REFUSED("(a)\\1", 3, "backreferences");
    REFUSED("\\k<n>", 0, "named backreferences");
    REFUSED("\\cA", 0, "\\c control");
    REFUSED("\\a", 0, "invalid escape \\a");
    REFUSED("\\e", 0, "invalid escape \\e");
    REFUSED("ab\\z", 2, "invalid escape \\z");
    REFUSED("\\_", 0, "invalid escape");
    REFUSED("\\ ", 0, "invalid escape");
    REFUSED("\\\xC3\xA9", 0, "invalid escape");
    REFUSED("\\-", 0, "only valid inside [...]");
    REFUSED("\\", 0, "\\ at end of pattern");
    REFUSED("a\\", 1, "\\ at end of pattern");
    REFUSED("\\x4", 0, "invalid \\x escape");
    REFUSED("\\x4g", 0, "invalid \\x escape");
    REFUSED("\\u12", 0, "invalid \\u escape");
    REFUSED("\\u{}", 0, "invalid \\u{...} escape");
    REFUSED("\\u{12", 0, "invalid \\u{...} escape");
    REFUSED("\\u{110000}", 0, "above U+10FFFF");
    REFUSED("\\01", 0, "octal");
    /* Classes. */
    REFUSED("[a", 0, "unterminated character class");
    REFUSED("x[a-", 1, "unterminated character class");
    REFUSED("[\\", 1, "\\ at end of pattern");
    REFUSED("[z-a]", 1, "range out of order");
    REFUSED("[a--]", 1, "range out of order");
    REFUSED("x[\\d-z]", 2, "range endpoint");
    REFUSED("[a-\\d]", 1, "range endpoint");
    REFUSED("[\\b]", 1, "backspace");
    REFUSED("[\\B]", 1, "invalid escape \\B");
    REFUSED("[\\1]", 1, "invalid escape \\1");
    REFUSED("[\\p{L}]", 1, "property escapes");
    REFUSED("[\\a]", 1, "invalid escape");
    /* Encoding. */
    REFUSED("a\xFF", 1, "invalid UTF-8");
    REFUSED("\xC3", 0, "invalid UTF-8");
    REFUSED("[\xED\xA0\x80]", 1, "invalid UTF-8"); /* an encoded surrogate */
    /* Size limits. */
    memset(buf, 'a', sizeof buf);
    CHECK(eventc_regex_check(buf, EVENTC_REGEX_MAX_PATTERN, NULL) == EVENTC_OK);
    CHECK(refused_n(buf, EVENTC_REGEX_MAX_PATTERN + 1, EVENTC_REGEX_MAX_PATTERN, "longer than"));
    REFUSED("(?:a{1000}){10}", 11, "too complex");
    CHECK(eventc_regex_check("(?:a{1000}){9}", 14, NULL) == EVENTC_OK);
    REFUSED("x(?:(?:ab){100}){50}", 16, "too complex");
    REFUSED("a{1000}b{1000}c{1000}d{1000}e{1000}f{1000}g{1000}h{1000}i{1000}j{1000}", 0,
            "too complex");
    /* Nesting depth. */
    for (i = 0; i < EVENTC_REGEX_MAX_DEPTH; i++) {
        buf[i] = '(';
        buf[2 * EVENTC_REGEX_MAX_DEPTH - 1 - i] = ')';
    }
    CHECK(eventc_regex_check(buf, 2 * EVENTC_REGEX_MAX_DEPTH, NULL) == EVENTC_OK);
    for (i = 0; i <= EVENTC_REGEX_MAX_DEPTH; i++) {
        buf[i] = '(';
        buf[2 * EVENTC_REGEX_MAX_DEPTH + 1 - i] = ')';
    }
    CHECK(refused_n(buf, 2 * EVENTC_REGEX_MAX_DEPTH + 2, EVENTC_REGEX_MAX_DEPTH, "nested"));
}

static void test_valid_edge_syntax(void)
{
    static const char *const ok[] = {
        "",
        "a",
        "[]",
        "[^]",
        "()",
        "(?:)",
        "a{0}",
        "a{0,0}",
        "a{1000}",
        "[{}()|*+?.$^[]",
        "\\u{10FFFF}",
        "\\uD800",
        "[\\-]",
        "[--a]",
        "[\\d-]",
        "[-\\d]",
        "\\0",
        "[\\0]",
        "a{1}?",
        "(?:^)+",
        "(?:$)?",
        "\\/",
        "/",
        "-",
        ",",
        "=",
        "!",
        ":",
        "<",
        ">",
        "\\^\\$",
    };
    size_t i;

    for (i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        eventc_error err;
        eventc_status st = eventc_regex_check(ok[i], strlen(ok[i]), &err);
        if (st != EVENTC_OK) {
            fprintf(stderr, "/%s/ refused: %s\n", ok[i], err.message);
        }
        CHECK(st == EVENTC_OK);
    }
}

/* Patterns that make backtracking engines exponential finish quickly here. */
static void test_linear_time(void)
{
    size_t n = 100000;
    char *s = malloc(n + 2);

    CHECK(s != NULL);
    if (s == NULL) {
        return;
    }
    memset(s, 'a', n);
    s[n] = '!';
    s[n + 1] = '\0';
    NO_MATCH("^(a+)+$", s);
    NO_MATCH("(a*)*b", s);
    NO_MATCH("^(?:a|aa)*c", s);
    NO_MATCH("(?:a|a)*(?:a|a)*(?:a|a)*b", s);
    NO_MATCH("^(?:(?:a*)*)*$", s);
    MATCH("a{100}!", s);
    MATCH("(?:a?){30}a{30}", s);
    free(s);
}

/* Counting allocator with failure injection. */
typedef struct counting {
    long live;
    long calls;
    long fail_at; /* the call number that fails; 0 = never */
} counting;

static void *counting_alloc(void *ctx, size_t size)
{
    counting *c = ctx;
    c->calls++;
    if (c->fail_at != 0 && c->calls == c->fail_at) {
        return NULL;
    }
    c->live++;
    return malloc(size);
}

static void counting_free(void *ctx, void *p, size_t size)
{
    counting *c = ctx;
    (void)size;
    c->live--;
    free(p);
}

/* Fails each allocation of a compile in turn: NOMEM, *out NULL and nothing leaked every time,
 * until the compile succeeds; at least `min_calls` allocations must have been made. */
static void check_compile_failures(const eventc_allocator *a, counting *c, const char *pattern,
                                   size_t len, long min_calls)
{
    eventc_regex *re;
    eventc_error err;
    long f;

    for (f = 1;; f++) {
        eventc_status st;
        c->calls = 0;
        c->fail_at = f;
        re = (eventc_regex *)c;
        st = eventc_regex_compile(pattern, len, a, &re, &err);
        CHECK(c->live == (st == EVENTC_OK ? 1 : 0));
        if (st == EVENTC_OK) {
            eventc_regex_free(re);
            break;
        }
        CHECK(st == EVENTC_E_NOMEM);
        CHECK(err.code == EVENTC_E_NOMEM);
        CHECK(re == NULL);
    }
    c->fail_at = 0;
    CHECK(f >= min_calls);
    CHECK(c->live == 0);
}

static void test_api_and_memory(void)
{
    counting c = {0, 0, 0};
    eventc_allocator a = {counting_alloc, NULL, counting_free, &c};
    eventc_regex *re = NULL;
    eventc_error err;
    /* 2 * 1000 class instructions plus splits: well above the stack scratch threshold, and a
     * parse tree and program larger than the stack buffers. */
    const char *big = "^(?:[a-z]{1000}){2}(?:[0-9]{1,500})?$";
    char subject[2100];
    char many[3000];
    long f;
    int i;

    CHECK(eventc_regex_compile("a", 1, NULL, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_regex_compile(NULL, 1, NULL, &re, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(re == NULL);
    CHECK(eventc_regex_check(NULL, 1, NULL) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_regex_check(NULL, 0, NULL) == EVENTC_OK);
    CHECK(eventc_regex_check("(", 1, NULL) == EVENTC_E_PATTERN);
    CHECK(eventc_regex_search(NULL, 0, NULL, 0) == 1);
    CHECK(eventc_regex_search(NULL, 1, "", 0) == -(int)EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_regex_search("a", 1, NULL, 1) == -(int)EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_regex_search("[", 1, "", 0) == -(int)EVENTC_E_PATTERN);
    CHECK(eventc_regex_test(NULL, "", 0) == -(int)EVENTC_E_INVALID_ARGUMENT);
    eventc_regex_free(NULL);

    /* Compile through the allocator; small programs match without allocating. */
    CHECK(eventc_regex_compile("^[a-z]+$", 8, &a, &re, &err) == EVENTC_OK);
    CHECK(c.live == 1);
    f = c.calls;
    CHECK(eventc_regex_test(re, "hello", 5) == 1);
    CHECK(eventc_regex_test(re, "hello!", 6) == 0);
    CHECK(eventc_regex_test(re, NULL, 0) == 0);
    CHECK(c.calls == f);
    eventc_regex_free(re);
    CHECK(c.live == 0);

    /* A large program borrows scratch space per call and gives it back. */
    memset(subject, 'q', 2000);
    memcpy(subject + 2000, "123", 4);
    CHECK(eventc_regex_compile(big, strlen(big), &a, &re, &err) == EVENTC_OK);
    CHECK(c.live == 1);
    f = c.calls;
    CHECK(eventc_regex_test(re, subject, 2003) == 1);
    CHECK(eventc_regex_test(re, subject, 1999) == 0);
    CHECK(c.calls == f + 2);
    CHECK(c.live == 1);
    c.fail_at = c.calls + 1;
    CHECK(eventc_regex_test(re, subject, 2003) == -(int)EVENTC_E_NOMEM);
    c.fail_at = 0;
    eventc_regex_free(re);
    CHECK(c.live == 0);
    CHECK(run(big, subject) == 1);

    /* Every allocation failure during compile is reported and leaks nothing: once with a
     * small parse tree (only the result is allocated) and once with a tree and class table
     * that spill out of the stack buffer. */
    for (i = 0; i < 300; i++) {
        memcpy(many + 10 * i, i % 2 ? "(?:a|[bc])" : "[^\\s\\d_]+?", 10);
    }
    check_compile_failures(&a, &c, big, strlen(big), 2);
    check_compile_failures(&a, &c, many, 3000, 5);
    CHECK(run_n(many, 3000, "a", 1) == 0);
    CHECK(c.live == 0);
}

int main(int argc, char **argv)
{
    (void)argc;
    (void)argv;
    test_anchors_and_search();
    test_dot();
    test_class_escapes();
    test_brackets();
    test_escapes();
    test_quantifiers();
    test_alternation_and_groups();
    test_case_sensitivity();
    test_refusals();
    test_valid_edge_syntax();
    test_linear_time();
    test_api_and_memory();
    return check_report();
}
