#include "util.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void out_of_memory(void)
{
    fputs("eventc: error: out of memory\n", stderr);
    exit(1);
}

void *gen_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *gen_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p)
        out_of_memory();
    return p;
}

void *gen_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q)
        out_of_memory();
    return q;
}

char *gen_xstrndup(const char *s, size_t n)
{
    char *p = gen_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *gen_xstrdup(const char *s)
{
    return gen_xstrndup(s, strlen(s));
}

char *gen_vformat(const char *fmt, va_list ap)
{
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(NULL, 0, fmt, copy);
    va_end(copy);
    if (n < 0)
        n = 0;
    char *p = gen_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    return p;
}

char *gen_format(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = gen_vformat(fmt, ap);
    va_end(ap);
    return p;
}

void gen_str_init(gen_str *s)
{
    s->data = NULL;
    s->len = 0;
    s->cap = 0;
}

void gen_str_free(gen_str *s)
{
    free(s->data);
    gen_str_init(s);
}

static void str_reserve(gen_str *s, size_t extra)
{
    if (s->len + extra + 1 <= s->cap)
        return;
    size_t cap = s->cap ? s->cap : 64;
    while (cap < s->len + extra + 1)
        cap *= 2;
    s->data = gen_xrealloc(s->data, cap);
    s->cap = cap;
}

void gen_str_append(gen_str *s, const char *p, size_t n)
{
    str_reserve(s, n);
    if (n)
        memcpy(s->data + s->len, p, n);
    s->len += n;
    s->data[s->len] = '\0';
}

void gen_str_puts(gen_str *s, const char *p)
{
    gen_str_append(s, p, strlen(p));
}

void gen_str_putc(gen_str *s, char c)
{
    gen_str_append(s, &c, 1);
}

void gen_str_printf(gen_str *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char *p = gen_vformat(fmt, ap);
    va_end(ap);
    gen_str_puts(s, p);
    free(p);
}

char *gen_str_detach(gen_str *s)
{
    if (!s->data)
        str_reserve(s, 0), s->data[0] = '\0';
    char *p = s->data;
    gen_str_init(s);
    return p;
}

struct gen_pool_chunk {
    gen_pool_chunk *next;
    size_t used;
    size_t cap;
    _Alignas(16) unsigned char mem[];
};

void gen_pool_init(gen_pool *p)
{
    p->head = NULL;
}

void gen_pool_free(gen_pool *p)
{
    gen_pool_chunk *c = p->head;
    while (c) {
        gen_pool_chunk *next = c->next;
        free(c);
        c = next;
    }
    p->head = NULL;
}

void *gen_pool_alloc(gen_pool *p, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    gen_pool_chunk *c = p->head;
    if (!c || c->cap - c->used < n) {
        size_t cap = n > 32768 ? n : 32768;
        c = gen_xmalloc(sizeof(*c) + cap);
        c->cap = cap;
        c->used = 0;
        c->next = p->head;
        p->head = c;
    }
    void *r = c->mem + c->used;
    c->used += n;
    memset(r, 0, n);
    return r;
}

char *gen_pool_strndup(gen_pool *p, const char *s, size_t n)
{
    char *r = gen_pool_alloc(p, n + 1);
    memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

char *gen_pool_strdup(gen_pool *p, const char *s)
{
    return gen_pool_strndup(p, s, strlen(s));
}

int gen_read_file(const char *path, size_t max, char **data, size_t *len)
{
    *data = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    gen_str s;
    gen_str_init(&s);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
        if (s.len + n > max) {
            fclose(f);
            gen_str_free(&s);
            return -2;
        }
        gen_str_append(&s, buf, n);
    }
    int failed = ferror(f);
    int saved = errno;
    fclose(f);
    if (failed) {
        gen_str_free(&s);
        errno = saved ? saved : EIO;
        return -1;
    }
    *len = s.len;
    *data = gen_str_detach(&s);
    return 0;
}

char *gen_path_join_dir(const char *base, const char *rel)
{
    if (rel[0] == '/')
        return gen_xstrdup(rel);
    const char *slash = strrchr(base, '/');
    if (!slash)
        return gen_xstrdup(rel);
    return gen_format("%.*s/%s", (int)(slash - base), base, rel);
}

size_t gen_edit_distance(const char *a, const char *b, size_t cap)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return cap + 1;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t prev = row[0];
        row[0] = i;
        size_t best = row[0];
        for (size_t j = 1; j <= lb; j++) {
            size_t cur = row[j];
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            size_t v = prev + cost;
            if (row[j] + 1 < v)
                v = row[j] + 1;
            if (row[j - 1] + 1 < v)
                v = row[j - 1] + 1;
            row[j] = v;
            prev = cur;
            if (v < best)
                best = v;
        }
        if (best > cap)
            return cap + 1;
    }
    return row[lb] > cap ? cap + 1 : row[lb];
}
