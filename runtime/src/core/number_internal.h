/* Number text for JSON, independent of the process locale. strtod and printf follow LC_NUMERIC:
 * an application that calls setlocale(LC_ALL, "") under a decimal-comma locale would make them
 * read "1.5" as 1 and write 1,5. Every number the runtime reads or writes as text goes through
 * these two functions, which never depend on the locale. */
#ifndef EVENTC_NUMBER_INTERNAL_H
#define EVENTC_NUMBER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

/* Room for any output of num_format_double, NUL included. */
#define NUM_DOUBLE_MAX 32

/* Reads the JSON number text [s, s+n) (RFC 8259 grammar, already checked by the caller) as the
 * nearest double, correctly rounded whatever the number of digits. Returns false, leaving *out
 * untouched, when the value is beyond the finite doubles; a value below the smallest subnormal
 * reads as (signed) zero. */
bool num_parse_double(const char *s, size_t n, double *out);

/* Writes v as the shortest decimal that reads back as v, spelled as ECMAScript's
 * Number::toString does (12.5, 1e+21, 1.5e-7; -0 as "0"), NUL terminated, and returns its
 * length. Non-finite values are written "NaN", "Infinity" and "-Infinity" (not JSON: callers
 * that write JSON refuse them first). */
size_t num_format_double(double v, char out[NUM_DOUBLE_MAX]);

#endif
