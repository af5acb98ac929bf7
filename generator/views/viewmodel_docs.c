/* The docs view model: the catalog as Markdown pieces. Every piece of catalog text lands in one of
 * three places, each with its own escaping: table cells (gen_md_cell), code spans (gen_md_code) and
 * free paragraphs, where the catalog's Markdown is kept as written. Names (events, aggregates,
 * states, fields) match strict patterns, so they need no escaping; Mermaid gets names only. */
#include "viewmodel_docs.h"
#include "json_build.h"
#include "names/file_names.h"
#include "names/names.h"
#include "base/util.h"
#include "base/lazy_list.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- Markdown helpers -------------------------------------------------------------------------
 */

char *gen_md_cell(const char *s)
{
    gen_str out;
    gen_str_init(&out);
    while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
        s++;
    for (const char *p = s; *p; p++) {
        if (*p == '|')
            gen_str_puts(&out, "\\|");
        else if (*p == '\r' && p[1] == '\n')
            continue;
        else if (*p == '\n' || *p == '\r')
            gen_str_puts(&out, "<br>");
        else if (*p == '\t')
            gen_str_putc(&out, ' ');
        else
            gen_str_putc(&out, *p);
    }
    /* Trailing blanks and line breaks. */
    for (;;) {
        if (out.len >= 4 && strcmp(out.data + out.len - 4, "<br>") == 0)
            out.len -= 4;
        else if (out.len > 0 && out.data[out.len - 1] == ' ')
            out.len--;
        else
            break;
        out.data[out.len] = '\0';
    }
    return gen_str_detach(&out);
}

static size_t longest_backtick_run(const char *s)
{
    size_t best = 0, run = 0;
    for (; *s; s++) {
        run = *s == '`' ? run + 1 : 0;
        if (run > best)
            best = run;
    }
    return best;
}

char *gen_md_code(const char *s)
{
    size_t n = longest_backtick_run(s) + 1;
    size_t len = strlen(s);
    bool pad = len > 0 && (s[0] == '`' || s[len - 1] == '`');
    gen_str out;
    gen_str_init(&out);
    for (size_t i = 0; i < n; i++)
        gen_str_putc(&out, '`');
    if (pad)
        gen_str_putc(&out, ' ');
    for (const char *p = s; *p; p++)
        gen_str_putc(&out, *p == '\n' || *p == '\r' ? ' ' : *p);
    if (pad)
        gen_str_putc(&out, ' ');
    for (size_t i = 0; i < n; i++)
        gen_str_putc(&out, '`');
    return gen_str_detach(&out);
}

char *gen_md_code_block(const char *text, const char *info)
{
    size_t n = longest_backtick_run(text) + 1;
    if (n < 3)
        n = 3;
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
        len--;
    gen_str out;
    gen_str_init(&out);
    for (size_t i = 0; i < n; i++)
        gen_str_putc(&out, '`');
    gen_str_printf(&out, "%s\n", info);
    gen_str_append(&out, text, len);
    gen_str_putc(&out, '\n');
    for (size_t i = 0; i < n; i++)
        gen_str_putc(&out, '`');
    gen_str_putc(&out, '\n');
    return gen_str_detach(&out);
}

char *gen_md_anchor(const char *heading)
{
    char *a = gen_xstrdup(heading);
    for (char *p = a; *p; p++)
        if (*p >= 'A' && *p <= 'Z')
            *p = (char)(*p - 'A' + 'a');
    return a;
}

/* A code span fit for a table cell: GitHub splits cells at `|` even inside code spans. */
static char *md_code_cell(const char *s)
{
    char *code = gen_md_code(s);
    char *cell = gen_md_cell(code);
    free(code);
    return cell;
}

/* Catalog text for a paragraph of its own: kept as written, without trailing blank lines. */
static char *md_block(const char *s)
{
    size_t n = strlen(s);
    while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == ' ' || s[n - 1] == '\t'))
        n--;
    return gen_xstrndup(s, n);
}

/* ---- JSON helpers -----------------------------------------------------------------------------
 */

/* Catalog text as a paragraph (`key`) and as a table cell (`key_cell`); null when absent. */
static void jtext(json_object *o, const char *key, const char *text)
{
    char k[96];
    jown(o, key, text ? md_block(text) : NULL);
    snprintf(k, sizeof k, "%s_cell", key);
    jown(o, k, text ? gen_md_cell(text) : NULL);
}

/* A list of Markdown items; continuation lines are indented to stay inside their item. */
static json_object *text_items(const gen_text_list *l)
{
    json_object *a = jarr();
    for (size_t i = 0; i < l->len; i++) {
        char *block = md_block(l->items[i]);
        gen_str s;
        gen_str_init(&s);
        for (const char *p = block; *p; p++) {
            gen_str_putc(&s, *p);
            if (*p == '\n' && p[1] != '\n' && p[1] != '\0')
                gen_str_puts(&s, "  ");
        }
        free(block);
        jpush_own(a, gen_str_detach(&s));
    }
    return a;
}

/* ---- fields -----------------------------------------------------------------------------------
 */

typedef struct docs {
    const gen_model *m;
    const gen_vm_options *opt;
    gen_diags *diags;
    bool failed;
} docs;

/* The shortest spelling of `v` that reads back exactly. */
static char *number_text(double v)
{
    char buf[64];
    for (int prec = 1; prec <= 17; prec++) {
        snprintf(buf, sizeof buf, "%.*g", prec, v);
        if (strtod(buf, NULL) == v)
            break;
    }
    return gen_xstrdup(buf);
}

/* `[Name](base#name)`: a link to a named type's section of the index. */
static void type_link(gen_str *out, const char *name, const char *link_base)
{
    char *anchor = gen_md_anchor(name);
    gen_str_printf(out, "[%s](%s#%s)", name, link_base, anchor);
    free(anchor);
}

static void type_text(gen_str *out, const gen_typeref *t, const char *link_base)
{
    switch (t->kind) {
    case GEN_T_ARRAY:
        gen_str_puts(out, "array of ");
        if (t->items)
            type_text(out, t->items, link_base);
        break;
    case GEN_T_ENUM:
    case GEN_T_OBJECT:
        type_link(out, t->named ? t->named->name : t->name, link_base);
        break;
    default:
        gen_str_puts(out, gen_kind_name(t->kind));
    }
}

/* "1 to 64", "at least 1", "at most 64"; `unit` follows the numbers ("items"). */
static void bounds_text(gen_str *out, const char *what, bool has_min, const char *min, bool has_max,
                        const char *max, const char *unit)
{
    if (!has_min && !has_max)
        return;
    if (out->len)
        gen_str_puts(out, "; ");
    if (what)
        gen_str_printf(out, "%s ", what);
    if (has_min && has_max && strcmp(min, max) == 0)
        gen_str_printf(out, "exactly %s", min);
    else if (has_min && has_max)
        gen_str_printf(out, "%s to %s", min, max);
    else if (has_min)
        gen_str_printf(out, "at least %s", min);
    else
        gen_str_printf(out, "at most %s", max);
    if (unit)
        gen_str_printf(out, " %s", unit);
}

static void phrase(gen_str *out, const char *text)
{
    if (out->len)
        gen_str_puts(out, "; ");
    gen_str_puts(out, text);
}

/* The constraints of a value in words, `; `-separated, ready for a table cell. */
static void constraint_text(gen_str *out, const gen_typeref *t)
{
    char a[64], b[64];
    snprintf(a, sizeof a, "%" PRIu64, t->min_length);
    snprintf(b, sizeof b, "%" PRIu64, t->max_length);
    bounds_text(out, "length", t->has_min_length, a, t->has_max_length, b, NULL);
    if (t->pattern) {
        char *code = md_code_cell(t->pattern);
        char *p = gen_format("matches %s", code);
        phrase(out, p);
        free(p);
        free(code);
    }
    if (t->kind == GEN_T_INTEGER) {
        snprintf(a, sizeof a, "%" PRId64, t->imin);
        snprintf(b, sizeof b, "%" PRId64, t->imax);
        bounds_text(out, NULL, t->has_minimum, a, t->has_maximum, b, NULL);
    } else if (t->kind == GEN_T_NUMBER) {
        char *x = number_text(t->nmin), *y = number_text(t->nmax);
        bounds_text(out, NULL, t->has_minimum, x, t->has_maximum, y, NULL);
        free(x);
        free(y);
        if (t->has_exclusive_minimum) {
            x = number_text(t->nexmin);
            char *p = gen_format("greater than %s", x);
            phrase(out, p);
            free(p);
            free(x);
        }
        if (t->has_exclusive_maximum) {
            x = number_text(t->nexmax);
            char *p = gen_format("less than %s", x);
            phrase(out, p);
            free(p);
            free(x);
        }
    }
    if (t->kind == GEN_T_ENUM && t->named) {
        gen_str v;
        gen_str_init(&v);
        gen_str_puts(&v, "one of ");
        for (size_t i = 0; i < t->named->n_values; i++) {
            char *code = md_code_cell(t->named->values[i].name);
            gen_str_printf(&v, "%s%s", i ? ", " : "", code);
            free(code);
        }
        phrase(out, v.data);
        gen_str_free(&v);
    }
    if (t->kind == GEN_T_ARRAY) {
        snprintf(a, sizeof a, "%" PRIu64, t->min_items);
        snprintf(b, sizeof b, "%" PRIu64, t->max_items);
        bool one = t->has_max_items && !t->has_min_items && t->max_items == 1;
        bounds_text(out, NULL, t->has_min_items, a, t->has_max_items, b,
                    one || (t->has_min_items && !t->has_max_items && t->min_items == 1) ? "item"
                                                                                        : "items");
        if (t->unique)
            phrase(out, "unique items");
        if (t->items) {
            gen_str items;
            gen_str_init(&items);
            constraint_text(&items, t->items);
            if (items.len) {
                char *p = gen_format("each item: %s", items.data);
                phrase(out, p);
                free(p);
            }
            gen_str_free(&items);
        }
    }
}

/* One row of a field table, every cell ready. */
static json_object *field_row(const gen_field *f, const char *link_base)
{
    json_object *o = jobj();
    jstr(o, "name", f->name);
    jown(o, "name_cell", md_code_cell(f->name));
    gen_str s;
    gen_str_init(&s);
    type_text(&s, &f->type, link_base);
    jown(o, "type_cell", gen_str_detach(&s));
    jstr(o, "required_cell", f->optional ? "no" : "yes");
    gen_str_init(&s);
    constraint_text(&s, &f->type);
    if (f->nullable)
        phrase(&s, "may be `null`");
    if (f->role != GEN_ROLE_NONE) {
        char *p = gen_format("role `%s`", gen_role_name(f->role));
        phrase(&s, p);
        free(p);
    }
    jown(o, "constraints_cell", gen_str_detach(&s));
    gen_str_init(&s);
    if (f->deprecated) {
        gen_str_puts(&s, "**Deprecated**");
        if (f->deprecated_reason) {
            char *r = gen_md_cell(f->deprecated_reason);
            gen_str_printf(&s, ": %s", r);
            free(r);
        }
        gen_str_puts(&s, f->description ? "<br>" : "");
    }
    if (f->description) {
        char *d = gen_md_cell(f->description);
        gen_str_puts(&s, d);
        free(d);
    }
    if (f->example_json) {
        char *code = md_code_cell(f->example_json);
        gen_str_printf(&s, "%sExample: %s", s.len ? "<br>" : "", code);
        free(code);
    }
    jown(o, "description_cell", gen_str_detach(&s));
    jstr(o, "pii_cell", f->pii ? "yes" : "");
    jown(o, "since_cell", f->since ? gen_format("%" PRId64, f->since) : gen_xstrdup(""));
    return o;
}

static json_object *field_rows(const gen_field *fields, size_t n, const char *link_base)
{
    json_object *a = jarr();
    for (size_t i = 0; i < n; i++)
        jpush(a, field_row(&fields[i], link_base));
    return a;
}

static char *schema_link(const docs *d, const char *file)
{
    return gen_format("[`%s`](%s%s)", file, d->m->schema_base_uri, file);
}

static char *schema_file(const char *name)
{
    char *snake = gen_snake(name);
    char *f = gen_format("%s.schema.json", snake);
    free(snake);
    return f;
}

/* ---- lifecycles -------------------------------------------------------------------------------
 */

static const gen_transition *transition_of(const gen_aggregate *a, const gen_event *e)
{
    for (size_t i = 0; i < a->n_transitions; i++)
        if (a->transitions[i].event == e || strcmp(a->transitions[i].event_name, e->name) == 0)
            return &a->transitions[i];
    return NULL;
}

/* Values of the enum field a `to_field` transition reads, or NULL. */
static const gen_type *to_field_enum(const gen_event *e, const gen_transition *t)
{
    if (!t || !t->to_field)
        return NULL;
    const gen_field *f = gen_event_find_field(e, t->to_field);
    return f && f->type.kind == GEN_T_ENUM ? f->type.named : NULL;
}

static bool keeps_state(const gen_transition *t)
{
    return !t || (!t->to && !t->to_field);
}

/* `a`, `b`: a list of states as code spans. */
static void state_list(gen_str *out, const char *const *names, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        char *code = gen_md_code(names[i]);
        gen_str_printf(out, "%s%s", i ? ", " : "", code);
        free(code);
    }
}

static void enum_states(gen_str *out, const gen_type *en)
{
    for (size_t i = 0; i < en->n_values; i++) {
        char *code = gen_md_code(en->values[i].name);
        gen_str_printf(out, "%s%s", i ? ", " : "", code);
        free(code);
    }
}

/* The sentence of an event's section that says what the event does to its aggregate. */
static char *lifecycle_sentence(const gen_aggregate *a, const gen_event *e)
{
    const gen_transition *t = transition_of(a, e);
    const gen_type *en = to_field_enum(e, t);
    gen_str s;
    gen_str_init(&s);
    if (keeps_state(t)) {
        if (!t || t->from_any) {
            gen_str_printf(&s, "allowed in any state once the %s exists; keeps the state", a->name);
        } else {
            gen_str_puts(&s, "allowed in ");
            state_list(&s, t->from, t->n_from);
            gen_str_puts(&s, "; keeps the state");
        }
        return gen_str_detach(&s);
    }
    char *target;
    if (en) {
        gen_str x;
        gen_str_init(&x);
        gen_str_printf(&x, "the state its field `%s` names (", t->to_field);
        enum_states(&x, en);
        gen_str_putc(&x, ')');
        target = gen_str_detach(&x);
    } else {
        char *code = gen_md_code(t->to);
        target = gen_format("state %s", code);
        free(code);
    }
    bool moves = t->from_any || t->n_from > 0;
    if (t->creates)
        gen_str_printf(&s, "creates the %s in %s", a->name, target);
    if (t->creates && moves)
        gen_str_puts(&s, "; also ");
    if (moves) {
        gen_str_puts(&s, "allowed in ");
        if (t->from_any)
            gen_str_puts(&s, "any state");
        else
            state_list(&s, t->from, t->n_from);
        gen_str_printf(&s, "%s: the %s moves to %s", t->creates ? " of an existing one" : "",
                       a->name, target);
    }
    free(target);
    return gen_str_detach(&s);
}

static char *state_id(const char *state)
{
    return gen_format("s_%s", state);
}

/* One arrow of a diagram: every event that leads from one state (NULL: `[*]`) to another. */
typedef struct edge {
    const char *from, *to;
    gen_str label;
} edge;

static void add_edge(edge **edges, size_t *n, const char *from, const char *to, const char *label)
{
    edge *e = NULL;
    for (size_t i = 0; i < *n && !e; i++)
        if (((*edges)[i].from == NULL) == (from == NULL) &&
            (!from || strcmp((*edges)[i].from, from) == 0) && strcmp((*edges)[i].to, to) == 0)
            e = &(*edges)[i];
    if (!e) {
        *edges = gen_xrealloc(*edges, (*n + 1) * sizeof(**edges));
        e = &(*edges)[(*n)++];
        e->from = from;
        e->to = to;
        gen_str_init(&e->label);
    }
    gen_str_printf(&e->label, "%s%s", e->label.len ? ", " : "", label);
}

/* The Mermaid stateDiagram-v2 lines of a lifecycle (after the header line). Every state is
 * declared with a label and a prefixed id, so that states named like Mermaid keywords (`note`,
 * `style`) are safe. Events that keep the state are not drawn (the table lists them), and the
 * events between the same two states share one arrow, so that no two labels overlap. */
static json_object *diagram_lines(const gen_aggregate *a)
{
    json_object *lines = jarr();
    for (size_t i = 0; i < a->n_states; i++) {
        char *id = state_id(a->states[i].name);
        jpush_own(lines, gen_format("state \"%s\" as %s", a->states[i].name, id));
        free(id);
    }
    edge *edges = NULL;
    size_t n_edges = 0;
    for (size_t i = 0; i < a->n_events; i++) {
        const gen_event *e = a->events[i];
        const gen_transition *t = transition_of(a, e);
        if (keeps_state(t))
            continue;
        const gen_type *en = to_field_enum(e, t);
        size_t n_to = en ? en->n_values : 1;
        size_t n_from = t->from_any ? a->n_states : t->n_from;
        for (size_t k = 0; k < n_to; k++) {
            const char *to = en ? en->values[k].name : t->to;
            char *label =
                en ? gen_format("%s (%s = %s)", e->name, t->to_field, to) : gen_xstrdup(e->name);
            if (t->creates)
                add_edge(&edges, &n_edges, NULL, to, label);
            for (size_t f = 0; f < n_from; f++)
                add_edge(&edges, &n_edges, t->from_any ? a->states[f].name : t->from[f], to, label);
            free(label);
        }
    }
    for (size_t i = 0; i < n_edges; i++) {
        char *from = edges[i].from ? state_id(edges[i].from) : gen_xstrdup("[*]");
        char *to = state_id(edges[i].to);
        jpush_own(lines, gen_format("%s --> %s: %s", from, to, edges[i].label.data));
        free(from);
        free(to);
        gen_str_free(&edges[i].label);
    }
    free(edges);
    return lines;
}

static char *event_link(const gen_event *e, const char *page)
{
    char *anchor = gen_md_anchor(e->name);
    char *r = gen_format("[%s](%s#%s)", e->name, page, anchor);
    free(anchor);
    return r;
}

static json_object *lifecycle_json(const gen_aggregate *a)
{
    json_object *o = jobj();
    jset(o, "diagram", diagram_lines(a));
    json_object *moves = jarr(), *keeps = jarr();
    for (size_t i = 0; i < a->n_events; i++) {
        const gen_event *e = a->events[i];
        const gen_transition *t = transition_of(a, e);
        json_object *row = jobj();
        jown(row, "event_cell", event_link(e, ""));
        gen_str s;
        gen_str_init(&s);
        if (keeps_state(t)) {
            if (!t || t->from_any)
                gen_str_puts(&s, "any state");
            else
                state_list(&s, t->from, t->n_from);
            jown(row, "from_cell", gen_str_detach(&s));
            jpush(keeps, row);
            continue;
        }
        if (t->creates)
            gen_str_puts(&s, "(new)");
        if (t->from_any)
            gen_str_printf(&s, "%sany state", s.len ? ", " : "");
        else if (t->n_from) {
            if (s.len)
                gen_str_puts(&s, ", ");
            state_list(&s, t->from, t->n_from);
        }
        jown(row, "from_cell", gen_str_detach(&s));
        const gen_type *en = to_field_enum(e, t);
        gen_str_init(&s);
        if (en) {
            gen_str_printf(&s, "named by `%s`: ", t->to_field);
            enum_states(&s, en);
        } else {
            char *code = gen_md_code(t->to);
            gen_str_puts(&s, code);
            free(code);
        }
        jown(row, "to_cell", gen_str_detach(&s));
        jpush(moves, row);
    }
    jbool(o, "has_moves", json_object_array_length(moves) > 0);
    jbool(o, "has_keeps", json_object_array_length(keeps) > 0);
    jset(o, "moves", moves);
    jset(o, "keeps", keeps);
    gen_str s;
    gen_str_init(&s);
    const char **names = gen_xcalloc(a->n_states + 1, sizeof(*names));
    for (size_t i = 0; i < a->n_states; i++)
        names[i] = a->states[i].name;
    state_list(&s, names, a->n_states);
    free(names);
    jown(o, "states_md", gen_str_detach(&s));
    return o;
}

/* ---- pages ------------------------------------------------------------------------------------
 */

static json_object *catalog_json(const docs *d)
{
    const gen_model *m = d->m;
    json_object *o = jobj();
    jstr(o, "name", m->name);
    jown(o, "name_code", gen_md_code(m->name));
    jint(o, "version", m->version);
    jown(o, "title", m->title ? md_block(m->title) : gen_xstrdup(m->name));
    jtext(o, "description", m->description);
    jstr(o, "schema_base_uri", m->schema_base_uri);
    jown(o, "catalog_schema_link", schema_link(d, "catalog.schema.json"));
    jown(o, "envelope_schema_link", schema_link(d, "envelope.schema.json"));
    char *banner = gen_format("Generated by eventc %s from %s. DO NOT EDIT.", d->opt->version,
                              d->opt->source_path);
    /* An HTML comment ends at the first `--`. */
    gen_str b;
    gen_str_init(&b);
    gen_str_puts(&b, "<!-- ");
    for (const char *p = banner; *p; p++) {
        gen_str_putc(&b, *p);
        if (*p == '-' && p[1] == '-')
            gen_str_putc(&b, ' ');
    }
    gen_str_puts(&b, " -->");
    free(banner);
    jown(o, "banner", gen_str_detach(&b));
    return o;
}

static json_object *example_blocks(docs *d, const gen_event *e)
{
    json_object *a = jarr();
    for (size_t i = 0; i < e->n_examples; i++) {
        const gen_example *x = &e->examples[i];
        char *data;
        size_t len;
        errno = 0;
        if (gen_read_file(x->resolved, 1u << 20, &data, &len) != 0) {
            gen_error(d->diags, x->loc, "cannot read example '%s': %s", x->path,
                      strerror(errno ? errno : EIO));
            d->failed = true;
            continue;
        }
        json_object *o = jobj();
        jown(o, "path_code", gen_md_code(x->path));
        char *block = gen_md_code_block(data, "json");
        block[strlen(block) - 1] = '\0'; /* the template ends the line */
        jown(o, "block", block);
        free(data);
        jpush(a, o);
    }
    return a;
}

/* The event's earlier names and versions, one Markdown list item each. */
static json_object *versions_json(const gen_event *e)
{
    json_object *a = jarr();
    if (e->n_renamed_from) {
        gen_str s;
        gen_str_init(&s);
        gen_str_puts(&s, "Earlier names: ");
        for (size_t i = 0; i < e->n_renamed_from; i++) {
            char *c = gen_md_code(e->renamed_from[i]);
            gen_str_printf(&s, "%s%s", i ? ", " : "", c);
            free(c);
        }
        gen_str_puts(&s, "; events with those names are read as this one.");
        jpush_own(a, gen_str_detach(&s));
    }
    for (size_t k = 0; k < e->n_history; k++) {
        const gen_history_step *h = &e->history[k];
        gen_str s;
        gen_str_init(&s);
        gen_str_printf(&s, "Up to version %" PRId64 ":", h->version);
        const char *sep = " ";
        for (size_t i = 0; i < h->n_dropped; i++, sep = "; ") {
            char *f = gen_md_code(h->dropped[i].field);
            gen_str_printf(&s, "%s%s was dropped", sep, f);
            free(f);
        }
        for (size_t i = 0; i < h->n_renamed; i++, sep = "; ") {
            char *f = gen_md_code(h->renamed[i].from), *t = gen_md_code(h->renamed[i].to);
            gen_str_printf(&s, "%s%s is now %s", sep, f, t);
            free(f);
            free(t);
        }
        for (size_t i = 0; i < h->n_mapped; i++, sep = "; ") {
            char *f = gen_md_code(h->mapped[i].field), *x = gen_md_code(h->mapped[i].from),
                 *t = gen_md_code(h->mapped[i].to);
            gen_str_printf(&s, "%s%s %s reads as %s", sep, f, x, t);
            free(f);
            free(x);
            free(t);
        }
        for (size_t i = 0; i < h->n_added; i++, sep = "; ") {
            char *f = gen_md_code(h->added[i].field), *v = gen_md_code(h->added[i].json);
            gen_str_printf(&s, "%s%s did not exist (%s when absent)", sep, f, v);
            free(f);
            free(v);
        }
        gen_str_puts(&s, ".");
        jpush_own(a, gen_str_detach(&s));
    }
    return a;
}

static json_object *event_json(docs *d, const gen_aggregate *a, const gen_event *e)
{
    json_object *o = jobj();
    jstr(o, "name", e->name);
    jown(o, "anchor", gen_md_anchor(e->name));
    jtext(o, "summary", e->summary);
    jtext(o, "description", e->description);
    jown(o, "since", e->since ? gen_format("%" PRId64, e->since) : NULL);
    jbool(o, "deprecated", e->deprecated);
    jtext(o, "deprecated_reason", e->deprecated_reason);
    jown(o, "lifecycle_md", a->has_lifecycle ? lifecycle_sentence(a, e) : NULL);
    jbool(o, "has_versions", e->n_renamed_from || e->n_history);
    jset(o, "versions", versions_json(e));
    json_object *conditions = jarr();
    const struct {
        const char *title;
        const gen_text_list *list;
    } lists[] = {{"Invariants", &e->invariants},
                 {"Preconditions", &e->preconditions},
                 {"Postconditions", &e->postconditions}};
    for (size_t i = 0; i < sizeof lists / sizeof lists[0]; i++) {
        if (lists[i].list->len == 0)
            continue;
        json_object *c = jobj();
        jstr(c, "title", lists[i].title);
        jset(c, "items", text_items(lists[i].list));
        jpush(conditions, c);
    }
    jset(o, "conditions", conditions);
    jset(o, "fields", field_rows(e->fields, e->n_fields, "index.md"));
    jbool(o, "has_fields", e->n_fields > 0);
    json_object *examples = example_blocks(d, e);
    jbool(o, "has_examples", json_object_array_length(examples) > 0);
    jset(o, "examples", examples);
    char *file = schema_file(e->name);
    jown(o, "schema_link", schema_link(d, file));
    free(file);
    return o;
}

static json_object *aggregate_json(docs *d, const gen_aggregate *a, json_object *catalog)
{
    json_object *o = jobj();
    jset(o, "catalog", json_object_get(catalog));
    json_object *ag = jobj();
    jstr(ag, "name", a->name);
    jtext(ag, "description", a->description);
    jown(ag, "id_field_code", gen_md_code(a->id_field ? a->id_field : ""));
    json_object *list = jarr();
    for (size_t i = 0; i < a->n_events; i++) {
        json_object *row = jobj();
        jown(row, "event_cell", event_link(a->events[i], ""));
        jtext(row, "summary", a->events[i]->summary);
        jbool(row, "deprecated", a->events[i]->deprecated);
        jpush(list, row);
    }
    jset(ag, "event_rows", list);
    jset(ag, "lifecycle", a->has_lifecycle ? lifecycle_json(a) : NULL);
    json_object *events = jarr();
    for (size_t i = 0; i < a->n_events; i++)
        jpush(events, event_json(d, a, a->events[i]));
    jset(ag, "events", events);
    jset(o, "aggregate", ag);
    return o;
}

static json_object *types_json(const docs *d)
{
    json_object *a = jarr();
    for (size_t i = 0; i < d->m->n_types; i++) {
        const gen_type *t = d->m->types[i];
        json_object *o = jobj();
        jstr(o, "name", t->name);
        jtext(o, "description", t->description);
        jbool(o, "is_enum", t->kind == GEN_TYPE_ENUM);
        jbool(o, "is_object", t->kind == GEN_TYPE_OBJECT);
        json_object *values = jarr();
        for (size_t k = 0; k < t->n_values; k++) {
            json_object *v = jobj();
            jown(v, "value_cell", md_code_cell(t->values[k].name));
            jtext(v, "description", t->values[k].description);
            jpush(values, v);
        }
        jset(o, "values", values);
        jset(o, "fields", field_rows(t->fields, t->n_fields, ""));
        if (t->kind == GEN_TYPE_OBJECT) {
            char *file = schema_file(t->name);
            jown(o, "schema_link", schema_link(d, file));
            free(file);
        } else {
            jstr(o, "schema_link", NULL);
        }
        jpush(a, o);
    }
    return a;
}

static json_object *index_json(const docs *d, json_object *catalog)
{
    const gen_model *m = d->m;
    json_object *o = jobj();
    jset(o, "catalog", json_object_get(catalog));
    json_object *aggs = jarr();
    for (size_t i = 0; i < m->n_aggregates; i++) {
        const gen_aggregate *a = m->aggregates[i];
        json_object *row = jobj();
        jstr(row, "name", a->name);
        char *file = gen_docs_page_name(a);
        jown(row, "link", gen_format("[%s](%s)", a->name, file));
        free(file);
        jtext(row, "description", a->description);
        jint(row, "n_events", (int64_t)a->n_events);
        if (a->has_lifecycle) {
            gen_str s;
            gen_str_init(&s);
            const char **names = gen_xcalloc(a->n_states + 1, sizeof(*names));
            for (size_t k = 0; k < a->n_states; k++)
                names[k] = a->states[k].name;
            state_list(&s, names, a->n_states);
            free(names);
            jown(row, "states_cell", gen_str_detach(&s));
        } else {
            jstr(row, "states_cell", "");
        }
        jpush(aggs, row);
    }
    jset(o, "aggregates", aggs);
    json_object *events = jarr();
    for (size_t i = 0; i < m->n_events; i++) {
        const gen_event *e = m->events[i];
        json_object *row = jobj();
        char *file = gen_docs_page_name(e->aggregate);
        jown(row, "event_cell", event_link(e, file));
        free(file);
        jstr(row, "aggregate", e->aggregate->name);
        jtext(row, "summary", e->summary);
        jbool(row, "deprecated", e->deprecated);
        jpush(events, row);
    }
    jset(o, "events", events);
    json_object *env = jobj();
    jtext(env, "description", m->envelope_description);
    jbool(env, "additional_properties", m->additional_properties);
    jset(env, "fields", field_rows(m->envelope, m->n_envelope, ""));
    jset(o, "envelope", env);
    json_object *types = types_json(d);
    jbool(o, "has_types", json_object_array_length(types) > 0);
    jset(o, "types", types);
    return o;
}

static json_object *page_json(docs *d, const gen_aggregate *a, json_object *catalog)
{
    json_object *p = jobj();
    jown(p, "file", gen_docs_page_name(a)); /* the checker refused clashes */
    jset(p, "data", aggregate_json(d, a, catalog));
    return p;
}

/* What the lazy list of the pages keeps: diagnostics of its own (the caller's are gone when the
 * pages are built) and the catalog part every page shares. */
typedef struct pages_ctx {
    docs d;
    gen_diags diags;
    json_object *catalog;
} pages_ctx;

static json_object *page_item(void *ctx, size_t i)
{
    pages_ctx *c = ctx;
    return page_json(&c->d, c->d.m->aggregates[i], c->catalog);
}

static void pages_ctx_free(void *ctx)
{
    pages_ctx *c = ctx;
    gen_diags_free(&c->diags);
    json_object_put(c->catalog);
    free(c);
}

json_object *gen_viewmodel_docs(const gen_model *m, const gen_vm_options *opt, gen_diags *diags)
{
    docs d = {m, opt, diags, false};
    json_object *catalog = catalog_json(&d);
    json_object *root = jobj();
    jset(root, "index", index_json(&d, catalog));
    json_object *pages = NULL;
    if (opt->lazy) {
        /* Each page once now for its errors (an example that cannot be read), then again when
         * it is rendered. */
        for (size_t i = 0; i < m->n_aggregates; i++)
            json_object_put(page_json(&d, m->aggregates[i], catalog));
        pages_ctx *c = gen_xmalloc(sizeof(*c));
        c->d = (docs){m, NULL, &c->diags, false};
        gen_diags_init(&c->diags);
        c->catalog = json_object_get(catalog);
        pages = jcheck(gen_lazy_list_new(m->n_aggregates, page_item, c, pages_ctx_free));
    } else {
        pages = jarr();
        for (size_t i = 0; i < m->n_aggregates; i++)
            jpush(pages, page_json(&d, m->aggregates[i], catalog));
    }
    jset(root, "pages", pages);
    json_object_put(catalog);
    if (d.failed) {
        json_object_put(root);
        return NULL;
    }
    return root;
}
