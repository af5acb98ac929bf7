/* The pattern engine: a recursive-descent parser for the supported ECMAScript subset builds a
 * small syntax tree, which is flattened into a Thompson NFA program and simulated breadth-first
 * (Pike VM without captures). Only match/no-match is needed, so the simulation keeps a set of
 * program counters per subject position and stops as soon as one reaches MATCH. The parser is in
 * regex_parse.c; this file compiles, matches and builds the ASCII automata. */
#include "regex_internal.h"
#include "eventc/utf8.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---------------------------------------------------------------------------------------- */
/* Program                                                                                    */

enum re_op {
    RE_OP_CHAR,  /* a = code point */
    RE_OP_ANY,   /* any code point but a line terminator */
    RE_OP_CLASS, /* ranges[a .. a + b) */
    RE_OP_BOL,
    RE_OP_EOL,
    RE_OP_JMP,   /* to a */
    RE_OP_SPLIT, /* to a and b */
    RE_OP_MATCH
};

typedef struct re_inst {
    uint32_t op;
    uint32_t a;
    uint32_t b;
} re_inst;

#define RE_NO_LINK UINT32_MAX

struct eventc_regex {
    eventc_allocator alloc;
    int has_alloc;
    /* Set when every match must start at offset 0 (the pattern begins with ^). */
    int anchored;
    uint32_t ninst;
    size_t block_size;
    const re_inst *prog;
    const re_range *ranges;
};

/* Emits node ni at pc and returns the pc after it. Sizes were computed by the parser, and
 * the emitted length always equals the node's size. */
static uint32_t re_emit(const re_parser *ps, int32_t ni, re_inst *prog, uint32_t pc)
{
    const re_node *n = &ps->nodes[ni];
    uint32_t i, link, at;
    int32_t c;

    switch (n->kind) {
    case RE_N_EMPTY:
        return pc;
    case RE_N_CHAR:
        prog[pc].op = RE_OP_CHAR;
        prog[pc].a = n->a;
        return pc + 1;
    case RE_N_ANY:
        prog[pc].op = RE_OP_ANY;
        return pc + 1;
    case RE_N_CLASS:
        prog[pc].op = RE_OP_CLASS;
        prog[pc].a = n->a;
        prog[pc].b = n->b;
        return pc + 1;
    case RE_N_BOL:
    case RE_N_EOL:
        prog[pc].op = n->kind == RE_N_BOL ? RE_OP_BOL : RE_OP_EOL;
        return pc + 1;
    case RE_N_CAT:
        for (c = n->child; c != RE_NONE; c = ps->nodes[c].next) {
            pc = re_emit(ps, c, prog, pc);
        }
        return pc;
    case RE_N_ALT:
        /* SPLIT next_alt; alt; JMP end; ... last alt. The JMPs are chained through `a` until
         * the end is known. */
        link = RE_NO_LINK;
        for (c = n->child; ps->nodes[c].next != RE_NONE; c = ps->nodes[c].next) {
            at = pc++;
            prog[at].op = RE_OP_SPLIT;
            prog[at].a = pc;
            pc = re_emit(ps, c, prog, pc);
            prog[pc].op = RE_OP_JMP;
            prog[pc].a = link;
            link = pc++;
            prog[at].b = pc;
        }
        pc = re_emit(ps, c, prog, pc);
        while (link != RE_NO_LINK) {
            uint32_t prev = prog[link].a;
            prog[link].a = pc;
            link = prev;
        }
        return pc;
    default: /* RE_N_REPEAT */
        if (n->b == RE_INF) {
            if (n->a == 0) {
                at = pc++;
                prog[at].op = RE_OP_SPLIT;
                prog[at].a = pc;
                pc = re_emit(ps, n->child, prog, pc);
                prog[pc].op = RE_OP_JMP;
                prog[pc].a = at;
                pc++;
                prog[at].b = pc;
                return pc;
            }
            for (i = 1; i < n->a; i++) {
                pc = re_emit(ps, n->child, prog, pc);
            }
            at = pc;
            pc = re_emit(ps, n->child, prog, pc);
            prog[pc].op = RE_OP_SPLIT;
            prog[pc].a = at;
            prog[pc].b = pc + 1;
            return pc + 1;
        }
        for (i = 0; i < n->a; i++) {
            pc = re_emit(ps, n->child, prog, pc);
        }
        /* Optional copies nest: each SPLIT either enters one more copy or leaves for the end,
         * chained through `b` until the end is known. */
        link = RE_NO_LINK;
        for (i = n->a; i < n->b; i++) {
            at = pc++;
            prog[at].op = RE_OP_SPLIT;
            prog[at].a = pc;
            prog[at].b = link;
            link = at;
            pc = re_emit(ps, n->child, prog, pc);
        }
        while (link != RE_NO_LINK) {
            uint32_t prev = prog[link].b;
            prog[link].b = pc;
            link = prev;
        }
        return pc;
    }
}

static int re_is_anchored(const re_parser *ps, int32_t root)
{
    const re_node *n = &ps->nodes[root];
    if (n->kind == RE_N_CAT) {
        n = &ps->nodes[n->child];
    }
    return n->kind == RE_N_BOL;
}

/* Emits the program for a parsed pattern into prog (root size + 1 instructions). */
static void re_build(const re_parser *ps, int32_t root, re_inst *prog)
{
    uint32_t end = re_emit(ps, root, prog, 0);
    prog[end].op = RE_OP_MATCH;
    prog[end].a = 0;
    prog[end].b = 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Matcher                                                                                    */

typedef struct re_vm {
    const re_inst *prog;
    const re_range *ranges;
    uint16_t *sparse;
    size_t len;
} re_vm;

typedef struct re_list {
    uint16_t *dense;
    uint32_t n;
} re_list;

/* Sparse-set membership; `sparse` is shared by both lists because only the list being built is
 * ever queried, and a stale index can only point at a slot that really holds pc. */
static void re_list_add(const re_vm *vm, re_list *l, uint32_t pc)
{
    uint32_t at = vm->sparse[pc];
    if (at < l->n && l->dense[at] == pc) {
        return;
    }
    vm->sparse[pc] = (uint16_t)l->n;
    l->dense[l->n++] = (uint16_t)pc;
}

/* Adds pc and everything reachable from it without consuming input at subject offset pos.
 * The list doubles as the work queue. Returns 1 when MATCH is reachable. */
static int re_closure(const re_vm *vm, re_list *l, uint32_t pc, size_t pos)
{
    uint32_t i = l->n;

    re_list_add(vm, l, pc);
    for (; i < l->n; i++) {
        const re_inst *in = &vm->prog[l->dense[i]];
        switch (in->op) {
        case RE_OP_JMP:
            re_list_add(vm, l, in->a);
            break;
        case RE_OP_SPLIT:
            re_list_add(vm, l, in->a);
            re_list_add(vm, l, in->b);
            break;
        case RE_OP_BOL:
            if (pos == 0) {
                re_list_add(vm, l, l->dense[i] + 1u);
            }
            break;
        case RE_OP_EOL:
            if (pos == vm->len) {
                re_list_add(vm, l, l->dense[i] + 1u);
            }
            break;
        case RE_OP_MATCH:
            return 1;
        default:
            break;
        }
    }
    return 0;
}

static int re_in_class(const re_range *r, uint32_t n, uint32_t cp)
{
    uint32_t lo = 0, hi = n;

    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (cp < r[mid].lo) {
            hi = mid;
        } else if (cp > r[mid].hi) {
            lo = mid + 1;
        } else {
            return 1;
        }
    }
    return 0;
}

static int re_consumes(const re_vm *vm, const re_inst *in, uint32_t cp)
{
    switch (in->op) {
    case RE_OP_CHAR:
        return cp == in->a;
    case RE_OP_ANY:
        return cp != 0x0A && cp != 0x0D && cp != 0x2028 && cp != 0x2029;
    case RE_OP_CLASS:
        /* An empty class ([]) may have no range table at all. */
        return in->b != 0 && re_in_class(vm->ranges + in->a, in->b, cp);
    default:
        return 0;
    }
}

/* Runs the program over the subject. scratch holds 3 * ninst uint16_t. */
static int re_run(const re_inst *prog, const re_range *ranges, uint32_t ninst, int anchored,
                  const char *subject, size_t len, uint16_t *scratch)
{
    re_vm vm;
    re_list cur, nxt, tmp;
    size_t pos = 0;
    uint32_t i;

    vm.prog = prog;
    vm.ranges = ranges;
    vm.sparse = scratch;
    vm.len = len;
    /* Not needed for correctness, but keeps memory checkers from flagging the reads of
     * never-written sparse slots. */
    memset(scratch, 0, ninst * sizeof(uint16_t));
    cur.dense = scratch + ninst;
    cur.n = 0;
    nxt.dense = scratch + 2 * (size_t)ninst;
    nxt.n = 0;
    if (re_closure(&vm, &cur, 0, 0)) {
        return 1;
    }
    while (pos < len) {
        const unsigned char *s = (const unsigned char *)subject + pos;
        uint32_t cp;
        size_t next;

        if (s[0] < 0x80) {
            cp = s[0];
            next = pos + 1;
        } else {
            int n = eventc_utf8_decode((const char *)s, len - pos, &cp);
            if (n <= 0) {
                return 0;
            }
            next = pos + (size_t)n;
        }
        nxt.n = 0;
        for (i = 0; i < cur.n; i++) {
            uint32_t pc = cur.dense[i];
            if (re_consumes(&vm, &prog[pc], cp) && re_closure(&vm, &nxt, pc + 1, next)) {
                return 1;
            }
        }
        if (!anchored) {
            /* Search semantics: a match may start at every position. */
            if (re_closure(&vm, &nxt, 0, next)) {
                return 1;
            }
        } else if (nxt.n == 0) {
            return 0;
        }
        tmp = cur;
        cur = nxt;
        nxt = tmp;
        pos = next;
    }
    return 0;
}

/* ---------------------------------------------------------------------------------------- */
/* Public API                                                                                 */

/* Stack space for parsing in eventc_regex_check and eventc_regex_compile. */
#define RE_PARSE_STACK 2048
/* Stack space for eventc_regex_search: parse tree, program and matcher scratch together. */
#define RE_SEARCH_STACK 6144

eventc_status eventc_regex_check(const char *pattern, size_t len, eventc_error *err)
{
    re_align stack[RE_PARSE_STACK / sizeof(re_align)];
    re_mem mem;
    re_parser ps;

    if (pattern == NULL && len > 0) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "pattern is NULL");
    }
    re_mem_init(&mem, stack, sizeof stack, NULL);
    regex_parse(&ps, pattern, len, &mem, err);
    re_mem_release(&mem);
    return ps.status;
}

eventc_status eventc_regex_compile(const char *pattern, size_t len, const eventc_allocator *alloc,
                                   eventc_regex **out, eventc_error *err)
{
    re_align stack[RE_PARSE_STACK / sizeof(re_align)];
    re_mem mem;
    re_parser ps;
    int32_t root;
    eventc_regex *re;
    size_t head, prog_bytes, range_bytes, total;
    uint32_t ninst;
    re_inst *prog;

    if (out == NULL) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "out is NULL");
    }
    *out = NULL;
    if (pattern == NULL && len > 0) {
        return eventc_error_set(err, EVENTC_E_INVALID_ARGUMENT, NULL, "pattern is NULL");
    }
    re_mem_init(&mem, stack, sizeof stack, alloc);
    root = regex_parse(&ps, pattern, len, &mem, err);
    if (root == RE_NONE) {
        re_mem_release(&mem);
        return ps.status;
    }
    ninst = ps.nodes[root].size + 1;
    head = (sizeof(eventc_regex) + sizeof(re_align) - 1) / sizeof(re_align) * sizeof(re_align);
    prog_bytes = ninst * sizeof(re_inst);
    range_bytes = ps.nranges * sizeof(re_range);
    total = head + prog_bytes + range_bytes;
    re = eventc_alloc(alloc, total);
    if (re == NULL) {
        re_mem_release(&mem);
        return eventc_error_set(err, EVENTC_E_NOMEM, NULL, "out of memory compiling a pattern");
    }
    memset(re, 0, sizeof *re);
    if (alloc != NULL) {
        re->alloc = *alloc;
        re->has_alloc = 1;
    }
    re->block_size = total;
    re->ninst = ninst;
    re->anchored = re_is_anchored(&ps, root);
    prog = (re_inst *)(void *)((unsigned char *)re + head);
    re_build(&ps, root, prog);
    if (range_bytes > 0) {
        memcpy((unsigned char *)re + head + prog_bytes, ps.ranges, range_bytes);
    }
    re->prog = prog;
    re->ranges = (const re_range *)(const void *)((unsigned char *)re + head + prog_bytes);
    re_mem_release(&mem);
    *out = re;
    return EVENTC_OK;
}

void eventc_regex_free(eventc_regex *re)
{
    if (re == NULL) {
        return;
    }
    eventc_free(re->has_alloc ? &re->alloc : NULL, re, re->block_size);
}

int eventc_regex_test(const eventc_regex *re, const char *subject, size_t len)
{
    uint16_t stack[3 * EVENTC_REGEX_STACK_PROGRAM];
    uint16_t *scratch = stack;
    const eventc_allocator *alloc;
    size_t bytes;
    int result;

    if (re == NULL || (subject == NULL && len > 0)) {
        return -(int)EVENTC_E_INVALID_ARGUMENT;
    }
    if (re->ninst <= EVENTC_REGEX_STACK_PROGRAM) {
        return re_run(re->prog, re->ranges, re->ninst, re->anchored, subject, len, stack);
    }
    alloc = re->has_alloc ? &re->alloc : NULL;
    bytes = 3 * (size_t)re->ninst * sizeof(uint16_t);
    scratch = eventc_alloc(alloc, bytes);
    if (scratch == NULL) {
        return -(int)EVENTC_E_NOMEM;
    }
    result = re_run(re->prog, re->ranges, re->ninst, re->anchored, subject, len, scratch);
    eventc_free(alloc, scratch, bytes);
    return result;
}

int eventc_regex_search(const char *pattern, size_t plen, const char *subject, size_t slen)
{
    re_align stack[RE_SEARCH_STACK / sizeof(re_align)];
    re_mem mem;
    re_parser ps;
    int32_t root;
    uint32_t ninst;
    re_inst *prog;
    uint16_t *scratch;
    int result;

    if ((pattern == NULL && plen > 0) || (subject == NULL && slen > 0)) {
        return -(int)EVENTC_E_INVALID_ARGUMENT;
    }
    re_mem_init(&mem, stack, sizeof stack, NULL);
    root = regex_parse(&ps, pattern, plen, &mem, NULL);
    if (root == RE_NONE) {
        re_mem_release(&mem);
        return -(int)ps.status;
    }
    ninst = ps.nodes[root].size + 1;
    prog = re_mem_alloc(&mem, ninst * sizeof(re_inst));
    scratch = re_mem_alloc(&mem, 3 * (size_t)ninst * sizeof(uint16_t));
    if (prog == NULL || scratch == NULL) {
        re_mem_release(&mem);
        return -(int)EVENTC_E_NOMEM;
    }
    re_build(&ps, root, prog);
    result = re_run(prog, ps.ranges, ninst, re_is_anchored(&ps, root), subject, slen, scratch);
    re_mem_release(&mem);
    return result;
}

/* ---------------------------------------------------------------------------------------- */
/* DFA over ASCII                                                                             */

/* Builds a deterministic automaton for the pattern's search semantics over ASCII subjects, by
 * subset construction on the compiled program. A state is a set of consuming instructions (plus
 * pending end-of-input assertions), so BOL is resolved at the start and EOL is resolved by the
 * per-state "accepts at end" flag. Non-ASCII subjects are left to the program (the caller falls
 * back), which keeps the tables small and the semantics exact. */

#define RE_DFA_MAX_INST 256

typedef struct re_dset {
    uint32_t n;
    uint16_t pcs[RE_DFA_MAX_INST];
    int matched;
} re_dset;

/* Closure of pc into set s at a position that is the start (bol) or not; EOL never passes here
 * (it is only resolved at the end). */
static void re_dfa_close(const re_inst *prog, re_dset *s, unsigned char *seen, uint32_t pc, int bol)
{
    uint32_t stack[RE_DFA_MAX_INST * 2];
    uint32_t sp = 0;
    stack[sp++] = pc;
    while (sp > 0) {
        uint32_t p = stack[--sp];
        if (seen[p])
            continue;
        seen[p] = 1;
        const re_inst *in = &prog[p];
        switch (in->op) {
        case RE_OP_JMP:
            stack[sp++] = in->a;
            break;
        case RE_OP_SPLIT:
            stack[sp++] = in->b;
            stack[sp++] = in->a;
            break;
        case RE_OP_BOL:
            if (bol)
                stack[sp++] = p + 1;
            break;
        case RE_OP_MATCH:
            s->matched = 1;
            break;
        default: /* consuming instructions and EOL stay in the set */
            s->pcs[s->n++] = (uint16_t)p;
            break;
        }
    }
}

static int re_dset_cmp(const void *x, const void *y)
{
    return (int)*(const uint16_t *)x - (int)*(const uint16_t *)y;
}

/* Whether the set reaches MATCH when the end of input has come (EOL now passes; BOL too when
 * the end is also the start, i.e. for an empty subject). */
static int re_dfa_accepts_at_end(const re_inst *prog, const re_dset *s, uint32_t ninst, int bol)
{
    unsigned char seen[RE_DFA_MAX_INST];
    uint32_t stack[RE_DFA_MAX_INST * 2];
    uint32_t sp = 0;
    memset(seen, 0, ninst);
    for (uint32_t i = 0; i < s->n; i++)
        if (prog[s->pcs[i]].op == RE_OP_EOL)
            stack[sp++] = s->pcs[i] + 1u;
    while (sp > 0) {
        uint32_t p = stack[--sp];
        if (seen[p])
            continue;
        seen[p] = 1;
        const re_inst *in = &prog[p];
        if (in->op == RE_OP_MATCH)
            return 1;
        if (in->op == RE_OP_JMP)
            stack[sp++] = in->a;
        else if (in->op == RE_OP_SPLIT)
            stack[sp++] = in->a, stack[sp++] = in->b;
        else if (in->op == RE_OP_EOL || (in->op == RE_OP_BOL && bol))
            stack[sp++] = p + 1;
    }
    return 0;
}

eventc_status eventc_regex_dfa_build(const char *pattern, size_t len, eventc_regex_dfa_storage *out)
{
    memset(out, 0, sizeof(*out));
    eventc_regex *re = NULL;
    eventc_status st = eventc_regex_compile(pattern, len, NULL, &re, NULL);
    if (st != EVENTC_OK)
        return st;
    uint32_t ninst = re->ninst;
    if (ninst > RE_DFA_MAX_INST) {
        eventc_regex_free(re);
        return EVENTC_E_UNSUPPORTED;
    }
    const re_inst *prog = re->prog;
    re_vm vm = {prog, re->ranges, NULL, 0};

    /* Byte classes: ASCII bytes that every consuming instruction treats alike. */
    uint64_t sig[128][RE_DFA_MAX_INST / 64];
    memset(sig, 0, sizeof(sig));
    for (uint32_t c = 0; c < 128; c++)
        for (uint32_t p = 0; p < ninst; p++)
            if (re_consumes(&vm, &prog[p], c))
                sig[c][p / 64] |= (uint64_t)1 << (p % 64);
    unsigned nclasses = 0;
    unsigned char rep[128];
    for (uint32_t c = 0; c < 128; c++) {
        unsigned k;
        for (k = 0; k < nclasses; k++)
            if (memcmp(sig[rep[k]], sig[c], sizeof(sig[c])) == 0)
                break;
        if (k == nclasses)
            rep[nclasses++] = (unsigned char)c;
        out->classes[c] = (unsigned char)k;
    }
    if (nclasses > EVENTC_REGEX_DFA_MAX_CLASSES) {
        eventc_regex_free(re);
        memset(out, 0, sizeof(*out));
        return EVENTC_E_UNSUPPORTED;
    }
    unsigned char next_raw[EVENTC_REGEX_DFA_MAX_STATES * EVENTC_REGEX_DFA_MAX_CLASSES];

    /* Subset construction. State 0 is the start (BOL holds); every later position adds the
     * restart set (BOL fails) unless the pattern is anchored. */
    re_dset *sets = malloc(EVENTC_REGEX_DFA_MAX_STATES * sizeof(*sets));
    if (!sets) {
        eventc_regex_free(re);
        return EVENTC_E_NOMEM;
    }
    unsigned char seen[RE_DFA_MAX_INST];
    uint32_t nstates = 1;
    memset(&sets[0], 0, sizeof(sets[0]));
    memset(seen, 0, ninst);
    re_dfa_close(prog, &sets[0], seen, 0, 1);
    qsort(sets[0].pcs, sets[0].n, sizeof(uint16_t), re_dset_cmp);
    st = EVENTC_OK;
    for (uint32_t s = 0; s < nstates && st == EVENTC_OK; s++) {
        const re_dset *cur = &sets[s];
        out->flags[s] = (unsigned char)((cur->matched ? EVENTC_REGEX_DFA_MATCHED : 0) |
                                        (re_dfa_accepts_at_end(prog, cur, ninst, 0)
                                             ? EVENTC_REGEX_DFA_ACCEPT_AT_END
                                             : 0));
        if (s == 0 && re_dfa_accepts_at_end(prog, cur, ninst, 1))
            out->flags[s] |= EVENTC_REGEX_DFA_ACCEPT_EMPTY;
        for (unsigned k = 0; k < nclasses; k++) {
            re_dset next;
            next.n = 0;
            next.matched = 0;
            memset(seen, 0, ninst);
            if (cur->matched) {
                next.matched = 1; /* a match found stays found */
            } else {
                for (uint32_t i = 0; i < cur->n; i++) {
                    uint32_t pc = cur->pcs[i];
                    if (re_consumes(&vm, &prog[pc], rep[k]))
                        re_dfa_close(prog, &next, seen, pc + 1, 0);
                }
                if (!re->anchored)
                    re_dfa_close(prog, &next, seen, 0, 0);
                qsort(next.pcs, next.n, sizeof(uint16_t), re_dset_cmp);
            }
            uint32_t t;
            for (t = 0; t < nstates; t++)
                if (sets[t].matched == next.matched && sets[t].n == next.n &&
                    memcmp(sets[t].pcs, next.pcs, next.n * sizeof(uint16_t)) == 0)
                    break;
            if (t == nstates) {
                if (nstates == EVENTC_REGEX_DFA_MAX_STATES) {
                    st = EVENTC_E_UNSUPPORTED;
                    break;
                }
                sets[nstates++] = next;
            }
            next_raw[s * EVENTC_REGEX_DFA_MAX_CLASSES + k] = (unsigned char)t;
        }
    }
    /* States that can neither match now, later, nor at the end are dead: stop early there. */
    for (uint32_t s = 0; s < nstates && st == EVENTC_OK; s++)
        if (sets[s].n == 0 && !sets[s].matched && re->anchored)
            out->flags[s] |= EVENTC_REGEX_DFA_DEAD;
    free(sets);
    eventc_regex_free(re);
    if (st != EVENTC_OK) {
        memset(out, 0, sizeof(*out));
        return st;
    }
    /* Pack the rows to nclasses columns. */
    for (uint32_t s = 0; s < nstates; s++)
        memcpy(out->next + s * nclasses, next_raw + s * EVENTC_REGEX_DFA_MAX_CLASSES, nclasses);
    out->dfa.nstates = nstates;
    out->dfa.nclasses = nclasses;
    out->dfa.classes = out->classes;
    out->dfa.next = out->next;
    out->dfa.flags = out->flags;
    return EVENTC_OK;
}

int eventc_regex_dfa_test(const eventc_regex_dfa *dfa, const char *subject, size_t len)
{
    const unsigned char *s = (const unsigned char *)subject;
    const unsigned char *classes = dfa->classes, *next = dfa->next;
    size_t nclasses = dfa->nclasses, state = 0;
    if (len == 0)
        return (dfa->flags[0] & (EVENTC_REGEX_DFA_MATCHED | EVENTC_REGEX_DFA_ACCEPT_EMPTY)) != 0;
    /* Matched and dead states are absorbing, so the flags are only read at the end (or when a
     * non-ASCII byte stops the walk). The ASCII prefix is found first, 8 bytes at a time, so that
     * the walk over it tests nothing but the table. */
    size_t ascii = 0;
    for (uint64_t w; len - ascii >= 8; ascii += 8) {
        memcpy(&w, s + ascii, 8);
        if (w & 0x8080808080808080u)
            break;
    }
    while (ascii < len && s[ascii] < 0x80)
        ascii++;
    size_t i = 0;
    for (; i + 2 <= ascii; i += 2) {
        state = next[state * nclasses + classes[s[i]]];
        state = next[state * nclasses + classes[s[i + 1]]];
    }
    if (i < ascii)
        state = next[state * nclasses + classes[s[i]]];
    if (ascii < len) {
        unsigned char flags = dfa->flags[state];
        if (flags & EVENTC_REGEX_DFA_MATCHED)
            return 1;
        if (flags & EVENTC_REGEX_DFA_DEAD)
            return 0;
        return -1;
    }
    return (dfa->flags[state] & (EVENTC_REGEX_DFA_MATCHED | EVENTC_REGEX_DFA_ACCEPT_AT_END)) != 0;
}
