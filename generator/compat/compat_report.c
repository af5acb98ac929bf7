/* The report of `eventc compat`: GCC-style text, a JSON document, or GitHub workflow
 * annotations, from the same findings. */
#include "compat_internal.h"

#include <json-c/json.h>

#include <stdlib.h>
#include <string.h>

static const char *dir_text(unsigned dirs)
{
    if (dirs == (GEN_COMPAT_BACKWARD | GEN_COMPAT_FORWARD))
        return "backward and forward";
    return dirs == GEN_COMPAT_FORWARD ? "forward" : "backward";
}

static const char *dir_name(unsigned d)
{
    return d == GEN_COMPAT_FORWARD ? "forward" : "backward";
}

static bool is_note(const gen_compat_finding *f, bool all_notes)
{
    return all_notes || f->accepted;
}

static void print_loc(FILE *out, gen_loc l)
{
    if (l.file && l.line)
        fprintf(out, "%s:%u:%u: ", l.file, l.line, l.col);
    else if (l.file)
        fprintf(out, "%s: ", l.file);
    else
        fputs("eventc: ", out);
}

/* Accepted breaks of the new catalog that no finding of any pair uses. */
static bool accept_used(const gen_compat_pair *pairs, size_t n, const gen_accepted_break *a)
{
    for (size_t p = 0; p < n; p++)
        for (size_t i = 0; i < pairs[p].result.len; i++)
            if (pairs[p].result.items[i].accepted == a)
                return true;
    return false;
}

/* ---- text --------------------------------------------------------------------------------------
 */

static void text_report(FILE *out, bool all_notes, const gen_compat_pair *pairs, size_t n)
{
    size_t errors = 0, accepted = 0, notes = 0;
    for (size_t p = 0; p < n; p++) {
        const gen_compat_result *r = &pairs[p].result;
        for (size_t i = 0; i < r->len; i++) {
            const gen_compat_finding *f = &r->items[i];
            const gen_compat_rule *rule = gen_compat_rule_get(f->rule);
            bool note = is_note(f, all_notes);
            errors += !note;
            accepted += f->accepted != NULL;
            notes += note && !f->accepted;
            print_loc(out, f->loc);
            fprintf(out, "%s: [%s] %s (%s)\n", note ? "note" : "error", rule->id, f->message,
                    dir_text(f->directions));
            if (f->accepted) {
                print_loc(out, f->accepted->loc);
                fprintf(out, "note: accepted: %s\n", f->accepted->reason);
            }
            if (f->old_loc.line) {
                print_loc(out, f->old_loc);
                fputs("note: the old definition\n", out);
            }
            for (size_t k = 0; k < f->n_witnesses; k++) {
                const gen_compat_witness *w = &f->witnesses[k];
                bool back = w->direction == GEN_COMPAT_BACKWARD;
                print_loc(out, f->loc);
                fprintf(out,
                        "note: witness (%s): %s %s accepted by the %s catalog and refused by "
                        "the %s one: %s\n",
                        dir_name(w->direction), w->json, w->json[0] == '[' ? "is a history" : "is",
                        back ? "old" : "new", back ? "new" : "old", w->refusal);
            }
            if (f->no_witness) {
                print_loc(out, f->loc);
                fprintf(out, "note: no witness: %s\n", f->no_witness);
            }
        }
    }
    const gen_model *m = n ? pairs[0].new_m : NULL;
    for (size_t i = 0; m && i < m->n_accepted; i++) {
        const gen_accepted_break *a = &m->accepted[i];
        if (accept_used(pairs, n, a))
            continue;
        print_loc(out, a->loc);
        fprintf(out, "note: accepted break %s of '%s' matches no change\n", a->rule, a->target);
    }
    if (all_notes)
        fprintf(out, "%zu difference%s that would break readers (mode none: not checked)\n", notes,
                notes == 1 ? "" : "s");
    else if (errors && accepted)
        fprintf(out, "%zu breaking change%s, %zu accepted\n", errors, errors == 1 ? "" : "s",
                accepted);
    else if (errors)
        fprintf(out, "%zu breaking change%s\n", errors, errors == 1 ? "" : "s");
    else
        fprintf(out, "compatible%s\n", accepted ? " (with accepted breaks)" : "");
}

/* ---- JSON -------------------------------------------------------------------------------------
 */

static json_object *loc_json(gen_loc l)
{
    if (!l.file)
        return NULL;
    json_object *o = json_object_new_object();
    json_object_object_add(o, "file", json_object_new_string(l.file));
    json_object_object_add(o, "line", json_object_new_int((int)l.line));
    json_object_object_add(o, "column", json_object_new_int((int)l.col));
    return o;
}

static json_object *dirs_json(unsigned d)
{
    json_object *a = json_object_new_array();
    if (d & GEN_COMPAT_BACKWARD)
        json_object_array_add(a, json_object_new_string("backward"));
    if (d & GEN_COMPAT_FORWARD)
        json_object_array_add(a, json_object_new_string("forward"));
    return a;
}

static void json_report(FILE *out, const char *mode, bool all_notes, const gen_compat_pair *pairs,
                        size_t n)
{
    json_object *root = json_object_new_object();
    json_object_object_add(root, "mode", json_object_new_string(mode));
    json_object *cmps = json_object_new_array();
    bool compatible = true;
    for (size_t p = 0; p < n; p++) {
        const gen_compat_result *r = &pairs[p].result;
        json_object *c = json_object_new_object();
        json_object_object_add(c, "old", json_object_new_string(pairs[p].old_name));
        json_object_object_add(c, "new", json_object_new_string(pairs[p].new_name));
        bool ok = all_notes || !gen_compat_breaking(r);
        compatible = compatible && ok;
        json_object_object_add(c, "compatible", json_object_new_boolean(ok));
        json_object *fs = json_object_new_array();
        for (size_t i = 0; i < r->len; i++) {
            const gen_compat_finding *f = &r->items[i];
            const gen_compat_rule *rule = gen_compat_rule_get(f->rule);
            json_object *o = json_object_new_object();
            json_object_object_add(o, "rule", json_object_new_string(rule->id));
            json_object_object_add(o, "category", json_object_new_string(rule->category));
            json_object_object_add(
                o, "severity", json_object_new_string(is_note(f, all_notes) ? "note" : "error"));
            json_object_object_add(o, "directions", dirs_json(f->directions));
            json_object_object_add(o, "target", json_object_new_string(f->target));
            json_object_object_add(o, "message", json_object_new_string(f->message));
            json_object_object_add(o, "explanation", json_object_new_string(rule->explanation));
            json_object_object_add(o, "location", loc_json(f->loc));
            json_object_object_add(o, "old_location",
                                   f->old_loc.line ? loc_json(f->old_loc) : NULL);
            json_object *ws = json_object_new_array();
            for (size_t k = 0; k < f->n_witnesses; k++) {
                const gen_compat_witness *w = &f->witnesses[k];
                bool back = w->direction == GEN_COMPAT_BACKWARD;
                json_object *wo = json_object_new_object();
                json_object_object_add(wo, "direction",
                                       json_object_new_string(dir_name(w->direction)));
                json_object_object_add(wo, w->json[0] == '[' ? "history" : "event",
                                       json_tokener_parse(w->json));
                json_object_object_add(wo, "accepted_by",
                                       json_object_new_string(back ? "old" : "new"));
                json_object_object_add(wo, "refused_by",
                                       json_object_new_string(back ? "new" : "old"));
                json_object_object_add(wo, "refusal", json_object_new_string(w->refusal));
                json_object_array_add(ws, wo);
            }
            json_object_object_add(o, "witnesses", ws);
            if (f->no_witness)
                json_object_object_add(o, "no_witness", json_object_new_string(f->no_witness));
            if (f->accepted) {
                json_object *a = json_object_new_object();
                json_object_object_add(a, "reason", json_object_new_string(f->accepted->reason));
                json_object_object_add(a, "location", loc_json(f->accepted->loc));
                json_object_object_add(o, "accepted", a);
            } else {
                json_object_object_add(o, "accepted", NULL);
            }
            json_object_array_add(fs, o);
        }
        json_object_object_add(c, "findings", fs);
        json_object_array_add(cmps, c);
    }
    json_object_object_add(root, "compatible", json_object_new_boolean(compatible));
    json_object_object_add(root, "comparisons", cmps);
    json_object *unused = json_object_new_array();
    const gen_model *m = n ? pairs[0].new_m : NULL;
    for (size_t i = 0; m && i < m->n_accepted; i++) {
        const gen_accepted_break *a = &m->accepted[i];
        if (accept_used(pairs, n, a))
            continue;
        json_object *o = json_object_new_object();
        json_object_object_add(o, "rule", json_object_new_string(a->rule));
        json_object_object_add(o, "target", json_object_new_string(a->target));
        json_object_object_add(o, "reason", json_object_new_string(a->reason));
        json_object_object_add(o, "location", loc_json(a->loc));
        json_object_array_add(unused, o);
    }
    json_object_object_add(root, "unused_accepts", unused);
    fputs(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
                                                   JSON_C_TO_STRING_NOSLASHESCAPE),
          out);
    fputc('\n', out);
    json_object_put(root);
}

/* ---- GitHub ------------------------------------------------------------------------------------
 */

/* Workflow command escaping: data (`%`, CR, LF) and, in properties, also `:` and `,`. */
static void gh_escape(FILE *out, const char *s, bool property)
{
    for (; *s; s++) {
        if (*s == '%')
            fputs("%25", out);
        else if (*s == '\r')
            fputs("%0D", out);
        else if (*s == '\n')
            fputs("%0A", out);
        else if (property && *s == ':')
            fputs("%3A", out);
        else if (property && *s == ',')
            fputs("%2C", out);
        else
            fputc(*s, out);
    }
}

static void gh_command(FILE *out, const char *kind, gen_loc l, const char *title, const char *msg)
{
    fprintf(out, "::%s ", kind);
    if (l.file) {
        fputs("file=", out);
        gh_escape(out, l.file, true);
        if (l.line)
            fprintf(out, ",line=%u,col=%u", l.line, l.col);
        fputc(',', out);
    }
    fputs("title=", out);
    gh_escape(out, title, true);
    fputs("::", out);
    gh_escape(out, msg, false);
    fputc('\n', out);
}

static void github_report(FILE *out, bool all_notes, const gen_compat_pair *pairs, size_t n)
{
    for (size_t p = 0; p < n; p++) {
        const gen_compat_result *r = &pairs[p].result;
        for (size_t i = 0; i < r->len; i++) {
            const gen_compat_finding *f = &r->items[i];
            const gen_compat_rule *rule = gen_compat_rule_get(f->rule);
            gen_str msg;
            gen_str_init(&msg);
            gen_str_printf(&msg, "%s (%s)", f->message, dir_text(f->directions));
            if (f->accepted)
                gen_str_printf(&msg, "\naccepted: %s", f->accepted->reason);
            if (f->old_loc.line)
                gen_str_printf(&msg, "\nold definition: %s:%u:%u", f->old_loc.file, f->old_loc.line,
                               f->old_loc.col);
            for (size_t k = 0; k < f->n_witnesses; k++) {
                const gen_compat_witness *w = &f->witnesses[k];
                bool back = w->direction == GEN_COMPAT_BACKWARD;
                gen_str_printf(&msg,
                               "\nwitness (%s), accepted by the %s catalog and refused by "
                               "the %s one (%s): %s",
                               dir_name(w->direction), back ? "old" : "new", back ? "new" : "old",
                               w->refusal, w->json);
            }
            if (f->no_witness)
                gen_str_printf(&msg, "\nno witness: %s", f->no_witness);
            char *title = gen_format("eventc compat: %s", rule->id);
            gh_command(out, is_note(f, all_notes) ? "notice" : "error", f->loc, title, msg.data);
            free(title);
            gen_str_free(&msg);
        }
    }
    const gen_model *m = n ? pairs[0].new_m : NULL;
    for (size_t i = 0; m && i < m->n_accepted; i++) {
        const gen_accepted_break *a = &m->accepted[i];
        if (accept_used(pairs, n, a))
            continue;
        char *msg = gen_format("accepted break %s of '%s' matches no change", a->rule, a->target);
        gh_command(out, "notice", a->loc, "eventc compat", msg);
        free(msg);
    }
}

void gen_compat_report(FILE *out, gen_compat_format format, const char *mode,
                       const gen_compat_pair *pairs, size_t n_pairs)
{
    bool all_notes = strcmp(mode, "none") == 0;
    switch (format) {
    case GEN_COMPAT_JSON:
        json_report(out, mode, all_notes, pairs, n_pairs);
        break;
    case GEN_COMPAT_GITHUB:
        github_report(out, all_notes, pairs, n_pairs);
        break;
    case GEN_COMPAT_TEXT:
        text_report(out, all_notes, pairs, n_pairs);
        break;
    }
}
