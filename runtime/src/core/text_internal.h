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

/* Writes a printable, quoted and possibly shortened copy of s (n bytes) into out (size cap), for
 * messages that quote input: control and non-ASCII bytes are shown as \xNN so a message stays
 * one valid line. */
void text_quote(char *out, size_t cap, const char *s, size_t n);

#endif
