/* The yajl peer: yajl 2.1's event (SAX) parser decoding into the generated msg_event under the
 * catalog's rules, and yajl_gen writing it back.
 *
 * A SAX consumer cannot know which event it reads before event_name arrives, and event_name
 * need not come first. So each top-level member whose name is a member of some event is kept
 * in a slot (strings copied into a bump arena reused from one event to the next, numbers as
 * read, an array of strings as a list); everything else is only parsed, which yajl does fully
 * (RFC 8259 syntax, UTF-8 validated, integer overflow refused). When the document ends, the
 * event is looked up and each of its members is checked from its slot with the same rules as
 * the other peers (peer_rules.h); slots the event does not have are unknown members.
 *
 * Differences that remain, both in yajl's favour: a duplicated member is refused only among
 * the names of the catalog's members, and a lone UTF-16 surrogate in an escape is accepted. */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"
#include "peer_rules.h"

#include <yajl/yajl_gen.h>
#include <yajl/yajl_parse.h>
#include <yajl/yajl_version.h>

#define YJ_MAX_NAMES 64

enum { S_ABSENT, S_STRING, S_INT, S_DOUBLE, S_LIST, S_OTHER };

typedef struct slot {
    unsigned char type;
    unsigned char list_ok; /* S_LIST: every item so far is a string */
    const char *s;
    size_t n;
    int64_t i;
    double d;
    const char **items;
    size_t n_items, cap_items;
} slot;

struct yj_peer {
    pr_arena arena;
    /* The member names of all events, and for each event which of them its members are. */
    const char *names[YJ_MAX_NAMES];
    unsigned char lens[YJ_MAX_NAMES];
    unsigned n_names;
    unsigned char gid[MSG_EVENT_TYPE_COUNT][PR_MAX_MEMBERS];
    slot slots[YJ_MAX_NAMES];
    unsigned depth;
    int cur; /* slot of the top-level member being read, or -1 */
    int failed;
    yajl_gen gen;
};

static int name_id(const yj_peer *p, const char *k, size_t n)
{
    for (unsigned i = 0; i < p->n_names; i++)
        if (p->lens[i] == n && memcmp(p->names[i], k, n) == 0)
            return (int)i;
    return -1;
}

yj_peer *yj_peer_new(void)
{
    yj_peer *p = calloc(1, sizeof(*p));
    if (!p)
        return NULL;
    for (size_t e = 0; e < MSG_EVENT_TYPE_COUNT; e++)
        for (unsigned m = 0; m < pr_events[e].n_members; m++) {
            const pr_member *pm = &pr_events[e].members[m];
            int id = name_id(p, pm->name, pm->len);
            if (id < 0) {
                id = (int)p->n_names++;
                p->names[id] = pm->name;
                p->lens[id] = pm->len;
            }
            p->gid[e][m] = (unsigned char)id;
        }
    p->gen = yajl_gen_alloc(NULL);
    if (!p->gen) {
        free(p);
        return NULL;
    }
    return p;
}

void yj_peer_free(yj_peer *p)
{
    if (!p)
        return;
    pr_arena_free(&p->arena);
    yajl_gen_free(p->gen);
    free(p);
}

const char *yj_version(void)
{
    static const char v[] = {'0' + YAJL_MAJOR, '.', '0' + YAJL_MINOR, '.', '0' + YAJL_MICRO, 0};
    return v;
}

/* ---- SAX callbacks: a non-zero return continues, zero stops the parse ------------------- */

/* The slot a scalar at the current position belongs to, or NULL. */
static slot *scalar_slot(yj_peer *p)
{
    if (p->cur < 0)
        return NULL;
    slot *s = &p->slots[p->cur];
    if (p->depth == 1)
        return s;
    if (p->depth == 2 && s->type == S_LIST)
        s->list_ok = 0; /* a non-string item */
    return NULL;
}

static int on_null(void *ctx)
{
    slot *s = scalar_slot(ctx);
    if (s)
        s->type = S_OTHER;
    return 1;
}

static int on_boolean(void *ctx, int v)
{
    (void)v;
    return on_null(ctx);
}

static int on_integer(void *ctx, long long v)
{
    slot *s = scalar_slot(ctx);
    if (s) {
        s->type = S_INT;
        s->i = v;
    }
    return 1;
}

static int on_double(void *ctx, double v)
{
    slot *s = scalar_slot(ctx);
    if (s) {
        s->type = S_DOUBLE;
        s->d = v;
    }
    return 1;
}

static int on_string(void *ctx, const unsigned char *v, size_t n)
{
    yj_peer *p = ctx;
    if (p->cur < 0)
        return 1;
    slot *s = &p->slots[p->cur];
    if (p->depth == 1) {
        s->type = S_STRING;
        s->s = pr_strdup(&p->arena, (const char *)v, n);
        s->n = n;
        return s->s != NULL;
    }
    if (p->depth == 2 && s->type == S_LIST && s->list_ok) {
        if (s->n_items == s->cap_items) {
            size_t cap = s->cap_items ? s->cap_items * 2 : 16;
            const char **items = pr_alloc(&p->arena, cap * sizeof(*items));
            if (!items)
                return 0;
            if (s->n_items)
                memcpy(items, s->items, s->n_items * sizeof(*items));
            s->items = items;
            s->cap_items = cap;
        }
        if (memchr(v, 0, n) || !(s->items[s->n_items++] = pr_strdup(&p->arena, (const char *)v, n)))
            s->list_ok = 0;
    }
    return 1;
}

static int on_start_map(void *ctx)
{
    yj_peer *p = ctx;
    slot *s = scalar_slot(p);
    if (s)
        s->type = S_OTHER;
    p->depth++;
    return 1;
}

static int on_map_key(void *ctx, const unsigned char *k, size_t n)
{
    yj_peer *p = ctx;
    if (p->depth != 1)
        return 1;
    p->cur = name_id(p, (const char *)k, n);
    if (p->cur >= 0 && p->slots[p->cur].type != S_ABSENT) {
        p->failed = 1; /* a duplicated member */
        return 0;
    }
    return 1;
}

static int on_end(void *ctx)
{
    ((yj_peer *)ctx)->depth--;
    return 1;
}

static int on_start_array(void *ctx)
{
    yj_peer *p = ctx;
    slot *s = scalar_slot(p);
    if (s) {
        s->type = S_LIST;
        s->list_ok = 1;
        s->n_items = s->cap_items = 0;
        s->items = NULL;
    }
    p->depth++;
    return 1;
}

static const yajl_callbacks callbacks = {on_null, on_boolean,     on_integer,   on_double,
                                         NULL,    on_string,      on_start_map, on_map_key,
                                         on_end,  on_start_array, on_end};

/* ---- the event from the slots -------------------------------------------------------------- */

static const char *check_member(const pr_event *e, const pr_member *m, const slot *s, msg_event *ev)
{
    void *dst = pr_slot(ev, m);
    switch (m->kind) {
    case PR_STRING:
        if (s->type != S_STRING)
            return "not a string";
        if (memchr(s->s, 0, s->n))
            return "U+0000 in a string";
        if (m->min_chars && !pr_min_chars(s->s, s->n, m->min_chars))
            return "too short";
        *(const char **)dst = s->s;
        return NULL;
    case PR_CONST: {
        const char *c = m->constant ? m->constant : e->name;
        if (s->type != S_STRING)
            return "not a string";
        if (s->n != strlen(c) || memcmp(s->s, c, s->n) != 0)
            return "wrong constant";
        *(const char **)dst = c;
        return NULL;
    }
    case PR_TIMESTAMP:
        if (s->type != S_STRING)
            return "not a string";
        return eventc_timestamp_parse(s->s, s->n, dst) ? "not a timestamp" : NULL;
    case PR_INT64: {
        int64_t x;
        if (s->type == S_INT)
            x = s->i;
        else if (s->type == S_DOUBLE && s->d >= -9.2e18 && s->d <= 9.2e18 &&
                 s->d == (double)(int64_t)s->d)
            x = (int64_t)s->d; /* 1.0 and 1e2 are integers, as in JSON Schema */
        else
            return "not an integer";
        if (x < 1)
            return "below the minimum";
        *(int64_t *)dst = x;
        return NULL;
    }
    case PR_ENUM: {
        if (s->type != S_STRING)
            return "not a string";
        int i = pr_enum(m->enum_names, m->enum_count, s->s, s->n);
        if (i < 0)
            return "not an allowed value";
        *(int *)dst = i;
        return NULL;
    }
    case PR_NAMES:
        if (s->type != S_LIST)
            return "not an array";
        if (!s->list_ok)
            return "item not a string";
        if (s->n_items == 0)
            return "empty";
        for (size_t i = 0; i < s->n_items; i++)
            if (!pr_is_snake_case(s->items[i], strlen(s->items[i])))
                return "item not snake_case";
        if (!pr_unique(s->items, s->n_items))
            return "items not unique";
        *(const char ***)dst = s->items;
        *(size_t *)((char *)ev + m->count_offset) = s->n_items;
        return NULL;
    }
    return "bad table";
}

static const char *finish(yj_peer *p, msg_event *ev)
{
    int name = name_id(p, "event_name", 10);
    const slot *ns = &p->slots[name];
    if (ns->type != S_STRING)
        return "event_name: missing or not a string";
    const pr_event *e = pr_find_event(ns->s, ns->n);
    if (!e)
        return "event_name: unknown";
    ev->kind = e->kind;
    const unsigned char *gid = p->gid[e->kind - 1];
    for (unsigned i = 0; i < e->n_members; i++) {
        const slot *s = &p->slots[gid[i]];
        if (s->type == S_ABSENT) {
            if (e->required & (1u << i))
                return "missing member";
            continue;
        }
        const char *why = check_member(e, &e->members[i], s, ev);
        if (why)
            return why;
    }
    return NULL;
}

int yj_decode(yj_peer *p, const char *json, size_t len, msg_event *ev, const char **why)
{
    memset(ev, 0, sizeof(*ev));
    pr_arena_reset(&p->arena);
    for (unsigned i = 0; i < p->n_names; i++)
        p->slots[i].type = S_ABSENT;
    p->depth = 0;
    p->cur = -1;
    p->failed = 0;
    const char *w = NULL;
    yajl_handle h = yajl_alloc(&callbacks, NULL, p);
    if (!h) {
        w = "out of memory";
    } else {
        if (yajl_parse(h, (const unsigned char *)json, len) != yajl_status_ok ||
            yajl_complete_parse(h) != yajl_status_ok)
            w = p->failed ? "duplicate member" : "syntax";
        yajl_free(h);
    }
    if (!w)
        w = finish(p, ev);
    if (why)
        *why = w;
    if (w) {
        memset(ev, 0, sizeof(*ev));
        return -1;
    }
    return 0;
}

/* ---- encoding with yajl_gen: one reused generator ------------------------------------------ */

static int gen_str(yajl_gen g, const char *s)
{
    return yajl_gen_string(g, (const unsigned char *)s, strlen(s)) != yajl_gen_status_ok;
}

size_t yj_encode(yj_peer *p, const msg_event *ev, void (*sink)(void *ctx, const char *s, size_t n),
                 void *ctx)
{
    if (ev->kind < 1 || ev->kind > MSG_EVENT_TYPE_COUNT)
        return 0;
    const pr_event *e = &pr_events[ev->kind - 1];
    yajl_gen g = p->gen;
    int bad = 0;
    yajl_gen_reset(g, NULL);
    yajl_gen_clear(g);
    bad |= yajl_gen_map_open(g) != yajl_gen_status_ok;
    for (unsigned i = 0; i < e->n_members && !bad; i++) {
        const pr_member *m = &e->members[i];
        const void *v = (const char *)ev + m->offset;
        if ((m->kind == PR_STRING || m->kind == PR_CONST) && !*(const char *const *)v)
            continue; /* an absent optional member */
        bad |= yajl_gen_string(g, (const unsigned char *)m->name, m->len) != yajl_gen_status_ok;
        switch (m->kind) {
        case PR_STRING:
        case PR_CONST:
            bad |= gen_str(g, *(const char *const *)v);
            break;
        case PR_TIMESTAMP: {
            char ts[EVENTC_TIMESTAMP_MAX];
            size_t n = eventc_timestamp_format(*(const eventc_timestamp *)v, ts);
            bad |= n == 0 || yajl_gen_string(g, (const unsigned char *)ts, n) != yajl_gen_status_ok;
            break;
        }
        case PR_INT64:
            bad |= yajl_gen_integer(g, *(const int64_t *)v) != yajl_gen_status_ok;
            break;
        case PR_ENUM: {
            int x = *(const int *)v;
            bad |= x < 0 || x >= m->enum_count || gen_str(g, m->enum_names[x]);
            break;
        }
        case PR_NAMES: {
            const char *const *items = *(const char *const *const *)v;
            size_t n = *(const size_t *)((const char *)ev + m->count_offset);
            bad |= yajl_gen_array_open(g) != yajl_gen_status_ok;
            for (size_t k = 0; k < n && !bad; k++)
                bad |= gen_str(g, items[k]);
            bad |= yajl_gen_array_close(g) != yajl_gen_status_ok;
            break;
        }
        }
    }
    bad |= yajl_gen_map_close(g) != yajl_gen_status_ok;
    const unsigned char *buf;
    size_t len = 0;
    if (bad || yajl_gen_get_buf(g, &buf, &len) != yajl_gen_status_ok)
        return 0;
    if (sink)
        sink(ctx, (const char *)buf, len);
    return len;
}
