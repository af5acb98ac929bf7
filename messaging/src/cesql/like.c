/* LIKE patterns: `%` matches any run of characters, `_` exactly one character (code point), `\%`,
 * `\_` and `\\` the character itself; any other character, a lone backslash included, matches
 * itself, case-sensitively.
 *
 * No backtracking: the pattern is split at its `%` into segments (see cesql_internal.h). The
 * first segment must match at the start, the last at the end, and each one between is taken at
 * its leftmost occurrence after the previous one; for patterns of `%` and `_` the leftmost
 * choice never loses a match. A segment of literal characters only is found with
 * Knuth-Morris-Pratt, so patterns without `_` match in time linear in subject plus pattern; a
 * segment with `_` is tried at each position, so the worst case is bounded by
 * subject length x pattern length steps. */
#include "cesql_internal.h"

#include <string.h>

/* Length of the UTF-8 sequence starting with byte @p b (valid input assumed). */
static size_t seq_len(unsigned char b)
{
    return b < 0x80 ? 1 : b < 0xE0 ? 2 : b < 0xF0 ? 3 : 4;
}

bool cesql_like_compile(eventc_arena *arena, const char *s, size_t n, cesql_like *out)
{
    /* Worst cases: n + 1 segments, n + 1 parts, n literal bytes. */
    cesql_like_seg *segs = eventc_arena_alloc(arena, (n + 1) * sizeof(*segs));
    cesql_like_part *parts = eventc_arena_alloc(arena, (n + 1) * sizeof(*parts));
    char *bytes = eventc_arena_alloc(arena, n + 1);
    cesql_like_seg *seg;
    size_t n_parts = 0, n_bytes = 0;
    if (segs == NULL || parts == NULL || bytes == NULL) {
        return false;
    }
    memset(segs, 0, (n + 1) * sizeof(*segs));
    out->segs = segs;
    out->n_segs = 1;
    seg = &segs[0];
    seg->parts = parts;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        bool literal = true;
        if (ch == '\\' && i + 1 < n && (s[i + 1] == '%' || s[i + 1] == '_' || s[i + 1] == '\\')) {
            ch = s[++i];
        } else if (ch == '%') {
            seg = &segs[out->n_segs++];
            seg->parts = parts + n_parts;
            continue;
        } else if (ch == '_') {
            literal = false;
        }
        if (literal) {
            cesql_like_part *last = seg->n_parts ? &seg->parts[seg->n_parts - 1] : NULL;
            if (last == NULL || last->lit == NULL) {
                last = &parts[n_parts++];
                seg->n_parts++;
                last->lit = bytes + n_bytes;
                last->len = 0;
            }
            bytes[n_bytes++] = ch;
            last->len++;
            if (((unsigned char)ch & 0xC0) != 0x80) {
                seg->n_chars++;
            }
        } else {
            cesql_like_part *last = seg->n_parts ? &seg->parts[seg->n_parts - 1] : NULL;
            if (last == NULL || last->lit != NULL) {
                last = &parts[n_parts++];
                seg->n_parts++;
                last->lit = NULL;
                last->len = 0;
            }
            last->len++;
            seg->n_chars++;
        }
    }
    /* Failure tables for the segments that are one run of literal bytes. */
    for (uint32_t k = 0; k < out->n_segs; k++) {
        cesql_like_seg *g = &segs[k];
        uint32_t m;
        if (g->n_parts != 1 || g->parts[0].lit == NULL) {
            continue;
        }
        g->lit = g->parts[0].lit;
        g->lit_len = m = g->parts[0].len;
        g->fail = eventc_arena_alloc(arena, m * sizeof(*g->fail));
        if (g->fail == NULL) {
            return false;
        }
        g->fail[0] = 0;
        for (uint32_t i = 1, j = 0; i < m; i++) {
            while (j > 0 && g->lit[i] != g->lit[j]) {
                j = g->fail[j - 1];
            }
            if (g->lit[i] == g->lit[j]) {
                j++;
            }
            g->fail[i] = j;
        }
    }
    return true;
}

/* Matches segment @p g at byte @p at of the subject. @return the end of the match, or
 * (size_t)-1. */
static size_t match_at(const cesql_like_seg *g, const char *s, size_t n, size_t at, size_t *steps)
{
    for (uint32_t k = 0; k < g->n_parts; k++) {
        const cesql_like_part *part = &g->parts[k];
        if (part->lit != NULL) {
            *steps += part->len;
            if (n - at < part->len || memcmp(s + at, part->lit, part->len) != 0) {
                return (size_t)-1;
            }
            at += part->len;
        } else {
            for (uint32_t c = 0; c < part->len; c++) {
                (*steps)++;
                if (at >= n) {
                    return (size_t)-1;
                }
                at += seq_len((unsigned char)s[at]);
                if (at > n) { /* only on invalid UTF-8 */
                    return (size_t)-1;
                }
            }
        }
    }
    return at;
}

/* Finds the leftmost occurrence of @p g at or after byte @p from. @return its end, or
 * (size_t)-1. */
static size_t find(const cesql_like_seg *g, const char *s, size_t n, size_t from, size_t *steps)
{
    if (g->lit != NULL) {
        uint32_t j = 0;
        for (size_t i = from; i < n; i++) {
            (*steps)++;
            while (j > 0 && s[i] != g->lit[j]) {
                (*steps)++;
                j = g->fail[j - 1];
            }
            if (s[i] == g->lit[j] && ++j == g->lit_len) {
                return i + 1;
            }
        }
        return (size_t)-1;
    }
    for (size_t at = from; at <= n;) {
        size_t end = match_at(g, s, n, at, steps);
        if (end != (size_t)-1) {
            return end;
        }
        if (at == n) {
            break;
        }
        at += seq_len((unsigned char)s[at]);
    }
    return (size_t)-1;
}

bool cesql_like_match(const cesql_like *p, const char *s, size_t n, size_t *steps)
{
    size_t local = 0, pos, start;
    const cesql_like_seg *last = &p->segs[p->n_segs - 1];
    if (steps == NULL) {
        steps = &local;
    }
    pos = match_at(&p->segs[0], s, n, 0, steps);
    if (pos == (size_t)-1) {
        return false;
    }
    if (p->n_segs == 1) {
        return pos == n;
    }
    for (uint32_t k = 1; k + 1 < p->n_segs; k++) {
        pos = find(&p->segs[k], s, n, pos, steps);
        if (pos == (size_t)-1) {
            return false;
        }
    }
    /* The last segment ends at the end: step back over its number of characters. */
    start = n;
    for (uint32_t c = 0; c < last->n_chars; c++) {
        (*steps)++;
        if (start <= pos) {
            return false;
        }
        do {
            start--;
        } while (start > pos && ((unsigned char)s[start] & 0xC0) == 0x80);
    }
    return match_at(last, s, n, start, steps) == n;
}
