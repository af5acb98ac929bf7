/* Input data of the benchmark: the catalog examples as they are, larger variants of them with
 * realistic long values, and NDJSON streams mixing both. Everything is derived from a seed so
 * that two runs measure exactly the same bytes. cJSON reads the examples here only; the text is
 * written by hand so that the variants contain the escapes and \u sequences real producers
 * emit (cJSON itself would write non-ASCII text raw). */
#define _POSIX_C_SOURCE 200809L
#include "bench.h"

#include <cjson/cJSON.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- sets ------------------------------------------------------------------------------------ */

int bench_set_add(bench_set *set, const char *json, size_t len)
{
    if (set->n == set->cap) {
        size_t cap = set->cap ? set->cap * 2 : 32;
        bench_doc *d = realloc(set->docs, cap * sizeof(*d));
        if (!d)
            return -1;
        set->docs = d;
        set->cap = cap;
    }
    char *copy = malloc(len + BENCH_PADDING);
    if (!copy)
        return -1;
    memcpy(copy, json, len);
    memset(copy + len, 0, BENCH_PADDING);
    set->docs[set->n++] = (bench_doc){copy, len};
    set->bytes += len;
    return 0;
}

void bench_set_free(bench_set *set)
{
    if (!set)
        return;
    for (size_t i = 0; i < set->n; i++)
        free(set->docs[i].json);
    free(set->docs);
    memset(set, 0, sizeof(*set));
}

int bench_minify(const bench_doc *doc, bench_doc *out)
{
    char *m = malloc(doc->len + 1), *o = m;
    if (!m)
        return -1;
    int in_string = 0;
    for (size_t i = 0; i < doc->len; i++) {
        char c = doc->json[i];
        if (in_string) {
            *o++ = c;
            if (c == '\\' && i + 1 < doc->len)
                *o++ = doc->json[++i];
            else if (c == '"')
                in_string = 0;
        } else if (c == '"') {
            in_string = 1;
            *o++ = c;
        } else if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
            *o++ = c;
        }
    }
    *o = '\0';
    free(out->json);
    out->json = m;
    out->len = (size_t)(o - m);
    return 0;
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_file(const char *path, char **out, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    while (buf) {
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (n < cap)
            break;
        char *nb = realloc(buf, cap * 2);
        if (!nb) {
            free(buf);
            buf = NULL;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int bad = ferror(f);
    fclose(f);
    if (!buf || bad) {
        free(buf);
        return -1;
    }
    *out = buf;
    *len = n;
    return 0;
}

int bench_load_examples(const char *dir, bench_set *set)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "bench: cannot open %s: %s\n", dir, strerror(errno));
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    const struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        size_t l = strlen(e->d_name);
        static const char suffix[] = ".example.json";
        if (l <= sizeof(suffix) - 1 || strcmp(e->d_name + l - (sizeof(suffix) - 1), suffix) != 0)
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 32;
            char **nn = realloc(names, cap * sizeof(*nn));
            if (!nn) {
                rc = -1;
                break;
            }
            names = nn;
        }
        if (!(names[n] = strdup(e->d_name))) {
            rc = -1;
            break;
        }
        n++;
    }
    closedir(d);
    if (rc == 0 && n > 0)
        qsort(names, n, sizeof(*names), compare_names);
    for (size_t i = 0; i < n && rc == 0; i++) {
        size_t plen = strlen(dir) + strlen(names[i]) + 2;
        char *path = malloc(plen), *text = NULL;
        size_t len = 0;
        if (!path) {
            rc = -1;
            break;
        }
        snprintf(path, plen, "%s/%s", dir, names[i]);
        if (read_file(path, &text, &len) != 0 || bench_set_add(set, text, len) != 0) {
            fprintf(stderr, "bench: cannot read %s\n", path);
            rc = -1;
        }
        free(text);
        free(path);
    }
    for (size_t i = 0; i < n; i++)
        free(names[i]);
    free(names);
    if (rc == 0 && set->n == 0) {
        fprintf(stderr, "bench: no *.example.json in %s\n", dir);
        rc = -1;
    }
    return rc;
}

/* ---- randomness ------------------------------------------------------------------------------ */

uint64_t bench_rng_next(bench_rng *r)
{
    uint64_t z = (r->state += UINT64_C(0x9E3779B97F4A7C15));
    z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
    return z ^ (z >> 31);
}

size_t bench_rng_below(bench_rng *r, size_t n)
{
    return (size_t)(bench_rng_next(r) % n);
}

/* ---- text writer ----------------------------------------------------------------------------- */

/* A growable text; `failed` is sticky so a document is written whole and checked once. */
typedef struct text {
    char *s;
    size_t len, cap;
    int failed;
} text;

static void put(text *t, const char *s, size_t n)
{
    if (t->failed)
        return;
    if (t->len + n + 1 > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        while (t->len + n + 1 > cap)
            cap *= 2;
        char *ns = realloc(t->s, cap);
        if (!ns) {
            t->failed = 1;
            return;
        }
        t->s = ns;
        t->cap = cap;
    }
    memcpy(t->s + t->len, s, n);
    t->len += n;
    t->s[t->len] = '\0';
}

static void puts_(text *t, const char *s)
{
    put(t, s, strlen(s));
}

static void putf(text *t, const char *fmt, long long v)
{
    char b[32];
    int n = snprintf(b, sizeof(b), fmt, v);
    put(t, b, (size_t)n);
}

/* Decodes one UTF-8 sequence (input is known valid). */
static unsigned utf8_next(const unsigned char *s, size_t *i)
{
    unsigned c = s[*i];
    if (c < 0x80) {
        *i += 1;
        return c;
    }
    if (c < 0xE0) {
        unsigned cp = ((c & 0x1Fu) << 6) | (s[*i + 1] & 0x3Fu);
        *i += 2;
        return cp;
    }
    if (c < 0xF0) {
        unsigned cp = ((c & 0x0Fu) << 12) | ((s[*i + 1] & 0x3Fu) << 6) | (s[*i + 2] & 0x3Fu);
        *i += 3;
        return cp;
    }
    unsigned cp = ((c & 0x07u) << 18) | ((s[*i + 1] & 0x3Fu) << 12) | ((s[*i + 2] & 0x3Fu) << 6) |
                  (s[*i + 3] & 0x3Fu);
    *i += 4;
    return cp;
}

/* Writes @p s as a JSON string. With @p rng, about one non-ASCII character in three is written
 * as a \u escape (surrogate pairs above the BMP) and some '/' as "\/", as various real
 * serialisers do; without, only what must be escaped is. */
static void put_string(text *t, const char *s, size_t n, bench_rng *rng)
{
    put(t, "\"", 1);
    const unsigned char *u = (const unsigned char *)s;
    size_t i = 0;
    while (i < n) {
        size_t start = i;
        unsigned c = u[i];
        char esc[16];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(t, esc, 2);
            i++;
        } else if (c == '\n') {
            put(t, "\\n", 2);
            i++;
        } else if (c == '\t') {
            put(t, "\\t", 2);
            i++;
        } else if (c < 0x20) {
            snprintf(esc, sizeof(esc), "\\u%04x", c);
            put(t, esc, 6);
            i++;
        } else if (c == '/' && rng && bench_rng_below(rng, 2) == 0) {
            put(t, "\\/", 2);
            i++;
        } else if (c >= 0x80) {
            unsigned cp = utf8_next(u, &i);
            if (rng && bench_rng_below(rng, 3) == 0) {
                if (cp >= 0x10000) {
                    unsigned v = cp - 0x10000;
                    snprintf(esc, sizeof(esc), "\\u%04X\\u%04X", 0xD800 + (v >> 10),
                             0xDC00 + (v & 0x3FF));
                    put(t, esc, 12);
                } else {
                    snprintf(esc, sizeof(esc), "\\u%04x", cp);
                    put(t, esc, 6);
                }
            } else {
                put(t, s + start, i - start);
            }
        } else {
            /* A run of plain ASCII at once. */
            while (i < n && u[i] >= 0x20 && u[i] < 0x80 && u[i] != '"' && u[i] != '\\' &&
                   u[i] != '/')
                i++;
            if (i == start)
                i++;
            put(t, s + start, i - start);
        }
    }
    put(t, "\"", 1);
}

static void put_key(text *t, int *first, const char *key)
{
    if (!*first)
        put(t, ",", 1);
    *first = 0;
    put_string(t, key, strlen(key), NULL);
    put(t, ":", 1);
}

/* ---- realistic values ------------------------------------------------------------------------ */

static const char crockford[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

static void random_ulid(bench_rng *r, char out[27])
{
    /* 48 bits of time in late 2025, then 80 random bits. */
    uint64_t ms = UINT64_C(1762300000000) + bench_rng_below(r, 86400000u * 30u);
    for (int i = 9; i >= 0; i--) {
        out[i] = crockford[ms & 31];
        ms >>= 5;
    }
    for (int i = 10; i < 26; i++)
        out[i] = crockford[bench_rng_below(r, 32)];
    out[26] = '\0';
}

static void random_timestamp(bench_rng *r, int fraction, char out[40])
{
    unsigned day = 1 + (unsigned)bench_rng_below(r, 30), h = (unsigned)bench_rng_below(r, 24),
             m = (unsigned)bench_rng_below(r, 60), s = (unsigned)bench_rng_below(r, 60);
    if (fraction)
        snprintf(out, 40, "2025-11-%02uT%02u:%02u:%02u.%06uZ", day, h, m, s,
                 (unsigned)bench_rng_below(r, 1000000));
    else
        snprintf(out, 40, "2025-11-%02uT%02u:%02u:%02uZ", day, h, m, s);
}

static const char *const actors[] = {
    "admin:user_42",
    "system",
    "service:billing-reconciler/eu-west-1/worker-07",
    "admin:maria.gonzalez@support.example.com",
    "integration:salesforce-sync@v2.14.3",
    "service:conversation-router/us-east-2/pod-5f7c9d8b6-xk2qz",
    "user:8d1c2f7e-3b4a-4c55-9e6f-0a1b2c3d4e5f",
};

/* Free text: English with names and places in other scripts, quotes, a Windows path, line
 * breaks and an emoji or two, the kind of thing that lands in a reason or a topic field. */
static const char *const words[] = {
    "customer",
    "requested",
    "the",
    "migration",
    "of",
    "their",
    "account",
    "to",
    "new",
    "billing",
    "plan",
    "after",
    "a",
    "review",
    "by",
    "support",
    "team",
    "in",
    "Zürich",
    "São Paulo",
    "Kraków",
    "café",
    "naïve",
    "résumé",
    "東京",
    "Ελλάδα",
    "Москва",
    "📞",
    "✓",
    "ticket",
    "#48213",
    "\"urgent\"",
    "C:\\exports\\q3.csv",
    "see",
    "https://status.example.com/incidents/7",
    "because",
    "carrier",
    "reported",
    "delivery",
    "failures",
    "for",
    "numbers",
    "ported",
    "out",
    "and",
    "compliance",
    "asked",
    "we",
    "pause",
    "until",
    "documents",
    "are",
    "verified",
    "—",
    "Müller",
    "Ångström",
    "O'Brien",
    "l'été",
    "straße",
    "北京",
    "München",
    "José",
    "😀",
    "€",
    "invoice",
    "overdue",
    "30",
    "days",
    "contract",
    "renewal",
    "pending",
    "legal",
    "approval",
};

static void random_text(bench_rng *r, size_t target, text *out)
{
    out->len = 0;
    if (out->s)
        out->s[0] = '\0';
    int sentence_start = 1;
    while (out->len < target) {
        const char *w = words[bench_rng_below(r, sizeof(words) / sizeof(words[0]))];
        if (!sentence_start)
            put(out, " ", 1);
        if (sentence_start && w[0] >= 'a' && w[0] <= 'z') {
            char cap = (char)(w[0] - 'a' + 'A');
            put(out, &cap, 1);
            puts_(out, w + 1);
        } else {
            puts_(out, w);
        }
        sentence_start = 0;
        size_t p = bench_rng_below(r, 16);
        if (p == 0) {
            puts_(out, ".\n");
            sentence_start = 1;
        } else if (p == 1) {
            puts_(out, ".");
            sentence_start = 1;
        } else if (p == 2) {
            puts_(out, ",");
        } else if (p == 3) {
            puts_(out, "\t");
        }
    }
}

/* snake_case names of the catalog's `changed_fields` pattern, combined from these parts. */
static const char *const field_heads[] = {
    "billing", "shipping",     "primary",   "secondary", "legal",       "display", "preferred",
    "default", "notification", "support",   "marketing", "tax",         "invoice", "contact",
    "routing", "fallback",     "retention", "webhook",   "quiet_hours", "sender",
};
static const char *const field_tails[] = {
    "address",  "email",     "phone",    "locale",   "timezone", "name",  "id",
    "url",      "policy",    "limit",    "window",   "status",   "label", "region",
    "currency", "threshold", "template", "schedule", "line_2",   "v2",
};
#define N_HEADS (sizeof(field_heads) / sizeof(field_heads[0]))
#define N_TAILS (sizeof(field_tails) / sizeof(field_tails[0]))

static int is_text_key(const char *k)
{
    return strcmp(k, "reason") == 0 || strcmp(k, "topic") == 0 || strcmp(k, "name") == 0 ||
           strcmp(k, "display_name") == 0;
}

static int is_id_key(const char *k)
{
    size_t n = strlen(k);
    return strcmp(k, "aggregate_id") == 0 || (n > 3 && strcmp(k + n - 3, "_id") == 0);
}

/* Identifiers get longer but stay consistent inside one document: the same short id always
 * maps to the same long one, derived from the id itself and a per-document salt. */
static void long_id(const char *id, uint64_t salt, text *out)
{
    uint64_t h = salt ^ UINT64_C(1469598103934665603);
    for (const char *p = id; *p; p++)
        h = (h ^ (unsigned char)*p) * UINT64_C(1099511628211);
    bench_rng r = {h};
    puts_(out, id);
    puts_(out, "_");
    for (int i = 0; i < 20; i++) {
        char c = crockford[bench_rng_below(&r, 32)];
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        put(out, &c, 1);
    }
}

/* ---- documents ------------------------------------------------------------------------------- */

/* How a document is rewritten. */
typedef struct shape {
    int large;
    size_t text_budget; /* raw bytes for each free-text field */
    size_t reason_budget;
    size_t n_changed;  /* changed_fields entries */
    size_t note_bytes; /* text in the unknown "annotations" member; 0: none */
} shape;

static void put_value_plain(text *t, const cJSON *v)
{
    if (cJSON_IsString(v)) {
        put_string(t, v->valuestring, strlen(v->valuestring), NULL);
    } else if (cJSON_IsNumber(v)) {
        putf(t, "%lld", (long long)v->valuedouble); /* the examples hold integers only */
    } else if (cJSON_IsBool(v)) {
        puts_(t, cJSON_IsTrue(v) ? "true" : "false");
    } else if (cJSON_IsNull(v)) {
        puts_(t, "null");
    } else if (cJSON_IsArray(v) || cJSON_IsObject(v)) {
        int arr = cJSON_IsArray(v), first = 1;
        put(t, arr ? "[" : "{", 1);
        for (const cJSON *c = v->child; c; c = c->next) {
            if (arr) {
                if (!first)
                    put(t, ",", 1);
                first = 0;
            } else {
                put_key(t, &first, c->string);
            }
            put_value_plain(t, c);
        }
        put(t, arr ? "]" : "}", 1);
    }
}

static void put_unknown_trace(text *t, int *first, bench_rng *r)
{
    char ulid[27];
    put_key(t, first, "trace");
    random_ulid(r, ulid);
    puts_(t, "{\"trace_id\":\"");
    puts_(t, ulid);
    puts_(t, "\",\"span_id\":\"");
    put(t, ulid + 10, 16);
    puts_(t, "\",\"sampled\":true,\"baggage\":[{\"k\":\"tenant\",\"v\":\"acme-eu\"},"
             "{\"k\":\"priority\",\"v\":3}]}");
}

static void put_unknown_tail(text *t, int *first, bench_rng *r, size_t note_bytes, text *scratch)
{
    put_key(t, first, "x_retry_count");
    putf(t, "%lld", (long long)bench_rng_below(r, 5));
    put_key(t, first, "x_flags");
    puts_(t, "[true,false,null,1.5e-3,-42]");
    if (note_bytes) {
        put_key(t, first, "annotations");
        puts_(t, "{\"source\":{\"system\":\"crm-sync\",\"build\":\"2025.11.3\",\"host\":"
                 "\"ingest-7.eu-west-1.internal\"},\"note\":");
        random_text(r, note_bytes, scratch);
        put_string(t, scratch->s, scratch->len, r);
        puts_(t, ",\"labels\":[\"imported\",\"reviewed\",\"batch-2025-11\"]}");
    }
}

static void put_changed_fields(text *t, bench_rng *r, size_t n)
{
    unsigned char used[N_HEADS * N_TAILS] = {0};
    if (n > N_HEADS * N_TAILS)
        n = N_HEADS * N_TAILS;
    put(t, "[", 1);
    for (size_t i = 0; i < n; i++) {
        size_t k = bench_rng_below(r, N_HEADS * N_TAILS);
        while (used[k])
            k = (k + 1) % (N_HEADS * N_TAILS);
        used[k] = 1;
        if (i)
            put(t, ",", 1);
        put(t, "\"", 1);
        puts_(t, field_heads[k / N_TAILS]);
        put(t, "_", 1);
        puts_(t, field_tails[k % N_TAILS]);
        put(t, "\"", 1);
    }
    put(t, "]", 1);
}

static int write_doc(const cJSON *root, const shape *sh, bench_rng *r, text *t)
{
    text scratch = {0};
    uint64_t salt = bench_rng_next(r);
    int first = 1, had_idem = 0;
    t->len = 0;
    put(t, "{", 1);
    for (const cJSON *m = root->child; m; m = m->next) {
        const char *k = m->string;
        if (strcmp(k, "event_id") == 0) {
            char ulid[27];
            random_ulid(r, ulid);
            put_key(t, &first, k);
            put_string(t, ulid, 26, NULL);
        } else if (strcmp(k, "occurred_at") == 0) {
            char ts[40];
            random_timestamp(r, sh->large, ts);
            put_key(t, &first, k);
            put_string(t, ts, strlen(ts), NULL);
        } else if (!sh->large) {
            put_key(t, &first, k);
            put_value_plain(t, m);
        } else if (is_id_key(k) && cJSON_IsString(m)) {
            scratch.len = 0;
            long_id(m->valuestring, salt, &scratch);
            put_key(t, &first, k);
            put_string(t, scratch.s, scratch.len, NULL);
        } else if (strcmp(k, "actor") == 0) {
            const char *a = actors[bench_rng_below(r, sizeof(actors) / sizeof(actors[0]))];
            put_key(t, &first, k);
            put_string(t, a, strlen(a), NULL);
        } else if (strcmp(k, "idempotency_key") == 0) {
            had_idem = 1;
            char ulid[27];
            random_ulid(r, ulid);
            put_key(t, &first, k);
            puts_(t, "\"idem-");
            puts_(t, ulid);
            puts_(t, "-attempt-1\"");
        } else if (is_text_key(k)) {
            size_t budget = strcmp(k, "reason") == 0 ? sh->reason_budget : sh->text_budget;
            random_text(r, budget, &scratch);
            put_key(t, &first, k);
            put_string(t, scratch.s, scratch.len, r);
        } else if (strcmp(k, "changed_fields") == 0) {
            put_key(t, &first, k);
            put_changed_fields(t, r, sh->n_changed);
        } else {
            put_key(t, &first, k);
            put_value_plain(t, m);
        }
        if (sh->large && strcmp(k, "version") == 0) {
            if (!had_idem && !cJSON_GetObjectItemCaseSensitive(root, "idempotency_key")) {
                char ulid[27];
                random_ulid(r, ulid);
                put_key(t, &first, "idempotency_key");
                puts_(t, "\"idem-");
                puts_(t, ulid);
                puts_(t, "-attempt-1\"");
            }
            put_unknown_trace(t, &first, r);
        }
    }
    if (sh->large)
        put_unknown_tail(t, &first, r, sh->note_bytes, &scratch);
    put(t, "}", 1);
    free(scratch.s);
    return t->failed ? -1 : 0;
}

static int parse_example(const bench_doc *example, cJSON **root)
{
    *root = cJSON_ParseWithLength(example->json, example->len);
    if (!*root || !cJSON_IsObject(*root)) {
        cJSON_Delete(*root);
        return -1;
    }
    return 0;
}

static int finish(text *t, int rc, bench_doc *out)
{
    if (rc != 0 || t->failed) {
        free(t->s);
        return -1;
    }
    free(out->json);
    out->json = t->s;
    out->len = t->len;
    return 0;
}

int bench_make_small(const bench_doc *example, bench_rng *rng, bench_doc *out)
{
    cJSON *root;
    if (parse_example(example, &root) != 0)
        return -1;
    shape sh = {0};
    text t = {0};
    int rc = write_doc(root, &sh, rng, &t);
    cJSON_Delete(root);
    return finish(&t, rc, out);
}

int bench_make_large(const bench_doc *example, size_t target, bench_rng *rng, bench_doc *out)
{
    cJSON *root;
    if (parse_example(example, &root) != 0)
        return -1;
    size_t n_text = 0, has_reason = 0, has_changed = 0;
    for (const cJSON *m = root->child; m; m = m->next) {
        if (strcmp(m->string, "reason") == 0)
            has_reason = 1;
        else if (is_text_key(m->string))
            n_text++;
        else if (strcmp(m->string, "changed_fields") == 0)
            has_changed = 1;
    }
    /* Measure the document with every variable part at its smallest, then share out the rest
     * of the target: changed_fields entries take ~24 bytes each, free text gets the bytes
     * one for one (escapes add a little), and what no known member can carry goes into an
     * unknown member, as producers attach metadata the consumer does not know about. */
    text t = {0};
    bench_rng probe = *rng;
    shape sh = {1, 0, 0, 1, 0};
    int rc = write_doc(root, &sh, &probe, &t);
    size_t base = t.len, budget = target > base ? target - base : 0;
    if (rc == 0) {
        if (has_changed) {
            sh.n_changed = 1 + budget * 3 / 4 / 24;
            sh.note_bytes = budget / 4;
        } else if (has_reason || n_text) {
            sh.text_budget = n_text ? (has_reason ? 60 : budget * 9 / 10 / n_text) : 0;
            if (sh.text_budget > 160)
                sh.text_budget = 160;
            size_t rest = budget - sh.text_budget * n_text;
            sh.reason_budget = has_reason ? rest * 4 / 5 : 0;
            sh.note_bytes = rest - sh.reason_budget;
        } else {
            sh.note_bytes = budget;
        }
        if (sh.note_bytes < 16)
            sh.note_bytes = 0;
        rc = write_doc(root, &sh, rng, &t);
    }
    cJSON_Delete(root);
    return finish(&t, rc, out);
}

size_t bench_write_stream(const char *path, const bench_set *examples, size_t count, uint64_t seed)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        fprintf(stderr, "bench: cannot write %s: %s\n", path, strerror(errno));
        return 0;
    }
    bench_rng r = {seed};
    bench_doc doc = {0};
    size_t total = 0;
    for (size_t i = 0; i < count; i++) {
        const bench_doc *ex = &examples->docs[bench_rng_below(&r, examples->n)];
        int rc = bench_rng_below(&r, 5) == 0
                     ? bench_make_large(ex, 1500 + bench_rng_below(&r, 1100), &r, &doc)
                     : bench_make_small(ex, &r, &doc);
        if (rc != 0 || fwrite(doc.json, 1, doc.len, f) != doc.len || fputc('\n', f) == EOF) {
            fprintf(stderr, "bench: cannot write line %zu of %s\n", i + 1, path);
            free(doc.json);
            fclose(f);
            return 0;
        }
        total += doc.len + 1;
    }
    free(doc.json);
    if (fclose(f) != 0) {
        fprintf(stderr, "bench: cannot write %s: %s\n", path, strerror(errno));
        return 0;
    }
    return total;
}
