/* Test driver of the compat referees, linked to the generator library:
 *
 *   compat_tool accept CATALOG [--strict] FILE...
 *       decodes each JSON file as any event of CATALOG with the runtime decoder, through the
 *       descriptors built from the catalog (earlier versions upcast, as generated decoders do),
 *       and prints `FILE: ok CANONICAL-JSON` or `FILE: error: PATH: MESSAGE [RULE]`; exit 1 if
 *       any is refused;
 *   compat_tool accept CATALOG [--strict] --lines FILE
 *       the same for each line of FILE (one JSON text per line), printed as `LINE: ...`. */
#include "front/check.h"
#include "model/dyndesc.h"
#include "model/model.h"

#include <eventc/eventc.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int usage(void)
{
    fputs("usage: compat_tool accept CATALOG [--strict] FILE...\n"
          "       compat_tool accept CATALOG [--strict] --lines FILE\n",
          stderr);
    return 2;
}

static int cmd_accept(int argc, char **argv)
{
    if (argc < 1)
        return usage();
    gen_diags d;
    gen_diags_init(&d);
    gen_model *m = gen_model_load(argv[0], &d);
    if (!m) {
        gen_diags_print(&d, stderr);
        gen_diags_free(&d);
        return 2;
    }
    gen_diags_free(&d);
    eventc_decode_options o = eventc_decode_options_default();
    int i = 1, bad = 0;
    if (i < argc && strcmp(argv[i], "--strict") == 0) {
        o.strict = 1;
        i++;
    }
    size_t n = 0, size = 0;
    const eventc_event_entry *types = gen_event_table(m, &n, &size);
    const char *name_key = m->role_fields[GEN_ROLE_EVENT_NAME]->name;
    void *buf = calloc(1, size ? size : 1);
    char *lines = NULL, *next = NULL;
    size_t lines_len = 0, line_no = 0;
    if (i + 1 < argc && strcmp(argv[i], "--lines") == 0) {
        if (gen_read_file(argv[i + 1], (size_t)1 << 30, &lines, &lines_len) != 0) {
            perror(argv[i + 1]);
            return 2;
        }
        next = lines;
    }
    for (; next ? *next != '\0' : i < argc; i++) {
        char *data = NULL;
        size_t len = 0;
        char label[32];
        const char *name = argv[i];
        if (next) {
            char *nl = strchr(next, '\n');
            len = nl ? (size_t)(nl - next) : strlen(next);
            data = gen_xstrndup(next, len);
            next += len + (nl ? 1 : 0);
            snprintf(label, sizeof label, "%zu", ++line_no);
            name = label;
        } else if (gen_read_file(argv[i], (size_t)64 << 20, &data, &len) != 0) {
            printf("%s: error: $: cannot read the file [io]\n", argv[i]);
            bad = 1;
            continue;
        }
        int kind = 0;
        eventc_error err;
        eventc_status st = eventc_decode_any(types, n, name_key, &kind, buf, data, len, &o, &err);
        if (st == EVENTC_OK) {
            eventc_buf out;
            eventc_buf_init(&out, NULL);
            st = eventc_encode(types[kind - 1].desc, buf, &out, &err);
            if (st == EVENTC_OK)
                printf("%s: ok %s\n", name, eventc_buf_cstr(&out));
            eventc_buf_free(&out);
            eventc_clear(types[kind - 1].desc, buf);
        }
        if (st != EVENTC_OK) {
            printf("%s: error: %s: %s [%s]\n", name, err.path, err.message,
                   eventc_status_code(err.code));
            bad = 1;
        }
        free(data);
    }
    free(buf);
    free(lines);
    gen_model_free(m);
    return bad;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage();
    if (strcmp(argv[1], "accept") == 0)
        return cmd_accept(argc - 2, argv + 2);
    return usage();
}
