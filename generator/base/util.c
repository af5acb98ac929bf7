#define _POSIX_C_SOURCE 200809L

#include "util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <limits.h>
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
    /* Most results are short: one formatting pass into a stack buffer, a second only for long
     * ones. The view models format millions of names. */
    char buf[256];
    va_list copy;
    va_copy(copy, ap);
    int n = vsnprintf(buf, sizeof buf, fmt, copy);
    va_end(copy);
    if (n < 0)
        n = 0;
    char *p = gen_xmalloc((size_t)n + 1);
    if ((size_t)n < sizeof buf)
        memcpy(p, buf, (size_t)n + 1);
    else
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
    if (s->len + 2 > s->cap)
        str_reserve(s, 1);
    s->data[s->len++] = c;
    s->data[s->len] = '\0';
}

void gen_str_printf(gen_str *s, const char *fmt, ...)
{
    /* Straight into the buffer; a second pass only when it had too little room. */
    str_reserve(s, 64);
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(s->data + s->len, s->cap - s->len, fmt, ap);
    va_end(ap);
    if (n < 0) {
        s->data[s->len] = '\0';
        return;
    }
    if ((size_t)n >= s->cap - s->len) {
        str_reserve(s, (size_t)n);
        va_start(ap, fmt);
        vsnprintf(s->data + s->len, s->cap - s->len, fmt, ap);
        va_end(ap);
    }
    s->len += (size_t)n;
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
    if (!*path) {
        errno = ENOENT;
        return -1;
    }
    /* O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return -1;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int saved = errno;
        close(fd);
        errno = saved;
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        errno = S_ISDIR(st.st_mode) ? EISDIR : 0;
        return S_ISDIR(st.st_mode) ? -1 : -3;
    }
    if ((uintmax_t)st.st_size > max) {
        close(fd);
        return -2;
    }
    gen_str s;
    gen_str_init(&s);
    char buf[65536];
    for (;;) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int saved = errno;
            close(fd);
            gen_str_free(&s);
            errno = saved;
            return -1;
        }
        if (n == 0)
            break;
        if (s.len + (size_t)n > max) {
            close(fd);
            gen_str_free(&s);
            return -2;
        }
        gen_str_append(&s, buf, (size_t)n);
    }
    close(fd);
    *len = s.len;
    *data = gen_str_detach(&s);
    return 0;
}

const char *gen_read_error(int rc)
{
    if (rc == -2)
        return "file too large";
    if (rc == -3)
        return "not a regular file (a FIFO, a device or a socket)";
    if (errno == EISDIR)
        return "it is a directory, not a file";
    return strerror(errno);
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

/* ---- suggestions ---------------------------------------------------------------------------- */

static char lower_ascii(char c)
{
    return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

static bool is_vowel(char c)
{
    c = lower_ascii(c);
    return c && strchr("aeiouy", c) != NULL;
}

/* Cost of writing `x` where `y` was meant, in half edits. */
static unsigned substitution_cost(char x, char y)
{
    if (x == y)
        return 0;
    if (lower_ascii(x) == lower_ascii(y))
        return 1; /* case only */
    if (is_vowel(x) && is_vowel(y))
        return 1; /* a vowel for a vowel: the commonest misspelling (Payed, Paid) */
    return 2;
}

unsigned gen_name_distance(const char *typed, const char *known)
{
    size_t la = strlen(typed), lb = strlen(known);
    if (la > 64 || lb > 64)
        return UINT_MAX;
    /* Three rows of the optimal-string-alignment table: transpositions of two neighbours count
     * as one edit. */
    unsigned rows[3][65];
    unsigned *before = rows[0], *prev = rows[1], *cur = rows[2];
    for (size_t j = 0; j <= lb; j++)
        prev[j] = (unsigned)(2 * j);
    for (size_t i = 1; i <= la; i++) {
        cur[0] = (unsigned)(2 * i);
        for (size_t j = 1; j <= lb; j++) {
            unsigned v = prev[j - 1] + substitution_cost(typed[i - 1], known[j - 1]);
            if (prev[j] + 2 < v)
                v = prev[j] + 2;
            if (cur[j - 1] + 2 < v)
                v = cur[j - 1] + 2;
            if (i > 1 && j > 1 && lower_ascii(typed[i - 1]) == lower_ascii(known[j - 2]) &&
                lower_ascii(typed[i - 2]) == lower_ascii(known[j - 1]) && before[j - 2] + 2 < v)
                v = before[j - 2] + 2;
            cur[j] = v;
        }
        unsigned *t = before;
        before = prev;
        prev = cur;
        cur = t;
    }
    return prev[lb];
}

void gen_suggest_init(gen_suggester *s, const char *typed)
{
    s->typed = typed;
    s->best = NULL;
    s->best_distance = UINT_MAX;
}

void gen_suggest_consider(gen_suggester *s, const char *known)
{
    if (!known || strcmp(known, s->typed) == 0)
        return;
    unsigned d = gen_name_distance(s->typed, known);
    /* Two edits at most, fewer than the typed name has letters, and a spelling that differs in
     * case only always qualifies. */
    size_t n = strlen(s->typed);
    bool close = d <= 4 && d < 2 * n;
    if (!close && strlen(known) == n) {
        close = true;
        for (size_t i = 0; i < n && close; i++)
            close = lower_ascii(s->typed[i]) == lower_ascii(known[i]);
    }
    if (close && d < s->best_distance) {
        s->best_distance = d;
        s->best = known;
    }
}

const char *gen_suggest(const char *typed, const char *const *known, size_t n)
{
    gen_suggester s;
    gen_suggest_init(&s, typed);
    for (size_t i = 0; i < n && known[i]; i++)
        gen_suggest_consider(&s, known[i]);
    return s.best;
}
