/* The upcast part of the C view model (viewmodel_upcast.h). The tables mirror what the model's
 * dynamic descriptors hold (model/dyndesc.c), so `eventc check` and `eventc compat`, which decode
 * with those, judge events exactly as the generated decoders do. Every element is written in the
 * multi-line designated form, which clang-format leaves as it is. */
#include "viewmodel_upcast.h"
#include "base/util.h"
#include "names/c_names.h"
#include "c_text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* `.member = "text",` at `indent`, the literal split to fit. */
static void desig_string(gen_str *s, unsigned indent, const char *member, const char *text)
{
    unsigned col = indent + (unsigned)strlen(member) + 4;
    char *lit = gen_c_string_literal(text, col, 1);
    gen_str_printf(s, "%*s.%s = %s,\n", (int)indent, "", member, lit);
    free(lit);
}

/* `.member = value,` at `indent`, broken after the `=` when too long. */
static void desig(gen_str *s, unsigned indent, const char *member, const char *value)
{
    char *left = gen_format(".%s", member);
    char *right = gen_format("%s,", value);
    char *line = gen_c_layout_split(indent, left, " = ", right);
    gen_str_printf(s, "%*s%s\n", (int)indent, "", line);
    free(line);
    free(left);
    free(right);
}

static void desig_size(gen_str *s, unsigned indent, const char *member, size_t n)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%zu", n);
    desig(s, indent, member, buf);
}

/* `static const TYPE NAME[] = {` laid out, then the body, then `};`. */
static char *table(const char *type, const char *name, gen_str *body)
{
    char *head = gen_format("%s[] = {", name);
    char *line = gen_c_layout_split(0, type, " ", head);
    char *r = gen_format("%s\n%s};", line, body->data ? body->data : "");
    free(line);
    free(head);
    gen_str_free(body);
    return r;
}

static void push(json_object *a, char *s)
{
    if (json_object_array_add(a, json_object_new_string(s)) != 0) {
        fputs("eventc: error: out of memory\n", stderr);
        exit(1);
    }
    free(s);
}

static char *step_table(const char *c_struct, size_t k, const char *what)
{
    return gen_upcast_table_name(c_struct, k, what);
}

json_object *gen_vm_upcast_code(const gen_model *m, const gen_event *e, const char *c_struct)
{
    json_object *out = json_object_new_array();
    char *aliases = gen_upcast_table_name(c_struct, 0, "aliases");
    char *steps = gen_upcast_table_name(c_struct, 0, "steps");
    if (e->n_renamed_from) {
        gen_str b;
        gen_str_init(&b);
        for (size_t i = 0; i < e->n_renamed_from; i++) {
            char *lit = gen_c_string_literal(e->renamed_from[i], 4, 1);
            gen_str_printf(&b, "    %s,\n", lit);
            free(lit);
        }
        push(out, table("static const char *const", aliases, &b));
    }
    for (size_t k = 0; k < e->n_history; k++) {
        const gen_history_step *h = &e->history[k];
        gen_str b;
        if (h->n_dropped) {
            gen_str_init(&b);
            for (size_t i = 0; i < h->n_dropped; i++) {
                char *lit = gen_c_string_literal(h->dropped[i].field, 4, 1);
                gen_str_printf(&b, "    %s,\n", lit);
                free(lit);
            }
            char *name = step_table(c_struct, k + 1, "dropped");
            push(out, table("static const char *const", name, &b));
            free(name);
        }
        if (h->n_renamed) {
            gen_str_init(&b);
            for (size_t i = 0; i < h->n_renamed; i++) {
                gen_str_puts(&b, "    {\n");
                desig_string(&b, 8, "from", h->renamed[i].from);
                desig_string(&b, 8, "to", h->renamed[i].to);
                gen_str_puts(&b, "    },\n");
            }
            char *name = step_table(c_struct, k + 1, "renamed");
            push(out, table("static const eventc_upcast_rename", name, &b));
            free(name);
        }
        if (h->n_mapped) {
            gen_str_init(&b);
            for (size_t i = 0; i < h->n_mapped; i++) {
                gen_str_puts(&b, "    {\n");
                desig_string(&b, 8, "field", h->mapped[i].field);
                desig_string(&b, 8, "from", h->mapped[i].from);
                desig_string(&b, 8, "to", h->mapped[i].to);
                gen_str_puts(&b, "    },\n");
            }
            char *name = step_table(c_struct, k + 1, "mapped");
            push(out, table("static const eventc_upcast_map", name, &b));
            free(name);
        }
        if (h->n_added) {
            gen_str_init(&b);
            for (size_t i = 0; i < h->n_added; i++) {
                gen_str_puts(&b, "    {\n");
                desig_string(&b, 8, "field", h->added[i].field);
                desig_string(&b, 8, "json", h->added[i].json);
                gen_str_puts(&b, "    },\n");
            }
            char *name = step_table(c_struct, k + 1, "added");
            push(out, table("static const eventc_upcast_default", name, &b));
            free(name);
        }
    }
    if (e->n_history) {
        gen_str b;
        gen_str_init(&b);
        for (size_t k = 0; k < e->n_history; k++) {
            const gen_history_step *h = &e->history[k];
            gen_str_puts(&b, "    {\n");
            char *v = gen_c_int64_literal(h->version);
            desig(&b, 8, "version", v);
            free(v);
            static const char *const parts[] = {"dropped", "renamed", "mapped", "added"};
            const size_t counts[] = {h->n_dropped, h->n_renamed, h->n_mapped, h->n_added};
            for (size_t p = 0; p < 4; p++) {
                if (!counts[p])
                    continue;
                char *name = step_table(c_struct, k + 1, parts[p]);
                desig(&b, 8, parts[p], name);
                free(name);
                char *n_member = gen_format("n_%s", parts[p]);
                desig_size(&b, 8, n_member, counts[p]);
                free(n_member);
            }
            gen_str_puts(&b, "    },\n");
        }
        push(out, table("static const eventc_upcast_step", steps, &b));
    }
    gen_str b;
    gen_str_init(&b);
    char *desc = gen_upcast_table_name(c_struct, 0, NULL);
    char *head = gen_format("%s = {", desc);
    free(desc);
    char *line = gen_c_layout_split(0, "static const eventc_upcast_desc", " ", head);
    gen_str_printf(&b, "%s\n", line);
    free(line);
    free(head);
    desig_string(&b, 4, "name_key", m->role_fields[GEN_ROLE_EVENT_NAME]->name);
    desig_string(&b, 4, "version_key", m->role_fields[GEN_ROLE_VERSION]->name);
    char *v = gen_c_int64_literal(m->version);
    desig(&b, 4, "version", v);
    free(v);
    if (e->n_renamed_from) {
        desig(&b, 4, "aliases", aliases);
        desig_size(&b, 4, "n_aliases", e->n_renamed_from);
    }
    if (e->n_history) {
        desig(&b, 4, "steps", steps);
        desig_size(&b, 4, "n_steps", e->n_history);
    }
    gen_str_puts(&b, "};");
    push(out, gen_str_detach(&b));
    free(aliases);
    free(steps);
    return out;
}
