/* The C back end's building blocks: escaping for comments and string literals, comment wrapping,
 * the line layouts pinned against clang-format output, constant literals, the writer, the
 * template set, and the view model of the library example. */
#define _POSIX_C_SOURCE 200809L

#include "check.h"
#include "backends/emit_c.h"
#include "render/templates.h"
#include "base/util.h"
#include "views/c_text.h"
#include "views/viewmodel.h"
#include "io/writer.h"
#include "front/check.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static const char *source_dir = ".";

#define CHECK_OWN(expr, want)  \
    do {                       \
        char *got_ = (expr);   \
        CHECK_STR(got_, want); \
        free(got_);            \
    } while (0)

/* Every line of `s` fits in `cols` columns (bytes; the tests use ASCII there). */
static int lines_fit(const char *s, size_t cols)
{
    while (*s) {
        size_t n = strcspn(s, "\n");
        if (n > cols)
            return 0;
        s += n;
        if (*s)
            s++;
    }
    return 1;
}

static void test_comment_escape(void)
{
    CHECK_OWN(gen_c_comment_escape("a */ b /* c"), "a *\\/ b /\\* c");
    CHECK_OWN(gen_c_comment_escape("/*/"), "/\\*\\/");
    /* `?\?` spells two question marks in this file without making a trigraph. */
    CHECK_OWN(gen_c_comment_escape("?\?/ ?\?= ?\?? ?"), "?\\?/ ?\\?= ?\?? ?");
    CHECK_OWN(gen_c_comment_escape("?\?\?/"), "?\?\\?/");
    CHECK_OWN(gen_c_comment_escape("tab\there\r\nnext\rlast"), "tab here\nnext\nlast");
    CHECK_OWN(gen_c_comment_escape("caf\xc3\xa9 \xf0\x9f\x98\x80"), "caf\xc3\xa9 \xf0\x9f\x98\x80");
    CHECK_OWN(gen_c_comment_escape("x\xe2\x80\xaey"), "x<U+202E>y");
    CHECK_OWN(gen_c_comment_escape("bad\xff"), "bad\xef\xbf\xbd");
}

static void test_comment_wrap(void)
{
    CHECK_OWN(gen_c_comment_wrap("one\ntwo", 0, 3), "one two");
    CHECK_OWN(gen_c_comment_wrap("para one\n\npara two", 4, 8),
              "para one\n     *\n     * para two");
    CHECK_OWN(gen_c_comment_wrap("list:\n- a\n- b\n@param x y", 0, 3),
              "list:\n * - a\n * - b\n * @param x y");
    gen_str long_text;
    gen_str_init(&long_text);
    for (int i = 0; i < 60; i++)
        gen_str_puts(&long_text, "word ");
    char *w = gen_c_comment_wrap(long_text.data, 4, 8);
    CHECK(lines_fit(w, GEN_C_COMMENT_COLUMNS));
    CHECK(strstr(w, " \n") == NULL);
    CHECK(strstr(w, "\n     * word") != NULL);
    free(w);
    gen_str_free(&long_text);

    CHECK_OWN(gen_c_doc_comment("Short.", 4), "/** Short. */");
    CHECK_OWN(gen_c_doc_comment("", 0), "");
    CHECK_OWN(gen_c_doc_comment("Line one.\n\nLine two.", 0),
              "/**\n * Line one.\n *\n * Line two.\n */");
}

static void test_string_escape(void)
{
    CHECK_OWN(gen_c_string_escape("a\\b\"c?d", 7), "a\\\\b\\\"c\\?d");
    CHECK_OWN(gen_c_string_escape("l1\nl2\tx\r", 8), "l1\\nl2\\tx\\r");
    CHECK_OWN(gen_c_string_escape("\x01z", 2), "\\001z");
    /* Three-digit escapes: the digit after the escape stays a digit. */
    CHECK_OWN(gen_c_string_escape("\xc3\xa9"
                                  "1",
                                  3),
              "\\303\\2511");
    CHECK_OWN(gen_c_string_escape("?\?/", 3), "\\?\\?/");

    CHECK_OWN(gen_c_string_literal("short", 10, 1), "\"short\"");
    CHECK_OWN(gen_c_string_literal("", 10, 1), "\"\"");
    gen_str s;
    gen_str_init(&s);
    for (int i = 0; i < 40; i++)
        gen_str_puts(&s, "caf\xc3\xa9 ");
    char *lit = gen_c_string_literal(s.data, 19, 1);
    CHECK(lines_fit(lit, GEN_C_COLUMNS));
    CHECK(strcspn(lit, "\n") <= GEN_C_COLUMNS - 19);
    /* Pieces joined back give the escaped text: no escape was cut. */
    char *esc = gen_c_string_escape(s.data, s.len);
    gen_str joined;
    gen_str_init(&joined);
    for (const char *p = lit; *p; p++) {
        if (*p == '"') {
            const char *q = p + 1;
            while (*q != '"' || q[-1] == '\\')
                q++;
            gen_str_append(&joined, p + 1, (size_t)(q - p - 1));
            p = q;
        }
    }
    CHECK_STR(joined.data, esc);
    CHECK(strstr(lit, "\n                   \"") != NULL);
    gen_str_free(&joined);
    free(esc);
    free(lit);
    gen_str_free(&s);
    /* A piece ends after an escaped newline when there is one. */
    CHECK_OWN(gen_c_string_literal("first line of the text\nsecond line of the text, which is "
                                   "long enough to need a second piece",
                                   19, 1),
              "\"first line of the text\\n\"\n                   \"second line of the text, "
              "which is long enough to need a second piece\"");
}

/* Layouts taken from clang-format 14 runs with the project's .clang-format. */
static void test_layouts(void)
{
    const char *p1[] = {"msg_conversation_participant_removed *ev", "const char *json",
                        "size_t len", "const eventc_decode_options *opts", "eventc_error *err"};
    CHECK_OWN(gen_c_layout_function(0, "EVENTC_NODISCARD eventc_status ",
                                    "msg_conversation_participant_removed_from_json_ex", p1, 5,
                                    ";"),
              "EVENTC_NODISCARD eventc_status msg_conversation_participant_removed_from_json_ex(\n"
              "    msg_conversation_participant_removed *ev, const char *json, size_t len,\n"
              "    const eventc_decode_options *opts, eventc_error *err);");
    const char *p2[] = {"msg_customer_created *ev", "const char *actor", "const char *customer_id",
                        "const char *name", "eventc_error *err"};
    CHECK_OWN(gen_c_layout_function(0, "EVENTC_NODISCARD eventc_status ",
                                    "msg_customer_created_init", p2, 5, ";"),
              "EVENTC_NODISCARD eventc_status msg_customer_created_init(msg_customer_created *ev,\n"
              "                                                         const char *actor, const "
              "char *customer_id,\n"
              "                                                         const char *name, "
              "eventc_error *err);");
    const char *p3[] = {"eventc_error *mbedjih_fecided"};
    CHECK_OWN(gen_c_layout_function(0, "EVENTC_NODISCARD eventc_status ",
                                    "mfejibhebaeaj_abgbaddjgcbhc_dcbggieiehf", p3, 1, ";"),
              "EVENTC_NODISCARD eventc_status\n"
              "mfejibhebaeaj_abgbaddjgcbhc_dcbggieiehf(eventc_error *mbedjih_fecided);");
    const char *p4[] = {"size_t mejdjgcfjfifd_bgcadged_g__da", "eventc_error *mfeijhhiidhad_ahe"};
    CHECK_OWN(gen_c_layout_function(0, "int ",
                                    "mfjj_haie_ehagcddagbjigdjbechaceefgahbibbcfadbagegjafihdghbgc",
                                    p4, 2, ";"),
              "int mfjj_haie_ehagcddagbjigdjbechaceefgahbibbcfadbagegjafihdghbgc(\n"
              "    size_t mejdjgcfjfifd_bgcadged_g__da, eventc_error *mfeijhhiidhad_ahe);");
    CHECK_OWN(gen_c_layout_function(0, "void ", "f", NULL, 0, ""), "void f(void)");

    const char *a1[] = {"&mheiefchabghfah_dcfcdhcefd", "&majhe__hhhfggbdfafb_gihfcdbehhhfhibhjei_",
                        "&mjcgbcgbgidcai_jbbb_fb_ji_fg_gbg_heghgjijchjhg"};
    CHECK_OWN(gen_c_layout_call(4, "st_ = ", "megfhf_eb_faedjbjeae", a1, 3, ";"),
              "st_ =\n        megfhf_eb_faedjbjeae(&mheiefchabghfah_dcfcdhcefd, "
              "&majhe__hhhfggbdfafb_gihfcdbehhhfhibhjei_,\n"
              "                             &mjcgbcgbgidcai_jbbb_fb_ji_fg_gbg_heghgjijchjhg);");
    const char *a2[] = {"&msg_x_desc", "ev", "err"};
    CHECK_OWN(gen_c_layout_call(4, "return ", "eventc_validate", a2, 3, ";"),
              "return eventc_validate(&msg_x_desc, ev, err);");

    CHECK_OWN(gen_c_layout_split(4, "ev->a", " = ", "b;"), "ev->a = b;");
    CHECK_OWN(gen_c_layout_member(4, "const char **", "name"), "const char **name;");
    char *type = gen_format("msg_%080d", 0);
    char *m = gen_c_layout_member(4, "const char **", type);
    char *want = gen_format("const char\n        **%s;", type);
    CHECK_STR(m, want);
    free(want);
    free(m);
    free(type);
}

static void test_literals(void)
{
    CHECK_OWN(gen_c_double_literal(0.1), "0.1");
    CHECK_OWN(gen_c_double_literal(10000), "10000.0");
    CHECK_OWN(gen_c_double_literal(-0.5), "-0.5");
    CHECK_OWN(gen_c_double_literal(1e300), "1e+300");
    CHECK_OWN(gen_c_double_literal(0.30000000000000004), "0.30000000000000004");
    CHECK_OWN(gen_c_int64_literal(INT64_MIN), "INT64_MIN");
    CHECK_OWN(gen_c_int64_literal(INT64_MAX), "INT64_MAX");
    CHECK_OWN(gen_c_int64_literal(-5), "-5");
    CHECK_OWN(gen_c_int64_literal(5000000000), "INT64_C(5000000000)");
    CHECK_OWN(gen_c_declaration("const char *", "s"), "const char *s");
    CHECK_OWN(gen_c_declaration("int64_t", "n"), "int64_t n");
}

static void test_writer(void)
{
    char dir[] = "/tmp/eventc_writer_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *path = gen_format("%s/a/b/out.txt", dir);
    char err[256];
    CHECK(gen_write_file(path, "one\n", 4, true, err, sizeof err) == GEN_WRITE_CHANGED);
    struct stat st;
    CHECK(stat(path, &st) != 0);
    CHECK(gen_write_file(path, "one\n", 4, false, err, sizeof err) == GEN_WRITE_CHANGED);
    CHECK(stat(path, &st) == 0 && st.st_size == 4);
    ino_t inode = st.st_ino;
    CHECK(gen_write_file(path, "one\n", 4, false, err, sizeof err) == GEN_WRITE_UNCHANGED);
    CHECK(stat(path, &st) == 0 && st.st_ino == inode);
    CHECK(gen_write_file(path, "one\n", 4, true, err, sizeof err) == GEN_WRITE_UNCHANGED);
    CHECK(gen_write_file(path, "two\n", 4, true, err, sizeof err) == GEN_WRITE_CHANGED);
    CHECK(gen_write_file(path, "one", 3, true, err, sizeof err) == GEN_WRITE_CHANGED);
    CHECK(chmod(path, 0640) == 0);
    CHECK(gen_write_file(path, "two\n", 4, false, err, sizeof err) == GEN_WRITE_CHANGED);
    CHECK(stat(path, &st) == 0 && (st.st_mode & 0777) == 0640);
    char *text;
    size_t len;
    CHECK(gen_read_file(path, 100, &text, &len) == 0 && len == 4 && memcmp(text, "two\n", 4) == 0);
    free(text);

    /* A path through a regular file cannot be created. */
    char *bad = gen_format("%s/a/b/out.txt/c.txt", dir);
    CHECK(gen_write_file(bad, "x", 1, false, err, sizeof err) == GEN_WRITE_FAILED);
    CHECK(strstr(err, "out.txt") != NULL);
    free(bad);

    unlink(path);
    char *sub = gen_format("%s/a/b", dir);
    rmdir(sub);
    free(sub);
    sub = gen_format("%s/a", dir);
    rmdir(sub);
    free(sub);
    rmdir(dir);
    free(path);
}

static void test_templates(void)
{
    gen_template_set t;
    gen_templates_init(&t, NULL);
    size_t len;
    const char *origin;
    const char *text = gen_templates_get(&t, "c/header.mustache", &len, &origin, NULL, 0);
    CHECK(text != NULL && len > 100 && strstr(text, "{{{guard}}}") != NULL);
    CHECK_STR(origin, "templates/c/header.mustache");
    CHECK(gen_templates_get(&t, "c/nosuch.mustache", &len, NULL, NULL, 0) == NULL);
    gen_templates_free(&t);

    char dir[] = "/tmp/eventc_tpl_XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    char *c = gen_format("%s/c", dir);
    CHECK(gen_mkdirs(c) == 0);
    char *file = gen_format("%s/c/header.mustache", dir);
    char err[256];
    CHECK(gen_write_file(file, "[{{> part}}]", 12, false, err, sizeof err) == GEN_WRITE_CHANGED);
    char *part = gen_format("%s/c/part.mustache", dir);
    CHECK(gen_write_file(part, "{{name}}", 8, false, err, sizeof err) == GEN_WRITE_CHANGED);
    gen_templates_init(&t, dir);
    json_object *data = json_object_new_object();
    json_object_object_add(data, "name", json_object_new_string("x"));
    char *out = gen_templates_render(&t, "c/header.mustache", data, &len, err, sizeof err);
    CHECK_STR(out, "[x]");
    free(out);
    CHECK(gen_templates_overrides(&t, NULL) != NULL);
    json_object_put(data);
    gen_templates_free(&t);
    unlink(part);
    unlink(file);
    rmdir(c);
    rmdir(dir);
    free(part);
    free(file);
    free(c);
}

static void test_viewmodel(void)
{
    char *path = gen_format("%s/docs/examples/library.yaml", source_dir);
    gen_diags diags;
    gen_diags_init(&diags);
    gen_model *m = gen_model_load(path, &diags);
    CHECK(m != NULL);
    if (!m) {
        gen_diags_print(&diags, stderr);
        gen_diags_free(&diags);
        free(path);
        return;
    }
    gen_vm_options opt = {"docs/examples/library.yaml", "9.9.9", false};
    json_object *vm = gen_viewmodel_c(m, &opt, &diags);
    CHECK(vm != NULL);
    json_object *v;
    CHECK(json_object_object_get_ex(vm, "guard", &v) &&
          strcmp(json_object_get_string(v), "EVENTC_GEN_LIB_LIBRARY_H") == 0);
    CHECK(json_object_object_get_ex(vm, "banner_c_comment", &v) &&
          strcmp(json_object_get_string(v), "/* Generated by eventc 9.9.9 from "
                                            "docs/examples/library.yaml. DO NOT EDIT. */") == 0);
    CHECK(json_object_object_get_ex(vm, "events", &v) && json_object_array_length(v) == 5);
    json_object *ev = json_object_array_get_idx(v, 0), *f;
    CHECK(json_object_object_get_ex(ev, "c_type", &f) &&
          strcmp(json_object_get_string(f), "lib_book_acquired") == 0);
    CHECK(json_object_object_get_ex(ev, "kind_const", &f) &&
          strcmp(json_object_get_string(f), "LIB_EVENT_BOOK_ACQUIRED") == 0);
    json_object *init, *params, *last;
    CHECK(json_object_object_get_ex(ev, "fn_init", &init) &&
          json_object_object_get_ex(init, "params", &params));
    size_t n = json_object_array_length(params);
    CHECK(n >= 4);
    CHECK(json_object_object_get_ex(json_object_array_get_idx(params, n - 1), "last", &last) &&
          json_object_get_boolean(last));

    gen_template_set t;
    gen_templates_init(&t, NULL);
    gen_outputs all = {NULL, 0, 0};
    gen_sink sink = gen_outputs_sink(&all);
    char err[512];
    CHECK(gen_emit_c(vm, &t, "out", &sink, err, sizeof err) == 0);
    gen_output *outs = all.items;
    size_t n_outs = all.n;
    CHECK(n_outs == 4);
    CHECK_STR(outs[0].path, "out/c/library.h");
    CHECK_STR(outs[1].path, "out/c/library.c");
    CHECK_STR(outs[2].path, "out/c/library_cloudevents.h");
    CHECK_STR(outs[3].path, "out/c/library_cloudevents.c");
    CHECK(strstr(outs[0].data, "typedef struct lib_book_acquired {") != NULL);
    CHECK(lines_fit(outs[1].data, GEN_C_COLUMNS));

    /* The view model for rendering builds its events and aggregates while the templates iterate
     * them: the same files, byte for byte, and the messaging files too. */
    opt.lazy = true;
    json_object *lazy = gen_viewmodel_c(m, &opt, &diags);
    CHECK(lazy != NULL && json_object_object_get_ex(lazy, "events", &v) &&
          json_object_array_length(v) == 0);
    gen_outputs again = {NULL, 0, 0};
    gen_sink again_sink = gen_outputs_sink(&again);
    CHECK(gen_emit_c(lazy, &t, "out", &again_sink, err, sizeof err) == 0);
    CHECK(again.n == n_outs);
    for (size_t i = 0; i < again.n && i < n_outs; i++)
        CHECK(again.items[i].len == outs[i].len &&
              memcmp(again.items[i].data, outs[i].data, outs[i].len) == 0);
    gen_outputs_free(again.items, again.n);
    gen_outputs eager_msg = {NULL, 0, 0}, lazy_msg = {NULL, 0, 0};
    gen_sink em = gen_outputs_sink(&eager_msg), lm = gen_outputs_sink(&lazy_msg);
    CHECK(gen_emit_c_messaging(vm, &t, "out", &em, err, sizeof err) == 0);
    CHECK(gen_emit_c_messaging(lazy, &t, "out", &lm, err, sizeof err) == 0);
    CHECK(eager_msg.n == 2 && lazy_msg.n == 2);
    for (size_t i = 0; i < eager_msg.n && i < lazy_msg.n; i++)
        CHECK(eager_msg.items[i].len == lazy_msg.items[i].len &&
              memcmp(eager_msg.items[i].data, lazy_msg.items[i].data, lazy_msg.items[i].len) == 0);
    gen_outputs_free(eager_msg.items, eager_msg.n);
    gen_outputs_free(lazy_msg.items, lazy_msg.n);
    json_object_put(lazy);

    gen_outputs_free(outs, n_outs);
    gen_templates_free(&t);
    json_object_put(vm);
    gen_model_free(m);
    gen_diags_free(&diags);
    free(path);
}

int main(int argc, char **argv)
{
    if (argc > 1)
        source_dir = argv[1];
    test_comment_escape();
    test_comment_wrap();
    test_string_escape();
    test_layouts();
    test_literals();
    test_writer();
    test_templates();
    test_viewmodel();
    return check_report();
}
