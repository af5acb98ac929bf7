/* The comparison context's small services: how an issue found from the reader's side is named
 * from the old-to-new side, which catalog writes and which reads, the target of the current
 * place, and witness requests. The bottom of the compat stage: it calls nothing of the others. */
#include "compat_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- naming and paths ------------------------------------------------------------------------ */

gen_compat_rule_id compat_rule(const cx *c, gen_compat_rule_id backward, gen_compat_rule_id forward)
{
    return c->dir == GEN_COMPAT_BACKWARD ? backward : forward;
}

const char *cx_writer_name(const cx *c)
{
    return c->dir == GEN_COMPAT_BACKWARD ? "old" : "new";
}

const char *cx_reader_name(const cx *c)
{
    return c->dir == GEN_COMPAT_BACKWARD ? "new" : "old";
}

const char *cx_target(cx *c, const char *name)
{
    static char buf[1024];
    gen_str s;
    gen_str_init(&s);
    gen_str_puts(&s, c->label);
    size_t depth = c->depth < CX_MAX_DEPTH ? c->depth : CX_MAX_DEPTH;
    for (size_t i = c->label_depth; i < depth; i++) {
        if (c->path[i].name)
            gen_str_printf(&s, ".%s", c->path[i].name);
        else
            gen_str_puts(&s, "[]");
    }
    if (name)
        gen_str_printf(&s, ".%s", name);
    snprintf(buf, sizeof buf, "%s", s.data);
    gen_str_free(&s);
    return buf;
}

void cx_req(const cx *c, wreq *req, const char *name, wact act)
{
    memset(req, 0, sizeof *req);
    size_t depth = c->depth < CX_MAX_DEPTH ? c->depth : CX_MAX_DEPTH;
    memcpy(req->path, c->path, depth * sizeof(seg));
    req->depth = depth;
    if (name && req->depth < CX_MAX_DEPTH)
        req->path[req->depth++] = (seg){name};
    req->act = act;
}

void wreq_value(wreq *req, char *json)
{
    if (req->n_values < sizeof req->values / sizeof req->values[0])
        req->values[req->n_values++] = json;
    else
        free(json);
}

void wreq_free(wreq *req)
{
    for (size_t i = 0; i < req->n_values; i++)
        free(req->values[i]);
    req->n_values = 0;
}
