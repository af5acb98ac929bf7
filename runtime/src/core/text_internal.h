/* Small text helpers shared by the runtime's parsers (JSON, patterns, URIs, percent-encoding). */
#ifndef EVENTC_TEXT_INTERNAL_H
#define EVENTC_TEXT_INTERNAL_H

#include <stddef.h>

/* The value of a hexadecimal digit, or -1. */
static inline int text_hex_digit(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* The length of the valid UTF-8 sequence at p (its first byte is above 0x7F), or -1: strict
 * (no overlong forms, no surrogates, nothing above U+10FFFF, nothing truncated), as
 * eventc_utf8_decode (core/utf8.c), inline for the JSON scanner and writer. */
static inline int text_utf8_sequence(const char *s, const char *e)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = (size_t)(e - s);
    unsigned c = p[0];
    if (c >= 0xC2 && c <= 0xDF)
        return n >= 2 && (p[1] & 0xC0) == 0x80 ? 2 : -1;
    if (c >= 0xE0 && c <= 0xEF) {
        if (n < 3 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80)
            return -1;
        if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] >= 0xA0))
            return -1;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4) {
        if (n < 4 || (p[1] & 0xC0) != 0x80 || (p[2] & 0xC0) != 0x80 || (p[3] & 0xC0) != 0x80)
            return -1;
        if ((c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] >= 0x90))
            return -1;
        return 4;
    }
    return -1;
}

/* Writes a printable, quoted and possibly shortened copy of s (n bytes) into out (size cap), for
 * messages that quote input: control and non-ASCII bytes are shown as \xNN so a message stays
 * one valid line. */
void text_quote(char *out, size_t cap, const char *s, size_t n);

#endif
