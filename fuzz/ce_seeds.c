/* Writes the seed corpus of the CloudEvents harness: for each CloudEvent given as a JSON-format
 * file, one seed per reader and mode, in the harness's layout (ce_input.h):
 *
 *   <name>.json               '0' + the file as it is
 *   <name>.http-binary        '1' + the HTTP binary-mode headers, an empty line, the body
 *   <name>.http-structured    '1' + the same in structured mode
 *   <name>.kafka-binary       '2' + the Kafka headers, an empty line, the value
 *   <name>.kafka-structured   '2' + the same in structured mode
 *   <name>.nats-binary        '3' + the NATS headers, an empty line, the payload
 *   <name>.nats-structured    '3' + the same in structured mode
 *
 * Every seed is read back through the harness's own splitting and reader, and must give the
 * event that the binding's decoder reads from the message itself: a seed that feeds nothing
 * fails the run (exit status 1).
 *
 *   ce_seeds OUT_DIR EVENT.json...
 */
#include "ce_input.h"

#include <stdio.h>

static int failures;

static char *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    size_t cap = 0, n = 0;
    if (f == NULL)
        return NULL;
    for (;;) {
        if (n == cap) {
            char *bigger = realloc(buf, cap ? cap * 2 : 4096);
            if (bigger == NULL) {
                free(buf);
                fclose(f);
                return NULL;
            }
            buf = bigger;
            cap = cap ? cap * 2 : 4096;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0)
            break;
    }
    fclose(f);
    *len = n;
    return buf;
}

/* The event's name: the file name without folder and extension. */
static void stem(const char *path, char *out, size_t cap)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(out, cap, "%s", base);
    char *dot = strrchr(out, '.');
    if (dot != NULL)
        *dot = '\0';
}

/* Checks that the seed reads back as ev through the harness's reader, then writes it. */
static void emit(const char *dir, const char *name, const char *kind, const eventc_buf *seed,
                 const eventc_ce_event *ev)
{
    char path[1024];
    ce_input in;
    eventc_ce_event back;
    eventc_error err;
    snprintf(path, sizeof(path), "%s/%s.%s", dir, name, kind);
    ce_input_split(&in, (const unsigned char *)seed->data, seed->len);
    eventc_ce_init(&back, NULL);
    if (ce_input_read(&in, &back, &err) != EVENTC_OK || !eventc_ce_equal(ev, &back)) {
        char line[400];
        eventc_error_format(&err, line, sizeof(line));
        fprintf(stderr, "%s: the seed does not read back as the event: %s\n", path, line);
        failures++;
    } else {
        FILE *f = fopen(path, "wb");
        if (f == NULL || fwrite(seed->data, 1, seed->len, f) != seed->len || fclose(f) != 0) {
            fprintf(stderr, "%s: cannot write\n", path);
            failures++;
        }
    }
    eventc_ce_clear(&back);
    ce_input_free(&in);
}

static void message_seed(eventc_buf *seed, char reader, const eventc_ce_message *m)
{
    eventc_buf_reset(seed);
    eventc_buf_putc(seed, reader);
    for (size_t i = 0; i < m->n_headers; i++) {
        eventc_buf_append_str(seed, m->headers[i].name);
        eventc_buf_append(seed, ": ", 2);
        eventc_buf_append_str(seed, m->headers[i].value);
        eventc_buf_putc(seed, '\n');
    }
    eventc_buf_putc(seed, '\n');
    if (m->body != NULL)
        eventc_buf_append(seed, m->body, m->body_len);
}

static void seeds_of(const char *dir, const char *file)
{
    static const struct {
        const char *kind;
        char reader;
        eventc_ce_mode mode;
    } bindings[] = {
        {"http-binary", '1', EVENTC_CE_MODE_BINARY},
        {"http-structured", '1', EVENTC_CE_MODE_STRUCTURED},
        {"kafka-binary", '2', EVENTC_CE_MODE_BINARY},
        {"kafka-structured", '2', EVENTC_CE_MODE_STRUCTURED},
        {"nats-binary", '3', EVENTC_CE_MODE_BINARY},
        {"nats-structured", '3', EVENTC_CE_MODE_STRUCTURED},
    };
    char name[256];
    size_t len = 0;
    char *text = read_file(file, &len);
    eventc_ce_event ev;
    eventc_ce_message m;
    eventc_buf seed;
    eventc_error err;
    if (text == NULL) {
        fprintf(stderr, "%s: cannot read\n", file);
        failures++;
        return;
    }
    stem(file, name, sizeof(name));
    eventc_ce_init(&ev, NULL);
    eventc_ce_message_init(&m, NULL);
    eventc_buf_init(&seed, NULL);
    if (eventc_ce_from_json(&ev, text, len, NULL, &err) != EVENTC_OK) {
        char line[400];
        eventc_error_format(&err, line, sizeof(line));
        fprintf(stderr, "%s: not a CloudEvent: %s\n", file, line);
        failures++;
    } else {
        eventc_buf_putc(&seed, '0');
        eventc_buf_append(&seed, text, len);
        emit(dir, name, "json", &seed, &ev);
        for (size_t i = 0; i < sizeof(bindings) / sizeof(bindings[0]); i++) {
            eventc_status st;
            switch (bindings[i].reader) {
            case '1':
                st = eventc_ce_http_encode(&ev, bindings[i].mode, &m, &err);
                break;
            case '2':
                st = eventc_ce_kafka_encode(&ev, bindings[i].mode, &m, &err);
                break;
            default:
                st = eventc_ce_nats_encode(&ev, bindings[i].mode, &m, &err);
                break;
            }
            if (st != EVENTC_OK) {
                /* Binary mode cannot carry every event (a datacontenttype of the structured
                 * media type); the other seeds of the event still feed that reader. */
                continue;
            }
            eventc_ce_event want;
            eventc_ce_init(&want, NULL);
            switch (bindings[i].reader) {
            case '1':
                st = eventc_ce_http_decode(&want, m.headers, m.n_headers, m.body, m.body_len, NULL,
                                           &err);
                break;
            case '2':
                st = eventc_ce_kafka_decode(&want, m.headers, m.n_headers, m.key, m.key_len, m.body,
                                            m.body_len, NULL, &err);
                break;
            default:
                st = eventc_ce_nats_decode(&want, m.headers, m.n_headers, m.body, m.body_len, NULL,
                                           &err);
                break;
            }
            if (st != EVENTC_OK) {
                fprintf(stderr, "%s: %s does not read its own message\n", file, bindings[i].kind);
                failures++;
            } else {
                message_seed(&seed, bindings[i].reader, &m);
                emit(dir, name, bindings[i].kind, &seed, &want);
            }
            eventc_ce_clear(&want);
        }
    }
    eventc_buf_free(&seed);
    eventc_ce_message_clear(&m);
    eventc_ce_clear(&ev);
    free(text);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: ce_seeds OUT_DIR EVENT.json...\n");
        return 2;
    }
    for (int i = 2; i < argc; i++)
        seeds_of(argv[1], argv[i]);
    return failures == 0 ? 0 : 1;
}
