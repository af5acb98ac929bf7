/* Shared by the files of the compat stage: the comparison context, the witness requests the
 * comparisons make, and the generators of values and strings that build witnesses.
 *
 * Every comparison runs once per direction with a writer model and a reader model (backward:
 * writer old, reader new; forward: the reverse) and looks for events the writer may write that
 * the reader refuses. What it finds is an issue from the reader's side ("the reader requires a
 * field the writer may leave out"); compat_rule() names it from the old-to-new side, which
 * depends on the direction (OPTIONAL_TO_REQUIRED backward is REQUIRED_TO_OPTIONAL forward). */
#ifndef EVENTC_GEN_COMPAT_INTERNAL_H
#define EVENTC_GEN_COMPAT_INTERNAL_H

#include "compat.h"
#include "base/util.h"

#include <stdint.h>

#define CX_MAX_DEPTH 24

/* The symbolic upcast of the writer's event fields through the reader's history: each writer
 * field's name after the steps that apply to the writer's version (NULL when dropped), the value
 * maps on the way, and the reader fields the steps give a default. */
typedef struct ov_field {
    const gen_field *wf;         /* the writer's field */
    const char *name;            /* its name for the reader, or NULL when dropped */
    const gen_upcast_map **maps; /* value maps applied to it, in order */
    size_t n_maps;
} ov_field;

typedef struct overlay {
    ov_field *fields;
    size_t n_fields;
    const char **defaulted; /* reader field names a step gives a default */
    size_t n_defaulted;
    size_t n_steps; /* steps that apply */
} overlay;

/* One step of a path from the event's root: a field (by its writer name) or the items of the
 * array reached so far. */
typedef struct seg {
    const char *name; /* NULL for `[]` */
} seg;

/* What a witness does at the end of its path. */
typedef enum wact {
    W_BASE, /* nothing: the writer's minimal event as it is */
    W_OMIT, /* leave the member out */
    W_SET   /* set the member to one of `values` */
} wact;

typedef struct wreq {
    seg path[CX_MAX_DEPTH];
    size_t depth;
    wact act;
    char *values[8]; /* candidate JSON values, tried in turn (owned) */
    size_t n_values;
    unsigned count; /* W_SET on `[]`: how many items the array holds (>= 1) */
    bool repeat;    /* W_SET on `[]`: every item the same value (a uniqueness witness) */
} wreq;

typedef struct cx {
    gen_model *old_m, *new_m;
    gen_model *w, *r; /* writer and reader of the current direction */
    unsigned dir;     /* GEN_COMPAT_BACKWARD or GEN_COMPAT_FORWARD */
    gen_compat_result *res;
    const gen_event *we, *re; /* the event pair being compared */
    overlay *ov;              /* for the event fields of we, or NULL */
    seg path[CX_MAX_DEPTH];   /* where the comparison is, from the event's root */
    size_t depth;
    char label[256];    /* the target prefix: `Event`, `Type` or `envelope` */
    size_t label_depth; /* where in `path` the label's container starts */
    /* The reader's event table, decoding buffer and the writer's, for verdicts. */
    const void *rtable, *wtable;
    size_t rn, wn, rsize, wsize;
} cx;

/* ---- findings (compat.c) ------------------------------------------------------------------- */

/* The rule an issue is, given the rules it is in each direction. */
gen_compat_rule_id compat_rule(const cx *c, gen_compat_rule_id backward,
                               gen_compat_rule_id forward);

/* ---- findings (compat_findings.c) --------------------------------------------------------------
 */

/* Records a break of the current direction: `wloc`/`rloc` are the writer's and reader's
 * positions, `msg` (owned) the message, `req` (its values are taken) the witness to build, or
 * NULL for none. Repeated (rule, target) pairs merge. */
void compat_report(cx *c, gen_compat_rule_id rule, const char *target, gen_loc wloc, gen_loc rloc,
                   char *msg, wreq *req);

/* "old" or "new": the catalog the writer or the reader is, in the current direction. */
const char *cx_writer_name(const cx *c);
const char *cx_reader_name(const cx *c);

/* The target of the member at the current path with `name` appended (NULL: the path itself);
 * in a static buffer. */
const char *cx_target(cx *c, const char *name);

/* A witness request at the current path (plus `name`, NULL for the path itself). */
void cx_req(const cx *c, wreq *req, const char *name, wact act);
void wreq_value(wreq *req, char *json);
void wreq_free(wreq *req);

/* ---- fields and values (compat_fields.c) ----------------------------------------------------- */

/* Compares the envelope, then the event fields of c->we and c->re (through c->ov). */
void compat_event_fields(cx *c);
void compat_envelope(cx *c);

/* The overlay of writer event `we` through reader event `re`'s history (NULL: none applies). */
overlay *compat_overlay(const cx *c, const gen_event *we, const gen_event *re);
void compat_overlay_free(overlay *ov);

/* A signature of a type's accepted values (names of object types left out), to compare shapes. */
void compat_type_sig(gen_str *s, const gen_typeref *t);

/* ---- lifecycles (compat_lifecycle.c) -------------------------------------------------------- */

void compat_lifecycles(cx *c);

/* ---- witnesses (compat_witness.c) -------------------------------------------------------------
 */

/* Builds the witness of `req` in the current direction and checks it: accepted by the writer's
 * decoder (strict), refused by the reader's. Returns the event (malloc'd) and sets *refusal, or
 * NULL with *why saying what failed. */
char *compat_witness(cx *c, const wreq *req, char **refusal, char **why);

/* A writer instance of event `we` (the base of every witness), with its top-level field `field`
 * set to the JSON value `value` when `field` is not NULL, accepted by the writer's decoder in
 * strict mode; or NULL. */
char *compat_event_instance(cx *c, const gen_event *we, const gen_event *re, const char *field,
                            const char *value);

/* The verdicts: 1 accepted, 0 refused (with *why, malloc'd, when asked). `strict`: only declared
 * members. */
int compat_accepts(gen_model *m, const char *json, bool strict, char **why);

/* A JSON value of type `t` satisfying also `both` (may be NULL) where it can, the `variant`-th of
 * such values; NULL when none was found. */
char *compat_value(const gen_typeref *t, const gen_typeref *both, unsigned variant);

/* String requests: lengths in code points, patterns to match and one not to match. */
typedef struct str_req {
    uint64_t lo, hi; /* hi UINT64_MAX: none */
    const char *must[2];
    size_t n_must;
    const char *must_not;
    const char *const *avoid; /* strings not to return */
    size_t n_avoid;
} str_req;

/* The `variant`-th shortest printable ASCII string meeting `q` (malloc'd), or NULL. */
char *compat_string(const str_req *q, unsigned variant);

/* `s` as a JSON string (malloc'd). */
char *compat_json_string(const char *s);

#endif
