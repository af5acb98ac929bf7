/* Text helpers of the CloudEvents sources (ce_types.c): quoting input in messages, error path
 * prefixes and ASCII case-insensitive comparisons. */
#ifndef EVENTC_CE_TYPES_H
#define EVENTC_CE_TYPES_H

#include "eventc/cloudevents.h"

#include <stdbool.h>

/* Writes a printable, quoted and possibly shortened copy of s (n bytes) into out (size cap), for
 * messages that quote input: control and non-ASCII bytes are shown as \xNN so a message stays
 * one valid line. */
void ce_quote(char *out, size_t cap, const char *s, size_t n);

/* Rewrites err->path as prefix + the path it holds (a dot is not added); a no-op for NULL err. */
void ce_error_prefix(eventc_error *err, const char *prefix);

/* ASCII case-insensitive comparisons. */
int ce_ascii_casecmp(const char *a, const char *b);
bool ce_ascii_prefix(const char *s, const char *prefix);

#endif
