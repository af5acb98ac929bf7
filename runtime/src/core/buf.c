/* Growable output buffer. The JSON text it is filled with is written by json/json_writer.c. */
#include "eventc/buf.h"

#include <string.h>

#define BUF_MIN_CAP 64

void eventc_buf_init(eventc_buf *buf, const eventc_allocator *alloc)
{
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->alloc = alloc;
    buf->failed = 0;
}

void eventc_buf_free(eventc_buf *buf)
{
    if (buf == NULL) {
        return;
    }
    eventc_free(buf->alloc, buf->data, buf->cap);
    eventc_buf_init(buf, buf->alloc);
}

void eventc_buf_reset(eventc_buf *buf)
{
    buf->len = 0;
    buf->failed = 0;
}

static eventc_status buf_fail(eventc_buf *buf)
{
    buf->failed = 1;
    return EVENTC_E_NOMEM;
}

eventc_status eventc_buf_reserve(eventc_buf *buf, size_t extra)
{
    size_t need;
    size_t cap;
    char *p;

    if (buf->failed) {
        return EVENTC_E_NOMEM;
    }
    /* One spare byte is always kept so eventc_buf_cstr never has to allocate. */
    if (extra > SIZE_MAX - 1 - buf->len) {
        return buf_fail(buf);
    }
    need = buf->len + extra + 1;
    if (need <= buf->cap) {
        return EVENTC_OK;
    }
    cap = buf->cap < BUF_MIN_CAP ? BUF_MIN_CAP : buf->cap;
    while (cap < need) {
        cap = cap <= SIZE_MAX / 2 ? cap * 2 : need;
    }
    p = eventc_realloc(buf->alloc, buf->data, buf->cap, cap);
    if (p == NULL) {
        return buf_fail(buf);
    }
    buf->data = p;
    buf->cap = cap;
    return EVENTC_OK;
}

eventc_status eventc_buf_append(eventc_buf *buf, const char *s, size_t n)
{
    eventc_status st;

    if (buf->failed) {
        return EVENTC_E_NOMEM;
    }
    if (n == 0) {
        return EVENTC_OK;
    }
    st = eventc_buf_reserve(buf, n);
    if (st != EVENTC_OK) {
        return st;
    }
    memcpy(buf->data + buf->len, s, n);
    buf->len += n;
    return EVENTC_OK;
}

eventc_status eventc_buf_append_str(eventc_buf *buf, const char *s)
{
    return eventc_buf_append(buf, s, strlen(s));
}

eventc_status eventc_buf_putc(eventc_buf *buf, char c)
{
    if (buf->failed) {
        return EVENTC_E_NOMEM;
    }
    if (buf->len + 1 >= buf->cap) {
        eventc_status st = eventc_buf_reserve(buf, 1);
        if (st != EVENTC_OK) {
            return st;
        }
    }
    buf->data[buf->len++] = c;
    return EVENTC_OK;
}

const char *eventc_buf_cstr(eventc_buf *buf)
{
    if (buf->data == NULL) {
        return "";
    }
    /* reserve always leaves room for this byte. */
    buf->data[buf->len] = '\0';
    return buf->data;
}

char *eventc_buf_detach(eventc_buf *buf, size_t *len_out)
{
    char *p;
    size_t len = buf->len;

    if (buf->failed) {
        return NULL;
    }
    if (buf->data == NULL) {
        p = eventc_alloc(buf->alloc, 1);
        if (p == NULL) {
            buf_fail(buf);
            return NULL;
        }
    } else if (buf->cap != len + 1) {
        p = eventc_realloc(buf->alloc, buf->data, buf->cap, len + 1);
        if (p == NULL) {
            buf_fail(buf);
            return NULL;
        }
    } else {
        p = buf->data;
    }
    p[len] = '\0';
    if (len_out != NULL) {
        *len_out = len;
    }
    buf->data = NULL;
    buf->len = 0;
    buf->cap = 0;
    buf->failed = 0;
    return p;
}
