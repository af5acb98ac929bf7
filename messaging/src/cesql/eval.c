/* CESQL evaluation: attributes, operators, and the public eval / matches entry points.
 *
 * Error semantics (specification sections 3.2, 3.3 and 4.1, as the TCK pins them down): the
 * node that raises an error still yields its own defined result (`NOT 10` is true with a cast
 * error: the cast gives false); a node that receives an operand carrying an error does not
 * compute, evaluates nothing further and yields the zero value of its type. A missing attribute
 * is such an operand (on its own it is false). So `missing / 0` is 0 with a missingAttribute
 * error and no math error, and `true AND (1 != 1 / 0)` is false with a math error. Only the
 * first error is reported. AND and OR evaluate their right operand only when the left one does
 * not decide the result. */
#include "cesql_internal.h"

#include <eventc/time.h>
#include <eventc/utf8.h>

#include <stdio.h>
#include <string.h>

static const char *const error_names[] = {
    "",       "parse", "math", "cast", "missingAttribute", "missingFunction", "functionEvaluation",
    "generic"};

const char *eventc_cesql_error_name(eventc_cesql_error_kind k)
{
    if ((unsigned)k >= sizeof(error_names) / sizeof(error_names[0])) {
        return "generic";
    }
    return error_names[k];
}

/* ---- attributes (section 3.2) ---- */

static const eventc_ce_ext *find_extension(const eventc_ce_event *ev, const char *name)
{
    for (size_t i = 0; i < ev->n_exts; i++) {
        if (strcmp(ev->exts[i].name, name) == 0) {
            return &ev->exts[i];
        }
    }
    return NULL;
}

static const char *core_string(const eventc_ce_event *ev, cesql_attr a)
{
    switch (a) {
    case CESQL_ATTR_SPECVERSION:
        return ev->specversion;
    case CESQL_ATTR_ID:
        return ev->id;
    case CESQL_ATTR_SOURCE:
        return ev->source;
    case CESQL_ATTR_TYPE:
        return ev->type;
    case CESQL_ATTR_DATACONTENTTYPE:
        return ev->datacontenttype;
    case CESQL_ATTR_DATASCHEMA:
        return ev->dataschema;
    case CESQL_ATTR_SUBJECT:
        return ev->subject;
    default:
        return NULL;
    }
}

static bool attribute_present(const eventc_ce_event *ev, const cesql_node *n)
{
    switch ((cesql_attr)n->attr) {
    case CESQL_ATTR_EXTENSION:
        return find_extension(ev, n->name) != NULL;
    case CESQL_ATTR_TIME:
        return ev->has_time;
    case CESQL_ATTR_DATA:
        return false;
    default:
        return core_string(ev, (cesql_attr)n->attr) != NULL;
    }
}

static bool set_string(eventc_cesql_value *out, const char *s, size_t n)
{
    cesql_zero(out, EVENTC_CESQL_STRING);
    out->str = s;
    out->len = n;
    return true;
}

static bool timestamp_value(cesql_eval *c, const cesql_node *n, eventc_timestamp ts,
                            eventc_cesql_value *out)
{
    char *buf = cesql_scratch(c, n->offset, EVENTC_TIMESTAMP_MAX);
    if (buf == NULL) {
        cesql_zero(out, EVENTC_CESQL_BOOLEAN);
        return false;
    }
    return set_string(out, buf, eventc_timestamp_format(ts, buf));
}

static bool attribute_value(cesql_eval *c, const cesql_node *n, eventc_cesql_value *out)
{
    const eventc_ce_event *ev = c->ev;
    const eventc_ce_ext *ext;
    const eventc_ce_value *v;
    const char *s;
    switch ((cesql_attr)n->attr) {
    case CESQL_ATTR_EXTENSION:
        break;
    case CESQL_ATTR_TIME:
        if (ev->has_time) {
            return timestamp_value(c, n, ev->time, out);
        }
        goto missing;
    case CESQL_ATTR_DATA:
        goto missing;
    default:
        s = core_string(ev, (cesql_attr)n->attr);
        if (s != NULL) {
            return set_string(out, s, strlen(s));
        }
        goto missing;
    }
    ext = find_extension(ev, n->name);
    if (ext == NULL) {
        goto missing;
    }
    v = &ext->value;
    switch (v->type) {
    case EVENTC_CE_INTEGER:
        cesql_zero(out, EVENTC_CESQL_INTEGER);
        out->integer = v->integer;
        return true;
    case EVENTC_CE_BOOLEAN:
        cesql_zero(out, EVENTC_CESQL_BOOLEAN);
        out->boolean = v->boolean;
        return true;
    case EVENTC_CE_TIMESTAMP:
        return timestamp_value(c, n, v->timestamp, out);
    case EVENTC_CE_BINARY: {
        size_t len = eventc_ce_base64_len(v->len);
        char *buf = cesql_scratch(c, n->offset, len + 1);
        if (buf == NULL) {
            cesql_zero(out, EVENTC_CESQL_BOOLEAN);
            return false;
        }
        eventc_ce_base64_encode(v->str, v->len, buf);
        return set_string(out, buf, len);
    }
    default: /* String, URI, URI-reference */
        return set_string(out, v->str ? v->str : "", v->str ? v->len : 0);
    }
missing:
    /* The type of a lone missing attribute cannot be known: Boolean (section 3.2). */
    cesql_zero(out, EVENTC_CESQL_BOOLEAN);
    return cesql_raise(c, EVENTC_CESQL_MISSING_ATTRIBUTE, n->offset,
                       "the event has no attribute '%s'", n->name);
}

/* ---- operators (section 3.4) ---- */

static eventc_cesql_type op_type(cesql_op op)
{
    return op <= CESQL_OP_GE ? EVENTC_CESQL_BOOLEAN : EVENTC_CESQL_INTEGER;
}

static const char *const op_text[] = {
    "AND", "OR", "XOR", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "/", "%"};

static bool values_equal(const eventc_cesql_value *a, const eventc_cesql_value *b)
{
    switch (a->type) {
    case EVENTC_CESQL_BOOLEAN:
        return a->boolean == b->boolean;
    case EVENTC_CESQL_INTEGER:
        return a->integer == b->integer;
    default:
        return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
    }
}

/* acc = acc op rhs for every operator but AND and OR (which short-circuit in eval_chain). */
static bool apply(cesql_eval *c, cesql_op op, uint32_t at, eventc_cesql_value *acc,
                  eventc_cesql_value *rhs)
{
    bool ok;
    int64_t x, y, r = 0;
    switch (op) {
    case CESQL_OP_XOR:
        ok = cesql_cast(c, acc, EVENTC_CESQL_BOOLEAN, false, at);
        ok = cesql_cast(c, rhs, EVENTC_CESQL_BOOLEAN, false, at) && ok;
        acc->boolean = acc->boolean != rhs->boolean;
        return ok;
    case CESQL_OP_EQ:
    case CESQL_OP_NE: {
        /* Ambiguous (section 3.7): the right operand's type decides, the left is cast to it. */
        bool eq;
        ok = cesql_cast(c, acc, rhs->type, false, at);
        eq = values_equal(acc, rhs);
        cesql_zero(acc, EVENTC_CESQL_BOOLEAN);
        acc->boolean = op == CESQL_OP_EQ ? eq : !eq;
        return ok;
    }
    default:
        break;
    }
    ok = cesql_cast(c, acc, EVENTC_CESQL_INTEGER, false, at);
    ok = cesql_cast(c, rhs, EVENTC_CESQL_INTEGER, false, at) && ok;
    x = acc->integer;
    y = rhs->integer;
    cesql_zero(acc, op_type(op));
    switch (op) {
    case CESQL_OP_LT:
        acc->boolean = x < y;
        return ok;
    case CESQL_OP_LE:
        acc->boolean = x <= y;
        return ok;
    case CESQL_OP_GT:
        acc->boolean = x > y;
        return ok;
    case CESQL_OP_GE:
        acc->boolean = x >= y;
        return ok;
    case CESQL_OP_ADD:
        r = x + y;
        break;
    case CESQL_OP_SUB:
        r = x - y;
        break;
    case CESQL_OP_MUL:
        r = x * y;
        break;
    case CESQL_OP_DIV:
    case CESQL_OP_MOD:
        if (y == 0) {
            return cesql_raise(c, EVENTC_CESQL_MATH, at, "division by zero (%lld %s 0)",
                               (long long)x, op_text[op]);
        }
        /* C99 division truncates toward zero and the remainder takes the sign of x, as the
         * specification wants; in 64 bits INT32_MIN / -1 cannot trap. */
        r = op == CESQL_OP_DIV ? x / y : x % y;
        break;
    default:
        break;
    }
    if (r < INT32_MIN || r > INT32_MAX) {
        return cesql_raise(c, EVENTC_CESQL_MATH, at, "integer overflow in %lld %s %lld",
                           (long long)x, op_text[op], (long long)y);
    }
    acc->integer = (int32_t)r;
    return ok;
}

static bool eval_chain(cesql_eval *c, const cesql_node *n, eventc_cesql_value *out)
{
    eventc_cesql_value acc, rhs;
    bool ok = cesql_eval_node(c, n->kids[0], &acc);
    for (uint32_t i = 1; i < n->n_kids; i++) {
        cesql_op op = (cesql_op)n->ops[i - 1];
        uint32_t at = n->op_offsets[i - 1];
        if (!ok) {
            cesql_zero(&acc, op_type(op));
            continue;
        }
        if (op == CESQL_OP_AND || op == CESQL_OP_OR) {
            bool left_ok = cesql_cast(c, &acc, EVENTC_CESQL_BOOLEAN, false, at);
            if (acc.boolean == (op == CESQL_OP_OR)) {
                ok = left_ok; /* decided: false AND ..., true OR ... */
                continue;
            }
            if (!cesql_eval_node(c, n->kids[i], &rhs)) {
                cesql_zero(&acc, EVENTC_CESQL_BOOLEAN);
                ok = false;
                continue;
            }
            ok = cesql_cast(c, &rhs, EVENTC_CESQL_BOOLEAN, false, at) && left_ok;
            acc.boolean = rhs.boolean;
            continue;
        }
        if (!cesql_eval_node(c, n->kids[i], &rhs)) {
            cesql_zero(&acc, op_type(op));
            ok = false;
            continue;
        }
        ok = apply(c, op, at, &acc, &rhs);
    }
    *out = acc;
    return ok;
}

static bool eval_in(cesql_eval *c, const cesql_node *n, eventc_cesql_value *out)
{
    eventc_cesql_value x, item;
    bool ok = true, found = false;
    if (!cesql_eval_node(c, n->kids[0], &x)) {
        cesql_zero(out, EVENTC_CESQL_BOOLEAN);
        return false;
    }
    /* Every item is evaluated (only AND and OR short-circuit) and cast to the type of x. */
    for (uint32_t i = 1; i < n->n_kids; i++) {
        if (!cesql_eval_node(c, n->kids[i], &item)) {
            cesql_zero(out, EVENTC_CESQL_BOOLEAN);
            return false;
        }
        ok = cesql_cast(c, &item, x.type, false, n->offset) && ok;
        found = found || values_equal(&x, &item);
    }
    cesql_zero(out, EVENTC_CESQL_BOOLEAN);
    out->boolean = found != (n->negated != 0);
    return ok;
}

static bool eval_call(cesql_eval *c, const cesql_node *n, eventc_cesql_value *out)
{
    const cesql_function *f = &cesql_functions[n->fn];
    eventc_cesql_value small[3], *args = small;
    size_t n_params = strlen(f->params);
    bool ok = true;
    if (n->n_kids > 3) {
        args = (eventc_cesql_value *)(void *)cesql_scratch(c, n->offset, n->n_kids * sizeof(*args));
        if (args == NULL) {
            cesql_zero(out, f->result);
            return false;
        }
    }
    for (uint32_t i = 0; i < n->n_kids; i++) {
        if (!cesql_eval_node(c, n->kids[i], &args[i])) {
            cesql_zero(out, f->result);
            return false;
        }
    }
    for (uint32_t i = 0; i < n->n_kids; i++) {
        char param = f->params[i < n_params ? i : n_params - 1];
        if (param != '*') {
            eventc_cesql_type t = param == 'S' ? EVENTC_CESQL_STRING : EVENTC_CESQL_INTEGER;
            ok = cesql_cast(c, &args[i], t, false, n->offset) && ok;
        }
    }
    return f->impl(c, n, args, n->n_kids, out) && ok;
}

bool cesql_eval_node(cesql_eval *c, const cesql_node *n, eventc_cesql_value *out)
{
    eventc_cesql_value v;
    bool ok;
    switch ((cesql_kind)n->kind) {
    case CESQL_LITERAL:
        *out = n->lit;
        return true;
    case CESQL_ATTRIBUTE:
        return attribute_value(c, n, out);
    case CESQL_EXISTS:
        cesql_zero(out, EVENTC_CESQL_BOOLEAN);
        out->boolean = attribute_present(c->ev, n);
        return true;
    case CESQL_NOT:
        if (!cesql_eval_node(c, n->kids[0], &v)) {
            cesql_zero(out, EVENTC_CESQL_BOOLEAN);
            return false;
        }
        ok = cesql_cast(c, &v, EVENTC_CESQL_BOOLEAN, false, n->offset);
        cesql_zero(out, EVENTC_CESQL_BOOLEAN);
        out->boolean = !v.boolean;
        return ok;
    case CESQL_NEGATE:
        cesql_zero(out, EVENTC_CESQL_INTEGER);
        if (!cesql_eval_node(c, n->kids[0], &v)) {
            return false;
        }
        ok = cesql_cast(c, &v, EVENTC_CESQL_INTEGER, false, n->offset);
        if (v.integer == INT32_MIN) {
            return cesql_raise(c, EVENTC_CESQL_MATH, n->offset, "integer overflow in -(%ld)",
                               (long)v.integer);
        }
        out->integer = -v.integer;
        return ok;
    case CESQL_CHAIN:
        return eval_chain(c, n, out);
    case CESQL_LIKE:
        cesql_zero(out, EVENTC_CESQL_BOOLEAN);
        if (!cesql_eval_node(c, n->kids[0], &v) ||
            !cesql_cast(c, &v, EVENTC_CESQL_STRING, false, n->offset)) {
            return false;
        }
        out->boolean = cesql_like_match(&n->like, v.str, v.len, NULL) != (n->negated != 0);
        return true;
    case CESQL_IN:
        return eval_in(c, n, out);
    case CESQL_CALL:
        return eval_call(c, n, out);
    }
    cesql_zero(out, EVENTC_CESQL_BOOLEAN);
    return cesql_raise(c, EVENTC_CESQL_GENERIC, n->offset, "unknown node");
}

/* ---- API ---- */

eventc_cesql_type eventc_cesql_result_type(const eventc_cesql *q)
{
    const cesql_node *n = q ? q->root : NULL;
    if (n == NULL) {
        return EVENTC_CESQL_BOOLEAN;
    }
    switch ((cesql_kind)n->kind) {
    case CESQL_LITERAL:
        return n->lit.type;
    case CESQL_NEGATE:
        return EVENTC_CESQL_INTEGER;
    case CESQL_CHAIN:
        return op_type((cesql_op)n->ops[n->n_kids - 2]);
    case CESQL_CALL:
        return cesql_functions[n->fn].result;
    default:
        return EVENTC_CESQL_BOOLEAN;
    }
}

static void evaluate(const eventc_cesql *q, cesql_eval *c)
{
    eventc_cesql_value *v = &c->res->value;
    cesql_eval_node(c, q->root, v);
    /* Results are NUL-terminated: copy a substring that is not. Every string a value can point
     * into is, so reading one byte past a value is safe. */
    if (v->type == EVENTC_CESQL_STRING && v->str[v->len] != '\0') {
        char *copy = cesql_scratch(c, q->root->offset, v->len + 1);
        if (copy == NULL) {
            cesql_zero(v, EVENTC_CESQL_STRING);
            return;
        }
        memcpy(copy, v->str, v->len);
        copy[v->len] = '\0';
        v->str = copy;
    }
}

eventc_status eventc_cesql_eval(const eventc_cesql *q, const eventc_ce_event *ev,
                                eventc_arena *scratch, eventc_cesql_result *out)
{
    cesql_eval c;
    if (out == NULL) {
        return EVENTC_E_INVALID_ARGUMENT;
    }
    cesql_zero(&out->value, EVENTC_CESQL_BOOLEAN);
    out->error = EVENTC_CESQL_NO_ERROR;
    out->error_offset = 0;
    out->error_message[0] = '\0';
    if (q == NULL || ev == NULL || scratch == NULL) {
        out->error = EVENTC_CESQL_GENERIC;
        snprintf(out->error_message, sizeof(out->error_message), "invalid argument");
        return EVENTC_E_INVALID_ARGUMENT;
    }
    memset(&c, 0, sizeof(c));
    c.ev = ev;
    c.scratch = scratch;
    c.scratch_left = EVENTC_CESQL_MAX_SCRATCH;
    c.messages = true;
    c.res = out;
    evaluate(q, &c);
    return c.nomem ? EVENTC_E_NOMEM : EVENTC_OK;
}

bool eventc_cesql_matches(const eventc_cesql *q, const eventc_ce_event *ev)
{
    eventc_arena scratch;
    eventc_cesql_result r;
    cesql_eval c;
    if (q == NULL || ev == NULL) {
        return false;
    }
    eventc_arena_init(&scratch, NULL);
    memset(&c, 0, sizeof(c));
    c.ev = ev;
    c.scratch = &scratch;
    c.scratch_left = EVENTC_CESQL_MAX_SCRATCH;
    c.res = &r;
    r.error = EVENTC_CESQL_NO_ERROR;
    cesql_eval_node(&c, q->root, &r.value);
    eventc_arena_free(&scratch);
    return r.error == EVENTC_CESQL_NO_ERROR && r.value.type == EVENTC_CESQL_BOOLEAN &&
           r.value.boolean;
}
