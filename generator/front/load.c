#include "load.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

/* Position of byte `off` in `data`: 1-based line, and column counted in characters as libyaml
 * counts them, so that our own errors and libyaml's agree. */
static gen_loc loc_of_offset(const char *data, size_t off, const char *display, unsigned fi)
{
    unsigned line = 1, col = 1;
    for (size_t i = 0; i < off; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == '\n') {
            line++;
            col = 1;
        } else if ((c & 0xC0) != 0x80) {
            col++;
        }
    }
    return (gen_loc){.file = display, .file_index = fi, .line = line, .col = col};
}

/* Strict UTF-8 (RFC 3629): returns the offset of the first bad byte, or len when all is valid. */
static size_t utf8_first_bad(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t need;
        uint32_t cp, min;
        if (c >= 0xC2 && c <= 0xDF) {
            need = 1, cp = c & 0x1F, min = 0x80;
        } else if (c >= 0xE0 && c <= 0xEF) {
            need = 2, cp = c & 0x0F, min = 0x800;
        } else if (c >= 0xF0 && c <= 0xF4) {
            need = 3, cp = c & 0x07, min = 0x10000;
        } else {
            return i;
        }
        if (len - i <= need)
            return i;
        for (size_t k = 1; k <= need; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return i;
        i += need + 1;
    }
    return len;
}

typedef struct frame {
    gen_node *node;
    gen_node **kids; /* alternating key, value for mappings */
    size_t len, cap;
} frame;

typedef struct anchor {
    char *name;
    gen_node *node;
} anchor;

typedef struct loader {
    gen_pool *pool;
    const char *data;
    const char *display;
    unsigned fi;
    gen_diags *diags;
    frame *stack;
    size_t depth, cap;
    anchor *anchors;
    size_t n_anchors, cap_anchors;
    size_t expanded; /* nodes counted with aliases expanded */
    size_t nodes;
    gen_node *root;
    bool failed;
} loader;

static gen_loc mark_loc(const loader *l, yaml_mark_t m)
{
    return (gen_loc){.file = l->display,
                     .file_index = l->fi,
                     .line = (unsigned)m.line + 1,
                     .col = (unsigned)m.column + 1};
}

static void fail(loader *l, gen_loc loc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void fail(loader *l, gen_loc loc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gen_verror(l->diags, loc, fmt, ap);
    va_end(ap);
    l->failed = true;
}

static void push_child(loader *l, gen_node *n)
{
    if (l->depth == 0) {
        l->root = n;
        return;
    }
    frame *f = &l->stack[l->depth - 1];
    if (f->len == f->cap) {
        f->cap = f->cap ? f->cap * 2 : 8;
        f->kids = gen_xrealloc(f->kids, f->cap * sizeof(*f->kids));
    }
    f->kids[f->len++] = n;
}

/* Anchors live in an open-addressing hash table: hostile files may define very many. */
static uint64_t hash_name(const char *s)
{
    uint64_t h = 1469598103934665603u;
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211u;
    return h;
}

static anchor *anchor_slot(loader *l, const char *name)
{
    size_t mask = l->cap_anchors - 1;
    for (size_t i = (size_t)hash_name(name) & mask;; i = (i + 1) & mask)
        if (!l->anchors[i].name || strcmp(l->anchors[i].name, name) == 0)
            return &l->anchors[i];
}

static gen_node *find_anchor(loader *l, const char *name)
{
    if (!l->cap_anchors)
        return NULL;
    anchor *a = anchor_slot(l, name);
    return a->name ? a->node : NULL;
}

static void add_anchor(loader *l, const unsigned char *name, gen_node *n)
{
    if (!name)
        return;
    if ((l->n_anchors + 1) * 4 >= l->cap_anchors * 3) {
        size_t old_cap = l->cap_anchors;
        anchor *old = l->anchors;
        l->cap_anchors = old_cap ? old_cap * 2 : 16;
        l->anchors = gen_xcalloc(l->cap_anchors, sizeof(*l->anchors));
        for (size_t i = 0; i < old_cap; i++)
            if (old[i].name)
                *anchor_slot(l, old[i].name) = old[i];
        free(old);
    }
    anchor *a = anchor_slot(l, (const char *)name);
    if (a->name) {
        a->node = n; /* YAML: a later anchor of the same name wins */
        return;
    }
    *a = (anchor){gen_xstrdup((const char *)name), n};
    l->n_anchors++;
}

/* Tags change how YAML reads a value (`!!str 5`, `!!binary ...`, `!!python/object`); eventc reads
 * every value by what its key expects, so a tag would be silently ignored. Refused instead. */
static bool refuse_tag(loader *l, gen_loc loc, const unsigned char *tag)
{
    if (!tag)
        return false;
    const char *t = (const char *)tag;
    static const char core[] = "tag:yaml.org,2002:";
    if (strncmp(t, core, sizeof core - 1) == 0)
        fail(l, loc,
             "YAML tags such as '!!%s' are not supported: eventc reads each value as its key "
             "expects (quote a value to make it a string)",
             t + sizeof core - 1);
    else
        fail(l, loc,
             "YAML tags such as '%s' are not supported: eventc reads each value as its key "
             "expects (quote a value to make it a string)",
             t);
    return true;
}

/* True when the next node completes a mapping key (the open container is a mapping awaiting
 * a key). */
static bool at_key(const loader *l)
{
    return l->depth > 0 && l->stack[l->depth - 1].node->kind == GEN_NODE_MAP &&
           l->stack[l->depth - 1].len % 2 == 0;
}

static bool count_node(loader *l, gen_loc loc)
{
    if (++l->nodes > GEN_MAX_NODES) {
        fail(l, loc, "too many YAML nodes (more than %u)", GEN_MAX_NODES);
        return false;
    }
    l->expanded++;
    return true;
}

static bool open_container(loader *l, gen_node_kind kind, yaml_mark_t mark)
{
    gen_loc loc = mark_loc(l, mark);
    if (l->depth >= GEN_MAX_DEPTH) {
        fail(l, loc, "YAML nesting deeper than %u levels", GEN_MAX_DEPTH);
        return false;
    }
    if (!count_node(l, loc))
        return false;
    gen_node *n = gen_pool_alloc(l->pool, sizeof(*n));
    n->kind = kind;
    n->loc = loc;
    if (l->depth == l->cap) {
        l->cap = l->cap ? l->cap * 2 : 16;
        l->stack = gen_xrealloc(l->stack, l->cap * sizeof(*l->stack));
    }
    l->stack[l->depth++] = (frame){.node = n};
    return true;
}

static int cmp_key(const void *a, const void *b)
{
    const gen_node *x = *(gen_node *const *)a, *y = *(gen_node *const *)b;
    int c = strcmp(x->text, y->text);
    if (c)
        return c;
    if (x->loc.line != y->loc.line)
        return x->loc.line < y->loc.line ? -1 : 1;
    return x->loc.col < y->loc.col ? -1 : (x->loc.col > y->loc.col);
}

/* Keys must be scalars and unique. Reported without stopping, so the rest is still checked. */
static void check_keys(loader *l, gen_node *map)
{
    gen_node **sorted = gen_xmalloc((map->len ? map->len : 1) * sizeof(*sorted));
    size_t n = 0;
    for (size_t i = 0; i < map->len; i++) {
        if (map->keys[i]->kind != GEN_NODE_SCALAR)
            gen_error(l->diags, map->keys[i]->loc, "mapping keys must be scalars, not %s",
                      gen_node_kind_name(map->keys[i]));
        else
            sorted[n++] = map->keys[i];
    }
    qsort(sorted, n, sizeof(*sorted), cmp_key);
    for (size_t i = 1; i < n; i++) {
        if (strcmp(sorted[i]->text, sorted[i - 1]->text) == 0) {
            size_t first = i - 1;
            while (first > 0 && strcmp(sorted[first - 1]->text, sorted[i]->text) == 0)
                first--;
            gen_error(l->diags, sorted[i]->loc, "duplicate key '%s' (first at line %u)",
                      sorted[i]->text, sorted[first]->loc.line);
        }
    }
    free(sorted);
}

static gen_node *close_container(loader *l)
{
    frame *f = &l->stack[--l->depth];
    gen_node *n = f->node;
    unsigned weight = 1;
    if (n->kind == GEN_NODE_MAP) {
        n->len = f->len / 2;
        n->keys = gen_pool_alloc(l->pool, (n->len ? n->len : 1) * sizeof(*n->keys));
        n->items = gen_pool_alloc(l->pool, (n->len ? n->len : 1) * sizeof(*n->items));
        for (size_t i = 0; i < n->len; i++) {
            n->keys[i] = f->kids[2 * i];
            n->items[i] = f->kids[2 * i + 1];
            weight += n->keys[i]->weight + n->items[i]->weight;
        }
    } else {
        n->len = f->len;
        n->items = gen_pool_alloc(l->pool, (n->len ? n->len : 1) * sizeof(*n->items));
        for (size_t i = 0; i < n->len; i++) {
            n->items[i] = f->kids[i];
            weight += n->items[i]->weight;
        }
    }
    free(f->kids);
    n->weight = weight;
    if (n->kind == GEN_NODE_MAP)
        check_keys(l, n);
    return n;
}

static void translate_parser_error(loader *l, const yaml_parser_t *p, size_t len)
{
    yaml_mark_t m = p->problem_mark;
    gen_loc loc = mark_loc(l, m);
    if (p->error == YAML_MEMORY_ERROR) {
        fail(l, loc, "out of memory while parsing YAML");
        return;
    }
    if (m.index < len && l->data[m.index] == '\t') {
        fail(l, loc, "tab character in indentation (YAML allows only spaces)");
        return;
    }
    const char *problem = p->problem ? p->problem : "malformed YAML";
    const char *context = p->context ? p->context : "";
    /* libyaml refuses a key of more than 1024 characters (YAML's bound on a simple key) with a
     * message about a missing ':' far from the key. */
    if (strcmp(context, "while scanning a simple key") == 0 &&
        m.index > p->context_mark.index + 1024) {
        fail(l, mark_loc(l, p->context_mark),
             "a mapping key longer than 1024 characters (YAML's limit for a key)");
        return;
    }
    /* In double quotes a backslash starts an escape, and regular expressions are full of
     * backslashes: `"^\d+$"` is a YAML error. */
    if (strcmp(problem, "found unknown escape character") == 0) {
        fail(l, loc,
             "unknown escape sequence in a double-quoted string; in double quotes a backslash "
             "starts a YAML escape: write regular expressions in single quotes ('^\\d+$'), "
             "where a backslash is an ordinary character");
        return;
    }
    if (p->context && p->context_mark.line != m.line)
        fail(l, loc, "%s %s (started at line %u)", problem, p->context,
             (unsigned)p->context_mark.line + 1);
    else if (p->context)
        fail(l, loc, "%s %s", problem, p->context);
    else
        fail(l, loc, "%s", problem);
}

static gen_node *load(gen_pool *pool, const char *data, size_t len, const char *display,
                      unsigned fi, gen_diags *diags)
{
    gen_loc start = {.file = display, .file_index = fi, .line = 1, .col = 1};
    if (len > GEN_MAX_FILE_SIZE) {
        gen_error(diags, start, "file larger than %u bytes", GEN_MAX_FILE_SIZE);
        return NULL;
    }
    /* A byte order mark is how some editors mark a UTF-8 file; it is not content. */
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) {
        data += 3;
        len -= 3;
    }
    const char *nul = memchr(data, '\0', len);
    size_t bad = utf8_first_bad((const unsigned char *)data, nul ? (size_t)(nul - data) : len);
    if (bad < (nul ? (size_t)(nul - data) : len)) {
        gen_error(diags, loc_of_offset(data, bad, display, fi),
                  "invalid UTF-8 (byte 0x%02X); catalogs must be UTF-8 text",
                  (unsigned char)data[bad]);
        return NULL;
    }
    if (nul) {
        gen_error(diags, loc_of_offset(data, (size_t)(nul - data), display, fi),
                  "NUL byte in file; catalogs must be UTF-8 text");
        return NULL;
    }

    loader l = {.pool = pool, .data = data, .display = display, .fi = fi, .diags = diags};
    yaml_parser_t parser;
    if (!yaml_parser_initialize(&parser)) {
        gen_error(diags, start, "out of memory");
        return NULL;
    }
    yaml_parser_set_input_string(&parser, (const unsigned char *)data, len);
    yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING);

    int documents = 0;
    bool done = false;
    while (!done && !l.failed) {
        yaml_event_t ev;
        if (!yaml_parser_parse(&parser, &ev)) {
            translate_parser_error(&l, &parser, len);
            break;
        }
        gen_loc loc = mark_loc(&l, ev.start_mark);
        switch (ev.type) {
        case YAML_STREAM_START_EVENT:
        case YAML_NO_EVENT:
            break;
        case YAML_STREAM_END_EVENT:
            done = true;
            break;
        case YAML_DOCUMENT_START_EVENT:
            if (++documents > 1)
                fail(&l, loc, "more than one YAML document in a catalog file");
            break;
        case YAML_DOCUMENT_END_EVENT:
            break;
        case YAML_MAPPING_START_EVENT:
        case YAML_SEQUENCE_START_EVENT: {
            gen_node_kind kind = ev.type == YAML_MAPPING_START_EVENT ? GEN_NODE_MAP : GEN_NODE_SEQ;
            const unsigned char *tag =
                kind == GEN_NODE_MAP ? ev.data.mapping_start.tag : ev.data.sequence_start.tag;
            if (refuse_tag(&l, loc, tag) || !open_container(&l, kind, ev.start_mark))
                break;
            /* Anchors are registered when their node is complete, so an alias inside its own
             * anchor (a cycle) finds nothing. Keep the name until then. */
            const unsigned char *a =
                kind == GEN_NODE_MAP ? ev.data.mapping_start.anchor : ev.data.sequence_start.anchor;
            l.stack[l.depth - 1].node->text = a ? gen_pool_strdup(pool, (const char *)a) : NULL;
            break;
        }
        case YAML_MAPPING_END_EVENT:
        case YAML_SEQUENCE_END_EVENT: {
            gen_node *n = close_container(&l);
            if (n->text) {
                add_anchor(&l, (const unsigned char *)n->text, n);
                n->text = NULL;
            }
            push_child(&l, n);
            break;
        }
        case YAML_SCALAR_EVENT: {
            if (refuse_tag(&l, loc, ev.data.scalar.tag) || !count_node(&l, loc))
                break;
            if (ev.data.scalar.style == YAML_PLAIN_SCALAR_STYLE && at_key(&l) &&
                strcmp((const char *)ev.data.scalar.value, "<<") == 0) {
                fail(&l, loc,
                     "YAML merge keys ('<<') are not supported: write the keys out (anchors and "
                     "aliases of whole values are fine)");
                break;
            }
            if (ev.data.scalar.length > GEN_MAX_SCALAR) {
                fail(&l, loc, "scalar of %zu bytes is larger than the limit of %u bytes",
                     (size_t)ev.data.scalar.length, GEN_MAX_SCALAR);
                break;
            }
            gen_node *n = gen_pool_alloc(pool, sizeof(*n));
            n->kind = GEN_NODE_SCALAR;
            n->loc = loc;
            n->text =
                gen_pool_strndup(pool, (const char *)ev.data.scalar.value, ev.data.scalar.length);
            n->text_len = ev.data.scalar.length;
            n->quoted = ev.data.scalar.style != YAML_PLAIN_SCALAR_STYLE;
            n->double_quoted = ev.data.scalar.style == YAML_DOUBLE_QUOTED_SCALAR_STYLE;
            n->weight = 1;
            if (memchr(n->text, '\0', n->text_len)) {
                fail(&l, loc, "scalar contains a NUL character");
                break;
            }
            add_anchor(&l, ev.data.scalar.anchor, n);
            push_child(&l, n);
            break;
        }
        case YAML_ALIAS_EVENT: {
            gen_node *target = find_anchor(&l, (const char *)ev.data.alias.anchor);
            if (!target) {
                fail(&l, loc, "alias '*%s' refers to no complete anchor",
                     (const char *)ev.data.alias.anchor);
                break;
            }
            l.expanded += target->weight;
            if (l.expanded > GEN_MAX_ALIAS_EXPANSION + l.nodes) {
                fail(&l, loc, "aliases expand to more than %u extra nodes",
                     GEN_MAX_ALIAS_EXPANSION);
                break;
            }
            push_child(&l, target);
            break;
        }
        }
        yaml_event_delete(&ev);
    }
    yaml_parser_delete(&parser);
    while (l.depth > 0) {
        frame *f = &l.stack[--l.depth];
        free(f->kids);
    }
    free(l.stack);
    for (size_t i = 0; i < l.cap_anchors; i++)
        free(l.anchors[i].name);
    free(l.anchors);
    if (l.failed)
        return NULL;
    if (!l.root) {
        gen_error(diags, start,
                  "empty catalog file: expected a mapping with 'catalog', "
                  "'version', 'envelope' and 'aggregates'");
        return NULL;
    }
    return l.root;
}

gen_node *gen_load_yaml_buffer(gen_pool *pool, const char *data, size_t len, const char *display,
                               unsigned file_index, gen_diags *diags)
{
    return load(pool, data, len, display, file_index, diags);
}

gen_node *gen_load_yaml(gen_pool *pool, const char *path, const char *display, unsigned file_index,
                        gen_diags *diags)
{
    char *data;
    size_t len;
    int rc = gen_read_file(path, GEN_MAX_FILE_SIZE, &data, &len);
    gen_loc start = {.file = display, .file_index = file_index, .line = 0, .col = 0};
    if (rc == -2) {
        start.line = start.col = 1;
        gen_error(diags, start, "file larger than %u bytes", GEN_MAX_FILE_SIZE);
        return NULL;
    }
    if (rc != 0) {
        gen_error(diags, start, "cannot read file: %s", gen_read_error(rc));
        return NULL;
    }
    gen_node *root = load(pool, data, len, display, file_index, diags);
    free(data);
    return root;
}

gen_node *gen_map_get(const gen_node *map, const char *key)
{
    if (!map || map->kind != GEN_NODE_MAP)
        return NULL;
    for (size_t i = 0; i < map->len; i++)
        if (map->keys[i]->kind == GEN_NODE_SCALAR && strcmp(map->keys[i]->text, key) == 0)
            return map->items[i];
    return NULL;
}

const char *gen_node_kind_name(const gen_node *n)
{
    switch (n->kind) {
    case GEN_NODE_MAP:
        return "a mapping";
    case GEN_NODE_SEQ:
        return "a sequence";
    case GEN_NODE_SCALAR:
        return "a scalar";
    }
    return "a node";
}
