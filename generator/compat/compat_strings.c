/* Strings for witnesses: the shortest printable ASCII strings of a length range that match some
 * patterns and not another. Each pattern is the runtime's ASCII automaton
 * (eventc_regex_dfa_build, the tables generated decoders match with), so "matches" means what the
 * decoder means. The automata run in parallel over a reduced alphabet (one character per class of
 * characters they all treat alike), breadth first by length: the k-th solution found is the k-th
 * variant. Patterns beyond the automata's limits fall back to a few plain candidates, checked with
 * the pattern engine itself. */
#include "compat_internal.h"

#include <eventc/regex.h>

#include <stdlib.h>
#include <string.h>

#define MAX_DFAS 3
#define MAX_STATES 20000
#define MAX_CELLS 4000000u
#define EXTRA_LENGTH 48

typedef struct prod {
    const eventc_regex_dfa *d[MAX_DFAS];
    bool want[MAX_DFAS]; /* must match (true) or must not (false) */
    size_t n;
} prod;

static bool avoided(const str_req *q, const char *s)
{
    for (size_t i = 0; i < q->n_avoid; i++)
        if (strcmp(q->avoid[i], s) == 0)
            return true;
    return false;
}

/* The characters to try, most readable first, one per signature of classes. */
static size_t alphabet(const prod *p, char *out)
{
    static const char order[] = "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                "_-. @:/+,;=!#$%&'()*<>?[]^`{|}~\"\\";
    unsigned sigs[128];
    size_t n = 0;
    for (const char *c = order; *c; c++) {
        unsigned sig = 0;
        for (size_t i = 0; i < p->n; i++)
            sig = sig * 37 + p->d[i]->classes[(unsigned char)*c];
        bool seen = false;
        for (size_t k = 0; k < n && !seen; k++)
            seen = sigs[k] == sig;
        if (!seen) {
            sigs[n] = sig;
            out[n++] = *c;
        }
    }
    return n;
}

/* A product state: one state per automaton, packed. */
typedef struct pstate {
    unsigned char s[MAX_DFAS];
} pstate;

static bool final_ok(const prod *p, const pstate *st, size_t len)
{
    for (size_t i = 0; i < p->n; i++) {
        unsigned f = p->d[i]->flags[st->s[i]];
        bool match = len == 0
                         ? (f & (EVENTC_REGEX_DFA_MATCHED | EVENTC_REGEX_DFA_ACCEPT_EMPTY)) != 0
                         : (f & (EVENTC_REGEX_DFA_MATCHED | EVENTC_REGEX_DFA_ACCEPT_AT_END)) != 0;
        if (match != p->want[i])
            return false;
    }
    return true;
}

static pstate step(const prod *p, const pstate *st, char c)
{
    pstate out = {{0}};
    for (size_t i = 0; i < p->n; i++) {
        const eventc_regex_dfa *d = p->d[i];
        out.s[i] = d->next[st->s[i] * d->nclasses + d->classes[(unsigned char)c]];
    }
    return out;
}

/* Layer by layer: each state reached at length L keeps the first (parent, character) that
 * reached it. Solutions are read back through the parents. */
typedef struct cell {
    unsigned parent; /* index in the previous layer */
    char c;
} cell;

static char *search(const prod *p, const str_req *q, unsigned variant)
{
    char alpha[128];
    size_t na = alphabet(p, alpha);
    uint64_t lmax = q->lo + EXTRA_LENGTH;
    if (q->hi < lmax)
        lmax = q->hi;
    if (q->lo > lmax)
        return NULL;
    /* layers[L] holds the states of length L (in order of discovery) and their cells. */
    size_t n_layers = (size_t)lmax + 1;
    pstate **states = gen_xcalloc(n_layers, sizeof(*states));
    cell **cells = gen_xcalloc(n_layers, sizeof(*cells));
    size_t *counts = gen_xcalloc(n_layers, sizeof(*counts));
    states[0] = gen_xmalloc(sizeof(pstate));
    cells[0] = gen_xmalloc(sizeof(cell));
    memset(states[0], 0, sizeof(pstate));
    counts[0] = 1;
    size_t total = 1;
    char *found = NULL;
    unsigned skip = variant;
    for (size_t len = 0; len < n_layers && !found; len++) {
        if (len >= q->lo) {
            for (size_t i = 0; i < counts[len] && !found; i++) {
                if (!final_ok(p, &states[len][i], len))
                    continue;
                char *s = gen_xmalloc(len + 1);
                s[len] = '\0';
                size_t at = i;
                for (size_t k = len; k > 0; k--) {
                    s[k - 1] = cells[k][at].c;
                    at = cells[k][at].parent;
                }
                if (avoided(q, s) || skip-- > 0) {
                    free(s);
                    continue;
                }
                found = s;
            }
        }
        if (found || len + 1 >= n_layers)
            break;
        /* The next layer: distinct states in order of discovery (linear search on small sets,
         * a bitmap-free table since states are at most MAX_STATES). */
        size_t cap = counts[len] * na;
        if (cap > MAX_STATES)
            cap = MAX_STATES;
        states[len + 1] = gen_xmalloc((cap ? cap : 1) * sizeof(pstate));
        cells[len + 1] = gen_xmalloc((cap ? cap : 1) * sizeof(cell));
        size_t n = 0;
        for (size_t i = 0; i < counts[len]; i++) {
            for (size_t a = 0; a < na; a++) {
                pstate nx = step(p, &states[len][i], alpha[a]);
                bool seen = false;
                for (size_t k = 0; k < n && !seen; k++)
                    seen = memcmp(&states[len + 1][k], &nx, sizeof nx) == 0;
                /* Different strings that end in the same state give new variants only through
                 * their own continuations; the same state is kept once per layer. */
                if (seen || n == cap)
                    continue;
                states[len + 1][n] = nx;
                cells[len + 1][n] = (cell){(unsigned)i, alpha[a]};
                n++;
            }
        }
        counts[len + 1] = n;
        total += n;
        if (total > MAX_CELLS || n == 0)
            break;
    }
    for (size_t i = 0; i < n_layers; i++) {
        free(states[i]);
        free(cells[i]);
    }
    free(states);
    free(cells);
    free(counts);
    return found;
}

/* Without automata: a run of one character, varied at the end. */
static char *plain(const str_req *q, unsigned variant)
{
    uint64_t len = q->lo;
    if (len == 0 && variant > 0)
        len = 1;
    if (len > q->hi || len > (1u << 20))
        return NULL;
    for (unsigned v = variant; v < variant + 64; v++) {
        char *s = gen_xmalloc((size_t)len + 1);
        memset(s, 'a', (size_t)len);
        s[len] = '\0';
        unsigned k = v;
        for (size_t i = (size_t)len; k && i > 0; i--, k /= 26)
            s[i - 1] = (char)('a' + k % 26);
        if (!avoided(q, s))
            return s;
        free(s);
    }
    return NULL;
}

static bool pattern_ok(const char *pattern, const char *s, bool want)
{
    int r = eventc_regex_search(pattern, strlen(pattern), s, strlen(s));
    return r >= 0 && (r == 1) == want;
}

/* When an automaton cannot be built: candidates of every length in range, checked with the
 * pattern engine. */
static char *fallback(const str_req *q, unsigned variant)
{
    static const char *const fills[] = {"a", "0", "A", "a0", "_", "-", ".", "aA0_-."};
    unsigned skip = variant;
    uint64_t top = q->hi < q->lo + 32 ? q->hi : q->lo + 32;
    for (uint64_t len = q->lo; len <= top; len++) {
        for (size_t f = 0; f < sizeof fills / sizeof fills[0]; f++) {
            size_t fl = strlen(fills[f]);
            char *s = gen_xmalloc((size_t)len + 1);
            for (size_t i = 0; i < len; i++)
                s[i] = fills[f][i % fl];
            s[len] = '\0';
            bool ok = !avoided(q, s);
            for (size_t i = 0; ok && i < q->n_must; i++)
                ok = pattern_ok(q->must[i], s, true);
            if (ok && q->must_not)
                ok = pattern_ok(q->must_not, s, false);
            if (ok && skip-- == 0)
                return s;
            free(s);
        }
    }
    return NULL;
}

char *compat_string(const str_req *q, unsigned variant)
{
    if (q->lo > q->hi)
        return NULL;
    if (q->n_must == 0 && !q->must_not)
        return plain(q, variant);
    prod p = {{0}, {0}, 0};
    eventc_regex_dfa_storage st[MAX_DFAS];
    bool ok = true;
    for (size_t i = 0; i < q->n_must && ok; i++) {
        ok = eventc_regex_dfa_build(q->must[i], strlen(q->must[i]), &st[p.n]) == EVENTC_OK;
        p.d[p.n] = &st[p.n].dfa;
        p.want[p.n++] = true;
    }
    if (ok && q->must_not) {
        ok = eventc_regex_dfa_build(q->must_not, strlen(q->must_not), &st[p.n]) == EVENTC_OK;
        p.d[p.n] = &st[p.n].dfa;
        p.want[p.n++] = false;
    }
    return ok ? search(&p, q, variant) : fallback(q, variant);
}

char *compat_json_string(const char *s)
{
    gen_str o;
    gen_str_init(&o);
    gen_str_putc(&o, '"');
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            gen_str_printf(&o, "\\%c", *p);
        else if (*p < 0x20)
            gen_str_printf(&o, "\\u%04x", *p);
        else
            gen_str_putc(&o, (char)*p);
    }
    gen_str_putc(&o, '"');
    return gen_str_detach(&o);
}
