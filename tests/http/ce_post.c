/* ce_post: publishes CloudEvents in the JSON format (one per file) with the HTTP publisher, for
 * the SDK referee (referee_http.js), each keyed by its partitionkey extension. Prints `FILE: error:
 * ...` per event not accepted.
 *
 *   ce_post URL binary|structured|batch FILE...
 *
 * Exit status: 0 every event accepted, 1 one was not, 2 usage or unreadable input. */
#define _POSIX_C_SOURCE 200809L
#include <eventc/http.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        return NULL;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (buf == NULL) {
            break;
        }
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) {
            break;
        }
        char *g = realloc(buf, cap * 2);
        if (g == NULL) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = g;
        cap *= 2;
    }
    fclose(f);
    *len = n;
    return buf;
}

int main(int argc, char **argv)
{
    if (argc < 4) {
        fputs("usage: ce_post URL binary|structured|batch FILE...\n", stderr);
        return 2;
    }
    eventc_http_publisher_config cfg = eventc_http_publisher_config_default();
    cfg.url = argv[1];
    cfg.mode = strcmp(argv[2], "structured") == 0 ? EVENTC_CE_MODE_STRUCTURED
               : strcmp(argv[2], "batch") == 0    ? EVENTC_CE_MODE_BATCH
                                                  : EVENTC_CE_MODE_BINARY;
    size_t n = (size_t)argc - 3;
    eventc_message *msgs = calloc(n, sizeof(*msgs));
    const eventc_message **ptrs = calloc(n, sizeof(*ptrs));
    eventc_error *outcomes = calloc(n, sizeof(*outcomes));
    int rc = msgs != NULL && ptrs != NULL && outcomes != NULL ? 0 : 2;
    eventc_error err;
    for (size_t i = 0; i < n && rc == 0; i++) {
        eventc_message_init(&msgs[i], NULL);
    }
    for (size_t i = 0; i < n && rc == 0; i++) {
        ptrs[i] = &msgs[i];
        size_t len = 0;
        char *json = slurp(argv[3 + i], &len);
        if (json == NULL ||
            eventc_ce_from_json(&msgs[i].event, json, len, NULL, &err) != EVENTC_OK) {
            fprintf(stderr, "%s: cannot read a CloudEvent\n", argv[3 + i]);
            rc = 2;
        } else {
            /* the key a sender keeps in order: the event's partition key */
            const eventc_ce_value *pk = eventc_ce_get_ext(&msgs[i].event, "partitionkey");
            if (pk != NULL && pk->str != NULL &&
                eventc_message_set_key(&msgs[i], pk->str, &err) != EVENTC_OK) {
                rc = 2;
            }
        }
        free(json);
    }
    eventc_publisher *pub = rc == 0 ? eventc_http_publisher_new(&cfg, &err) : NULL;
    if (rc == 0 && pub == NULL) {
        fprintf(stderr, "ce_post: %s\n", err.message);
        rc = 2;
    }
    if (rc == 0 && eventc_publisher_publish(pub, NULL, ptrs, n, outcomes, &err) != EVENTC_OK) {
        for (size_t i = 0; i < n; i++) {
            if (outcomes[i].code != EVENTC_OK) {
                char line[EVENTC_ERROR_PATH_MAX + EVENTC_ERROR_MESSAGE_MAX + 64];
                eventc_error_format(&outcomes[i], line, sizeof line);
                printf("%s: error: %s\n", argv[3 + i], line);
            }
        }
        rc = 1;
    }
    eventc_publisher_close(pub);
    for (size_t i = 0; msgs != NULL && ptrs != NULL && outcomes != NULL && i < n; i++) {
        eventc_message_clear(&msgs[i]);
    }
    free(msgs);
    free(ptrs);
    free(outcomes);
    return rc;
}
