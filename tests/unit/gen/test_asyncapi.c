/* The AsyncAPI back end, checked structurally on the messaging catalog, every golden catalog and
 * the library example: the YAML reads back (libyaml) as exactly the document built; every event
 * is exactly one message, in exactly one channel; every channel's address is a routing topic and
 * its messages are exactly the events routed there (and its structured-mode message); every
 * payload and key `$ref` names a file the schema target writes (for the messaging catalog: a
 * committed file of schemas/), and the member it points into exists. Also the YAML writer on
 * tricky strings and the servers of the messaging catalog.
 *
 *   test_asyncapi <source dir>
 */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "backends/emit_asyncapi.h"
#include "backends/emit_schema.h"
#include "backends/yaml_out.h"
#include "front/check.h"
#include "front/load.h"
#include "model/model.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

static const char *source_dir = ".";
static int partitions_seen; /* channels whose Kafka binding had to carry partitions */

/* ---- the YAML text against the tree it was written from ---- */

static int same(const gen_node *n, json_object *v)
{
    switch (json_object_get_type(v)) {
    case json_type_object: {
        if (n->kind != GEN_NODE_MAP || n->len != (size_t)json_object_object_length(v))
            return 0;
        size_t i = 0;
        json_object_object_foreach(v, key, val)
        {
            if (strcmp(n->keys[i]->text, key) != 0 || !same(n->items[i], val))
                return 0;
            i++;
        }
        return 1;
    }
    case json_type_array:
        if (n->kind != GEN_NODE_SEQ || n->len != json_object_array_length(v))
            return 0;
        for (size_t i = 0; i < n->len; i++)
            if (!same(n->items[i], json_object_array_get_idx(v, i)))
                return 0;
        return 1;
    case json_type_string:
        return n->kind == GEN_NODE_SCALAR && strcmp(n->text, json_object_get_string(v)) == 0;
    case json_type_int: {
        char buf[32];
        snprintf(buf, sizeof buf, "%lld", (long long)json_object_get_int64(v));
        return n->kind == GEN_NODE_SCALAR && !n->quoted && strcmp(n->text, buf) == 0;
    }
    case json_type_boolean:
        return n->kind == GEN_NODE_SCALAR && !n->quoted &&
               strcmp(n->text, json_object_get_boolean(v) ? "true" : "false") == 0;
    default:
        return 0;
    }
}

/* A string scalar that would be read as another type is quoted: reading it back gives text. */
static int plain_means_string(const gen_node *n, json_object *v)
{
    if (json_object_get_type(v) == json_type_string)
        return n->kind == GEN_NODE_SCALAR;
    return 1;
}

static void yaml_writer(void)
{
    json_object *doc = json_object_new_object();
    static const char *const texts[] = {"true",
                                        "No",
                                        "null",
                                        "~",
                                        "1",
                                        "3.0.0",
                                        "-x",
                                        "a: b",
                                        "a #b",
                                        "#c",
                                        "",
                                        " lead",
                                        "trail ",
                                        "two\nlines",
                                        "two\nlines\n",
                                        "three\n\n\n",
                                        "\ttab",
                                        "q\"uote",
                                        "back\\slash",
                                        "ctl\x01x",
                                        "del\x7f",
                                        "c1 \xc2\x85 x",
                                        "ls \xe2\x80\xa8 ps \xe2\x80\xa9",
                                        "bom \xef\xbb\xbf",
                                        "caf\xc3\xa9",
                                        "line\n  indented",
                                        "blank \n line",
                                        "$ref",
                                        "@at",
                                        "*star",
                                        "&amp",
                                        "!bang",
                                        "%pct",
                                        "{brace",
                                        "[bracket",
                                        "|pipe",
                                        ">gt",
                                        "'q",
                                        "?"};
    char key[16];
    for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
        snprintf(key, sizeof key, "k%zu", i);
        json_object_object_add(doc, key, json_object_new_string(texts[i]));
        json_object_object_add(doc, texts[i][0] ? texts[i] : "empty", json_object_new_string("v"));
    }
    json_object *seq = json_object_new_array(), *inner = json_object_new_object();
    json_object_object_add(inner, "a", json_object_new_int(1));
    json_object_object_add(inner, "b", json_object_new_boolean(0));
    json_object_array_add(seq, inner);
    json_object_array_add(seq, json_object_new_array());
    json_object_array_add(seq, json_object_new_object());
    json_object *nested = json_object_new_array();
    json_object_array_add(nested, json_object_new_string("x y"));
    json_object_array_add(seq, nested);
    json_object_object_add(doc, "seq", seq);
    gen_str out;
    gen_str_init(&out);
    gen_yaml_write(&out, doc);
    gen_pool pool;
    gen_pool_init(&pool);
    gen_diags diags;
    gen_diags_init(&diags);
    gen_node *root = gen_load_yaml_buffer(&pool, out.data, out.len, "yaml", 0, &diags);
    CHECK(root != NULL);
    if (root == NULL) {
        gen_diags_print(&diags, stderr);
        fprintf(stderr, "%s", out.data);
    } else {
        CHECK(same(root, doc));
        for (size_t i = 0; i < root->len; i++)
            CHECK(plain_means_string(root->items[i],
                                     json_object_object_get(doc, root->keys[i]->text)));
    }
    gen_diags_free(&diags);
    gen_pool_free(&pool);
    gen_str_free(&out);
    json_object_put(doc);
}

/* ---- structure ---- */

typedef struct files {
    char **paths;
    size_t n;
} files;

static int collect(void *ctx, const char *relpath, const char *data, size_t len)
{
    (void)data;
    (void)len;
    files *f = ctx;
    f->paths = realloc(f->paths, (f->n + 1) * sizeof(*f->paths));
    f->paths[f->n++] = gen_xstrdup(relpath);
    return 0;
}

static int written(const files *f, const char *rel)
{
    for (size_t i = 0; i < f->n; i++)
        if (strcmp(f->paths[i], rel) == 0)
            return 1;
    return 0;
}

/* `../schemas/X#/properties/Y`: the schema file X (written by the schema target, or committed
 * under `committed`), and member Y of its properties. */
static int ref_resolves(const char *ref, const files *f, const char *committed)
{
    if (strncmp(ref, "../", 3) != 0)
        return 0;
    const char *hash = strchr(ref, '#');
    char *rel = hash ? gen_xstrndup(ref + 3, (size_t)(hash - ref - 3)) : gen_xstrdup(ref + 3);
    int ok = written(f, rel);
    if (ok && committed) {
        char *path = gen_format("%s/%s", committed, rel);
        json_object *s = json_object_from_file(path);
        ok = s != NULL;
        if (ok && hash) {
            /* "#/properties/NAME" only. */
            const char *member = strncmp(hash, "#/properties/", 13) == 0 ? hash + 13 : NULL;
            json_object *props = NULL;
            ok = member && json_object_object_get_ex(s, "properties", &props) &&
                 json_object_object_get_ex(props, member, NULL);
        }
        json_object_put(s);
        free(path);
    }
    free(rel);
    return ok;
}

static const gen_node *get(const gen_node *n, const char *key)
{
    return n && n->kind == GEN_NODE_MAP ? gen_map_get(n, key) : NULL;
}

static const char *text(const gen_node *n)
{
    return n && n->kind == GEN_NODE_SCALAR ? n->text : "";
}

static void structure(const char *catalog, int committed_schemas)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", source_dir, catalog);
    gen_diags diags;
    gen_diags_init(&diags);
    gen_model *m = gen_model_load(path, &diags);
    gen_diags_free(&diags);
    CHECK(m != NULL);
    if (m == NULL)
        return;
    json_object *doc = gen_asyncapi_document(m);
    files f = {0};
    CHECK(gen_emit_schema(m, NULL, collect, &f) == 0);
    gen_str out;
    gen_str_init(&out);
    gen_yaml_write(&out, doc);
    /* The file the back end writes, message by message, is the banner and that text. */
    gen_outputs written = {NULL, 0, 0};
    gen_sink sink = gen_outputs_sink(&written);
    CHECK(gen_emit_asyncapi(m, "x.yaml", "9.9.9", "out", &sink) == 0 && written.n == 1);
    if (written.n == 1) {
        const char *banner = "# Generated by eventc 9.9.9 from x.yaml. DO NOT EDIT.\n";
        size_t blen = strlen(banner);
        CHECK(written.items[0].len == blen + out.len &&
              memcmp(written.items[0].data, banner, blen) == 0 &&
              memcmp(written.items[0].data + blen, out.data, out.len) == 0);
        char *expect = gen_format("out/asyncapi/%s.asyncapi.yaml", m->name);
        CHECK_STR(written.items[0].path, expect);
        free(expect);
    }
    gen_outputs_free(written.items, written.n);
    gen_pool pool;
    gen_pool_init(&pool);
    gen_diags_init(&diags);
    gen_node *root = gen_load_yaml_buffer(&pool, out.data, out.len, catalog, 0, &diags);
    CHECK(root != NULL && same(root, doc));
    char *schemas = committed_schemas ? gen_format("%s", source_dir) : NULL;
    const gen_node *channels = get(root, "channels");
    const gen_node *messages = get(get(root, "components"), "messages");
    CHECK_STR(text(get(root, "asyncapi")), "3.0.0");
    for (size_t i = 0; i < m->n_events; i++) {
        const gen_event *e = m->events[i];
        /* One message, marked with its event. */
        const gen_node *msg = get(messages, e->name);
        CHECK(msg != NULL);
        CHECK_STR(text(get(msg, "x-eventc-event")), e->name);
        size_t in_channels = 0;
        for (size_t c = 0; channels && c < channels->len; c++) {
            const gen_node *ch = channels->items[c];
            const gen_node *r = get(get(ch, "messages"), e->name);
            if (r == NULL)
                continue;
            in_channels++;
            CHECK_STR(text(get(ch, "address")), e->route_topic);
            char *want = gen_format("#/components/messages/%s", e->name);
            CHECK_STR(text(get(r, "$ref")), want);
            free(want);
        }
        CHECK(in_channels == 1);
        /* Payload and key by reference to the schema target's files. */
        const gen_node *payload = get(msg, "payload");
        CHECK_STR(text(get(payload, "schemaFormat")), "application/schema+json;version=draft-07");
        const char *pref = text(get(get(payload, "schema"), "$ref"));
        CHECK(ref_resolves(pref, &f, schemas));
        const char *kref = text(get(get(get(get(msg, "bindings"), "kafka"), "key"), "$ref"));
        CHECK(ref_resolves(kref, &f, schemas));
        /* The key is the route's partition key field. */
        const char *kname = strrchr(kref, '/');
        CHECK(e->route_key != NULL && kname != NULL && strcmp(kname + 1, e->route_key->name) == 0);
        /* Every field with personal data, the envelope's included, in x-eventc-pii and in the
         * description text. */
        const gen_node *pii = get(msg, "x-eventc-pii");
        const char *desc = text(get(msg, "description"));
        const char *notes = strstr(desc, "Personal data (pii): ");
        size_t n_pii = 0;
        for (size_t j = 0; j < e->n_fields + m->n_envelope; j++) {
            const gen_field *fd = j < e->n_fields ? &e->fields[j] : &m->envelope[j - e->n_fields];
            if (!fd->pii)
                continue;
            CHECK(pii && n_pii < pii->len && strcmp(text(pii->items[n_pii]), fd->name) == 0);
            char *quoted = gen_format("`%s`", fd->name);
            CHECK(notes != NULL && strstr(notes, quoted) != NULL);
            free(quoted);
            n_pii++;
        }
        CHECK(n_pii > 0 ? pii && pii->len == n_pii : pii == NULL && notes == NULL);
        /* The CloudEvents type, in the headers. */
        const gen_node *ht = get(get(get(msg, "headers"), "properties"), "ce_type");
        CHECK(ht != NULL && strstr(text(get(ht, "const")), ".") != NULL);
    }
    /* Every channel's messages are exactly its events, then its structured-mode message. */
    size_t events_seen = 0;
    for (size_t c = 0; channels && c < channels->len; c++) {
        const gen_node *ch = channels->items[c];
        const char *topic = text(get(ch, "address"));
        const gen_node *ms = get(ch, "messages");
        size_t k = 0;
        int64_t partitions = 0;
        for (size_t i = 0; i < m->n_events; i++) {
            if (strcmp(m->events[i]->route_topic, topic) != 0)
                continue;
            CHECK(ms && k < ms->len && strcmp(ms->keys[k]->text, m->events[i]->name) == 0);
            if (m->events[i]->route_partitions > 0)
                partitions = m->events[i]->route_partitions;
            k++;
        }
        /* The Kafka channel binding: the topic, and its partitions when declared. */
        const gen_node *kb = get(get(ch, "bindings"), "kafka");
        CHECK_STR(text(get(kb, "topic")), topic);
        if (partitions > 0) {
            char want[32];
            snprintf(want, sizeof want, "%lld", (long long)partitions);
            CHECK_STR(text(get(kb, "partitions")), want);
            partitions_seen++;
        } else {
            CHECK(get(kb, "partitions") == NULL);
        }
        events_seen += k;
        CHECK(ms && k + 1 == ms->len);
        char *structured = gen_format("%s_cloudevent", channels->keys[c]->text);
        CHECK(ms && k < ms->len && strcmp(ms->keys[k]->text, structured) == 0);
        const gen_node *sm = get(messages, structured);
        CHECK_STR(text(get(sm, "contentType")), "application/cloudevents+json");
        const gen_node *one = get(get(get(sm, "payload"), "schema"), "oneOf");
        CHECK(one && one->len == k);
        for (size_t i = 0; one && i < one->len; i++)
            CHECK(ref_resolves(text(get(one->items[i], "$ref")), &f, schemas));
        free(structured);
        /* send and receive. */
        char *send = gen_format("send_%s", channels->keys[c]->text);
        char *receive = gen_format("receive_%s", channels->keys[c]->text);
        CHECK_STR(text(get(get(get(root, "operations"), send), "action")), "send");
        CHECK_STR(text(get(get(get(root, "operations"), receive), "action")), "receive");
        free(send);
        free(receive);
    }
    CHECK(events_seen == m->n_events);
    CHECK(messages && messages->len == m->n_events + (channels ? channels->len : 0));
    free(schemas);
    for (size_t i = 0; i < f.n; i++)
        free(f.paths[i]);
    free(f.paths);
    gen_diags_free(&diags);
    gen_pool_free(&pool);
    gen_str_free(&out);
    json_object_put(doc);
    gen_model_free(m);
}

static void servers(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/catalog/messaging.yaml", source_dir);
    gen_diags diags;
    gen_diags_init(&diags);
    gen_model *m = gen_model_load(path, &diags);
    gen_diags_free(&diags);
    CHECK(m != NULL);
    if (m == NULL)
        return;
    json_object *doc = gen_asyncapi_document(m);
    json_object *s = NULL, *kafka = NULL, *http = NULL;
    CHECK(json_object_object_get_ex(doc, "servers", &s));
    CHECK(json_object_object_get_ex(s, "kafka", &kafka) &&
          strcmp(json_object_get_string(json_object_object_get(kafka, "protocol")), "kafka") == 0);
    CHECK(json_object_object_get_ex(s, "webhooks", &http) &&
          strcmp(json_object_get_string(json_object_object_get(http, "pathname")),
                 "/messaging/events") == 0);
    json_object_put(doc);
    gen_model_free(m);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        source_dir = argv[1];
    yaml_writer();
    structure("catalog/messaging.yaml", 1);
    /* Every golden catalog. */
    char dir[4096];
    snprintf(dir, sizeof dir, "%s/tests/golden", source_dir);
    DIR *d = opendir(dir);
    CHECK(d != NULL);
    struct dirent *de;
    int cases = 0;
    while (d && (de = readdir(d)) != NULL) {
        char cat[4096], full[8192];
        snprintf(cat, sizeof cat, "tests/golden/%s/catalog.yaml", de->d_name);
        snprintf(full, sizeof full, "%s/%s", source_dir, cat);
        FILE *fp = de->d_name[0] != '.' ? fopen(full, "r") : NULL;
        if (fp == NULL)
            continue;
        fclose(fp);
        structure(cat, 0);
        cases++;
    }
    if (d)
        closedir(d);
    CHECK(cases >= 4);
    CHECK(partitions_seen > 0);
    structure("docs/examples/library.yaml", 0);
    servers();
    return check_report();
}
