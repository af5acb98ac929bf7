/**
 * @file regex.h
 * @brief The `pattern:` engine: a documented subset of ECMAScript regular expressions (as
 *        `new RegExp(pattern, "u").test(subject)` evaluates them), matched in linear time.
 *
 * The same subset is accepted by the generator's checker and enforced by generated decoders,
 * so a catalog pattern means the same thing in C and in a JSON Schema validator. Everything
 * outside the subset (backreferences, lookaround, named groups, `\b`, `\p{...}`, ...) is
 * refused at compile time with EVENTC_E_PATTERN and the byte offset of the offending
 * construct. docs/patterns.md lists the subset.
 *
 * Matching is a Thompson-style NFA simulation: time is O(subject length x program size) for
 * every input, with no backtracking. Programs are limited to EVENTC_REGEX_MAX_PROGRAM
 * instructions and patterns to EVENTC_REGEX_MAX_PATTERN bytes.
 *
 * Subjects and patterns are UTF-8 and are matched by code point (so `^.$` matches one emoji).
 * No function keeps global state; a compiled regex is immutable and may be shared by threads.
 */
#ifndef EVENTC_REGEX_H
#define EVENTC_REGEX_H

#include "eventc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Longest accepted pattern, in bytes. */
#define EVENTC_REGEX_MAX_PATTERN 4096
/** Largest compiled program, in instructions (`x{n}` costs n copies of x). */
#define EVENTC_REGEX_MAX_PROGRAM 10000
/** Largest count accepted in `{n}`, `{n,}` and `{n,m}`. */
#define EVENTC_REGEX_MAX_REPEAT 1000
/** Deepest accepted nesting of groups. */
#define EVENTC_REGEX_MAX_DEPTH 100
/**
 * Programs up to this many instructions are matched with scratch space on the stack
 * (6 bytes per instruction); larger ones allocate it per call (see eventc_regex_test).
 */
#define EVENTC_REGEX_STACK_PROGRAM 640

/**
 * Checks that @p pattern is in the supported subset, without keeping anything.
 *
 * @param pattern UTF-8 text of @p len bytes (not NUL-terminated; may be NULL when @p len is 0).
 *        The empty pattern is valid and matches every subject.
 * @param err may be NULL. On failure it receives the status, the byte offset of the offending
 *        construct in err->offset, and a message saying what is wrong and where.
 * @return EVENTC_OK; EVENTC_E_PATTERN for a pattern outside the subset (or too long or too
 *         complex); EVENTC_E_NOMEM; EVENTC_E_INVALID_ARGUMENT for a NULL pattern with len > 0.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_regex_check(const char *pattern, size_t len,
                                                             eventc_error *err);

/** A compiled pattern. Opaque; immutable after eventc_regex_compile. */
typedef struct eventc_regex eventc_regex;

/**
 * Compiles @p pattern for repeated matching.
 *
 * @param pattern as for eventc_regex_check; borrowed, not referenced after the call.
 * @param alloc memory hooks (NULL: malloc/free). The struct is copied; its @c ctx must stay
 *        valid until eventc_regex_free. The compiled regex is one block from @p alloc;
 *        eventc_regex_test may also allocate scratch space from it (programs over
 *        EVENTC_REGEX_STACK_PROGRAM instructions only).
 * @param out receives the regex, owned by the caller (release with eventc_regex_free); set to
 *        NULL on failure, in which case nothing stays allocated.
 * @param err may be NULL; filled on failure as for eventc_regex_check.
 * @return EVENTC_OK, EVENTC_E_PATTERN, EVENTC_E_NOMEM, or EVENTC_E_INVALID_ARGUMENT (NULL
 *         @p out, or NULL pattern with len > 0).
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_regex_compile(const char *pattern, size_t len,
                                                               const eventc_allocator *alloc,
                                                               eventc_regex **out,
                                                               eventc_error *err);

/** Releases @p re and everything it owns. NULL is accepted and ignored. */
EVENTC_API void eventc_regex_free(eventc_regex *re);

/**
 * RegExp.prototype.test semantics with the `u` flag: searches @p subject for a match anywhere
 * (the pattern is not implicitly anchored; use `^...$` for a whole-string match).
 *
 * Thread-safe: @p re is only read. Scratch space lives on the stack for programs of at most
 * EVENTC_REGEX_STACK_PROGRAM instructions (all typical patterns); larger programs allocate
 * 6 bytes per instruction from the regex's allocator for the duration of the call.
 *
 * @param subject UTF-8 text of @p len bytes (may be NULL when @p len is 0), expected to be
 *        valid: the runtime's decoders validate strings first. On an invalid sequence the
 *        search stops there and reports no match unless a match ending before it was found.
 * @return 1 if the pattern matches, 0 if not; -EVENTC_E_NOMEM when scratch space for a large
 *         program cannot be allocated; -EVENTC_E_INVALID_ARGUMENT for a NULL @p re or a NULL
 *         @p subject with len > 0.
 */
EVENTC_API int eventc_regex_test(const eventc_regex *re, const char *subject, size_t len);

/**
 * One-shot compile and test, as generated decoders use it: the pattern is compiled into a
 * fixed scratch buffer on the stack (a few KiB; patterns that need more spill to malloc),
 * tested against @p subject with eventc_regex_test semantics, and released. Nothing outlives
 * the call. Thread-safe.
 *
 * @return 1 match, 0 no match, or a negative eventc_status: -EVENTC_E_PATTERN for a pattern
 *         outside the subset, -EVENTC_E_NOMEM, -EVENTC_E_INVALID_ARGUMENT for NULL text with a
 *         non-zero length.
 */
EVENTC_API int eventc_regex_search(const char *pattern, size_t plen, const char *subject,
                                   size_t slen);

/** Limits of eventc_regex_dfa: patterns beyond them are matched by the program instead. */
#define EVENTC_REGEX_DFA_MAX_STATES 64
#define EVENTC_REGEX_DFA_MAX_CLASSES 32

/** eventc_regex_dfa.flags bits. */
#define EVENTC_REGEX_DFA_MATCHED 1       /**< a match has been found: the answer is 1 */
#define EVENTC_REGEX_DFA_ACCEPT_AT_END 2 /**< a match ends here if the subject ends here */
#define EVENTC_REGEX_DFA_DEAD 4          /**< no match can follow: the answer is 0 */
#define EVENTC_REGEX_DFA_ACCEPT_EMPTY 8  /**< (start state) the empty subject matches */

/**
 * A pattern compiled to a deterministic automaton over ASCII subjects: plain data, so the
 * generator can emit it as static tables and decoders match with one table lookup per byte.
 * Subjects holding non-ASCII bytes are left to eventc_regex_search (the test returns -1).
 */
typedef struct eventc_regex_dfa {
    unsigned nstates;
    unsigned nclasses;
    const unsigned char *classes; /**< [128]: byte -> class */
    const unsigned char *next;    /**< [nstates * nclasses]: state * nclasses + class -> state */
    const unsigned char *flags;   /**< [nstates]: EVENTC_REGEX_DFA_* */
} eventc_regex_dfa;

/** Room for a DFA built at run time; `dfa` points into the arrays. */
typedef struct eventc_regex_dfa_storage {
    eventc_regex_dfa dfa;
    unsigned char classes[128];
    unsigned char next[EVENTC_REGEX_DFA_MAX_STATES * EVENTC_REGEX_DFA_MAX_CLASSES];
    unsigned char flags[EVENTC_REGEX_DFA_MAX_STATES];
} eventc_regex_dfa_storage;

/**
 * Builds the automaton of @p pattern (search semantics, like eventc_regex_test).
 * @return EVENTC_OK; EVENTC_E_PATTERN for a pattern outside the subset; EVENTC_E_UNSUPPORTED
 *         when the automaton would exceed the limits above (use the program); EVENTC_E_NOMEM.
 */
EVENTC_API EVENTC_NODISCARD eventc_status eventc_regex_dfa_build(const char *pattern, size_t len,
                                                                 eventc_regex_dfa_storage *out);

/** @return 1 match, 0 no match, -1 when @p subject holds a non-ASCII byte (undecided). */
EVENTC_API int eventc_regex_dfa_test(const eventc_regex_dfa *dfa, const char *subject, size_t len);

#ifdef __cplusplus
}
#endif

#endif
