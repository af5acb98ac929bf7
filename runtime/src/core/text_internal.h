/* Small text helpers shared by the runtime's parsers (JSON, patterns, URIs, percent-encoding). */
#ifndef EVENTC_TEXT_INTERNAL_H
#define EVENTC_TEXT_INTERNAL_H

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

#endif
