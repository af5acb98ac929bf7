/* The transports of publish and consume, by URL scheme (messaging_events_transport.h). A
 * transport adds one line below and one file of its own. */
#include "messaging_events_transport.h"

#include <stdio.h>
#include <string.h>

#ifdef ME_HAVE_KAFKA
extern const me_transport me_kafka_transport;
#endif
#ifdef ME_HAVE_HTTP
extern const me_transport me_http_transport;
extern const me_transport me_https_transport;
#endif
#ifdef ME_HAVE_NATS
extern const me_transport me_nats_transport;
#endif

static const me_transport *const transports[] = {
#ifdef ME_HAVE_KAFKA
    &me_kafka_transport,
#endif
#ifdef ME_HAVE_HTTP
    &me_http_transport,
    &me_https_transport,
#endif
#ifdef ME_HAVE_NATS
    &me_nats_transport,
#endif
    NULL,
};

/* Every scheme the tool knows, built or not, for a helpful message. */
static const char *const known[] = {"kafka", "http", "https", "nats"};

const me_transport *me_transport_find(const char *command, const char *url, const char **rest)
{
    const char *sep = strstr(url, "://");
    size_t len = sep != NULL ? (size_t)(sep - url) : 0;
    if (sep == NULL || len == 0) {
        fprintf(stderr, "messaging-events %s: '%s' is no URL (want SCHEME://ADDRESS)\n", command,
                url);
        return NULL;
    }
    for (size_t i = 0; transports[i] != NULL; i++) {
        if (strlen(transports[i]->scheme) == len && strncmp(url, transports[i]->scheme, len) == 0) {
            *rest = sep + 3;
            return transports[i];
        }
    }
    for (size_t i = 0; i < sizeof(known) / sizeof(known[0]); i++) {
        if (strlen(known[i]) == len && strncmp(url, known[i], len) == 0) {
            fprintf(stderr,
                    "messaging-events %s: %s:// is not available: this build has no %s adapter "
                    "(its client library was not found)\n",
                    command, known[i], known[i]);
            return NULL;
        }
    }
    fprintf(stderr, "messaging-events %s: unknown URL scheme '%.*s'; this build knows:", command,
            (int)len, url);
    for (size_t i = 0; transports[i] != NULL; i++)
        fprintf(stderr, " %s", transports[i]->form);
    if (transports[0] == NULL)
        fputs(" none", stderr);
    fputc('\n', stderr);
    return NULL;
}
