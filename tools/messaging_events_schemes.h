/* The destinations of `messaging-events outbox relay --to`: the relay's own (stdout:, file:PATH)
 * and every broker transport of publish and consume (messaging_events_transport.h). */
#ifndef MESSAGING_EVENTS_SCHEMES_H
#define MESSAGING_EVENTS_SCHEMES_H

#include <eventc/messaging.h>

/** Opens a publisher for @p url (the whole URL, scheme included). */
typedef eventc_publisher *(*me_publisher_factory)(const char *url, eventc_error *err);

typedef struct me_scheme {
    /** The scheme with its colon, e.g. "file:". */
    const char *scheme;
    /** One line for --help. */
    const char *help;
    me_publisher_factory open;
} me_scheme;

/** Opens a publisher for @p url by its scheme. @return the publisher (release with
 *  eventc_publisher_close) or NULL with @p err set (EVENTC_E_INVALID_ARGUMENT for an unknown
 *  scheme; a transport's own message on standard error). */
eventc_publisher *me_publisher_open(const char *url, eventc_error *err);

/** Prints the known schemes, one per line, to @p out. */
void me_schemes_print(FILE *out);

#endif
