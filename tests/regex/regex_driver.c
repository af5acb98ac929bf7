/* Differential-test driver: reads `<hex pattern> <hex subject>` lines on stdin and prints, per
 * line, `1` (match), `0` (no match) or `E <offset> <message>` (pattern refused). Every pair goes
 * through eventc_regex_check, eventc_regex_compile + eventc_regex_test and eventc_regex_search;
 * if those disagree with each other the line is `X <explanation>`, which the caller reports as a
 * failure. Hex keeps arbitrary bytes (newlines, NUL) out of the line framing. */
#include <eventc/regex.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct line_buf {
    char *data;
    size_t len;
    size_t cap;
} line_buf;

/* Reads one line without its newline; returns 0 at end of input. */
static int read_line(FILE *in, line_buf *b)
{
    int c;

    b->len = 0;
    while ((c = fgetc(in)) != EOF && c != '\n') {
        if (b->len + 1 >= b->cap) {
            size_t ncap = b->cap != 0 ? b->cap * 2 : 256;
            char *p = realloc(b->data, ncap);
            if (p == NULL) {
                fprintf(stderr, "regex_driver: out of memory\n");
                exit(2);
            }
            b->data = p;
            b->cap = ncap;
        }
        b->data[b->len++] = (char)c;
    }
    if (c == EOF && b->len == 0) {
        return 0;
    }
    return 1;
}

static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') {
        return c - '0';
    }
    if (c >= 'a' && c <= 'f') {
        return c - 'a' + 10;
    }
    if (c >= 'A' && c <= 'F') {
        return c - 'A' + 10;
    }
    return -1;
}

/* Decodes hex text in place; returns the byte count or -1 on malformed input. */
static long unhex(char *s, size_t n)
{
    size_t i;

    if (n % 2 != 0) {
        return -1;
    }
    for (i = 0; i < n; i += 2) {
        int hi = hex_digit(s[i]);
        int lo = hex_digit(s[i + 1]);
        if (hi < 0 || lo < 0) {
            return -1;
        }
        s[i / 2] = (char)(hi * 16 + lo);
    }
    return (long)(n / 2);
}

int main(void)
{
    line_buf line = {NULL, 0, 0};

    while (read_line(stdin, &line)) {
        char *space = memchr(line.data, ' ', line.len);
        char *pattern, *subject;
        long plen, slen;
        eventc_error err;
        eventc_status st;
        eventc_regex *re = NULL;
        int via_test, via_search;

        if (space == NULL) {
            printf("X malformed line\n");
            continue;
        }
        pattern = line.data;
        subject = space + 1;
        plen = unhex(pattern, (size_t)(space - line.data));
        slen = unhex(subject, line.len - (size_t)(subject - line.data));
        if (plen < 0 || slen < 0) {
            printf("X malformed hex\n");
            continue;
        }
        st = eventc_regex_check(pattern, (size_t)plen, &err);
        if (st != EVENTC_OK) {
            eventc_error err2;
            if (eventc_regex_compile(pattern, (size_t)plen, NULL, &re, &err2) != st || re != NULL ||
                err2.offset != err.offset || strcmp(err2.message, err.message) != 0) {
                printf("X check and compile disagree on a refused pattern\n");
            } else if (eventc_regex_search(pattern, (size_t)plen, subject, (size_t)slen) !=
                       -(int)st) {
                printf("X search does not report the check error\n");
            } else {
                printf("E %zu %s\n", err.offset, err.message);
            }
            continue;
        }
        if (eventc_regex_compile(pattern, (size_t)plen, NULL, &re, &err) != EVENTC_OK) {
            printf("X check accepted but compile failed: %s\n", err.message);
            continue;
        }
        via_test = eventc_regex_test(re, subject, (size_t)slen);
        via_search = eventc_regex_search(pattern, (size_t)plen, subject, (size_t)slen);
        eventc_regex_free(re);
        if (via_test != via_search || (via_test != 0 && via_test != 1)) {
            printf("X test gave %d, search gave %d\n", via_test, via_search);
        } else {
            printf("%d\n", via_test);
        }
    }
    free(line.data);
    return 0;
}
