/* CloudEvents messages as files, shared by `eventc ce` and `messaging-events to-cloudevent|
 * from-cloudevent` (docs/cloudevents.md). An HTTP message file is a raw HTTP/1.1 request or
 * response: start line, headers, blank line, body, with CRLF or LF line ends. A Kafka record file
 * is the JSON document {"key": string|null, "headers": [[name, value], ...], "value": string|null},
 * with "value_base64" instead of "value" for bytes. */
#ifndef EVENTC_GEN_CE_FILES_H
#define EVENTC_GEN_CE_FILES_H

#include <eventc/eventc.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/** Headers read from a message file. Each name and value is a NUL-terminated block of its own,
 * owned by the list; start from {NULL, 0, 0} and release with gen_ce_file_headers_free(). */
typedef struct gen_ce_file_headers {
    eventc_header *items;
    size_t n, cap;
} gen_ce_file_headers;

/**
 * Frees every name and value and the array, and leaves an empty list that can be reused.
 * @param h  the list; an empty list is fine.
 */
void gen_ce_file_headers_free(gen_ce_file_headers *h);

/**
 * Reads a whole file, or standard input for "-", into a NUL-terminated block.
 * @param limit  0 to read everything; otherwise reading stops once more than @p limit bytes are
 *               in, so an oversized file comes back cut (the decoders then refuse it by size).
 * @param data   receives the block (the caller frees it); untouched on failure.
 * @param len    receives the number of bytes read, the NUL excluded.
 * @return true, or false with errno set (the file cannot be opened or read, or ENOMEM); nothing
 *         is left allocated or open on failure.
 */
bool gen_ce_file_read(const char *path, size_t limit, char **data, size_t *len);

/**
 * Parses an HTTP message file. A Content-Length, when given, must match the body.
 * @param h         receives the headers in file order (appended; the caller frees the list with
 *                  gen_ce_file_headers_free(), on failure too).
 * @param body      receives a pointer into @p data (no copy): the bytes after the blank line.
 * @param why       on failure receives a one-line reason without a trailing newline, worded as
 *                  (truncated to @p why_len).
 * @return true, or false with @p why filled.
 */
bool gen_ce_file_parse_http(const char *data, size_t len, gen_ce_file_headers *h, const char **body,
                            size_t *body_len, char *why, size_t why_len);

/**
 * Parses a Kafka record file.
 * @param h          receives the headers, as for gen_ce_file_parse_http().
 * @param key        receives a malloc'd NUL-terminated copy of the key, or stays as given (NULL
 *                   from the caller) when the key is null or absent; the caller frees it, on
 *                   failure too.
 * @param value      the same for the value ("value" as is, or "value_base64" decoded); a decoded
 *                   value may hold NUL bytes: @p value_len counts them.
 * @param why        on failure receives a one-line reason, as for gen_ce_file_parse_http().
 * @return true, or false with @p why filled.
 */
bool gen_ce_file_parse_kafka(const char *data, size_t len, gen_ce_file_headers *h, char **key,
                             size_t *key_len, char **value, size_t *value_len, char *why,
                             size_t why_len);

/**
 * Writes @p m as an HTTP message file: "POST / HTTP/1.1", its headers, a content-length and the
 * body, CRLF line ends. Write errors are left for the caller to see with ferror().
 */
void gen_ce_file_write_http(const eventc_ce_message *m, FILE *out);

/**
 * Writes @p m as a Kafka record file on one line; the body goes as "value_base64" when @p bytes,
 * else as the "value" string (null without a body).
 * @return EVENTC_OK, or EVENTC_E_NOMEM (or the error of a string that cannot be JSON) with nothing
 *         written.
 */
eventc_status gen_ce_file_write_kafka(const eventc_ce_message *m, bool bytes, FILE *out);

#endif
