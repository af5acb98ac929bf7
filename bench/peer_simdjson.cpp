/* The simdjson peer: simdjson's On-Demand API (C++17) decoding into the generated msg_event
 * under the catalog's rules, as a careful user writes it for speed.
 *
 * The top-level object is searched for event_name first (find_field_unordered: the first
 * member in practice), then rewound and walked member by member: each key is matched against
 * the event's table (peer_rules.h), trying the member after the previous match first; known
 * values are read with the typed getters and checked at once, strings copied into a bump arena
 * reused from one event to the next. Unknown members are walked completely (objects, arrays,
 * every key and scalar), because On-Demand only validates what is read, and strictness is part
 * of the job: stage 1 checks UTF-8 and unescaped control characters for the whole document,
 * get_string() checks escapes and surrogates, a trailing token is refused.
 *
 * Differences that remain, both in simdjson's favour: a duplicated member is refused only among
 * the event's known members, and a number inside an unknown member must fit a double. */
#include "bench.h"
#include "peer_rules.h"

#include <simdjson.h>

#include <cstring>
#include <new>

using namespace simdjson;

static_assert(BENCH_PADDING >= SIMDJSON_PADDING, "documents must carry simdjson's padding");

struct sj_peer {
    ondemand::parser parser;
    pr_arena arena;
    char *copy; // a padded copy, for callers whose text has no padding
    size_t copy_cap;
};

sj_peer *sj_peer_new(void)
{
    sj_peer *p = new (std::nothrow) sj_peer();
    if (p)
        std::memset(&p->arena, 0, sizeof(p->arena));
    return p;
}

void sj_peer_free(sj_peer *p)
{
    if (!p)
        return;
    pr_arena_free(&p->arena);
    std::free(p->copy);
    delete p;
}

const char *sj_version(void)
{
    return SIMDJSON_STRINGIFY(SIMDJSON_VERSION);
}

// The kernels On-Demand was compiled with; stage 1 runs the library's active implementation.
const char *sj_implementation(void)
{
    return SIMDJSON_STRINGIFY(SIMDJSON_BUILTIN_IMPLEMENTATION);
}

namespace
{

// Walks any value completely so that everything in it is validated.
bool validate(ondemand::value v, int depth)
{
    ondemand::json_type t;
    if (depth > 64 || v.type().get(t))
        return false;
    switch (t) {
    case ondemand::json_type::object: {
        ondemand::object o;
        if (v.get_object().get(o))
            return false;
        for (auto fr : o) {
            std::string_view k;
            if (fr.error())
                return false;
            ondemand::field f = std::move(fr).value_unsafe();
            if (f.unescaped_key().get(k) || !validate(f.value(), depth + 1))
                return false;
        }
        return true;
    }
    case ondemand::json_type::array: {
        ondemand::array a;
        if (v.get_array().get(a))
            return false;
        for (auto item : a) {
            if (item.error() || !validate(item.value_unsafe(), depth + 1))
                return false;
        }
        return true;
    }
    case ondemand::json_type::string: {
        std::string_view s;
        return !v.get_string().get(s);
    }
    case ondemand::json_type::number: {
        double d;
        return !v.get_double().get(d);
    }
    case ondemand::json_type::boolean: {
        bool b;
        return !v.get_bool().get(b);
    }
    case ondemand::json_type::null: {
        bool n = false;
        return !v.is_null().get(n) && n;
    }
    }
    return false;
}

// The key of a field as raw text, unescaped only when it holds an escape.
bool key_of(ondemand::field &f, std::string_view &out)
{
    const char *k = f.key().raw();
    size_t n = 0;
    while (k[n] != '"') {
        if (k[n] == '\\')
            return !f.unescaped_key().get(out);
        n++;
    }
    out = std::string_view(k, n);
    return true;
}

const char *read_string(pr_arena *a, ondemand::value &v, const pr_member &m, const char **out)
{
    std::string_view s;
    if (v.get_string().get(s))
        return "not a string";
    if (std::memchr(s.data(), 0, s.size()))
        return "U+0000 in a string";
    if (m.min_chars && !pr_min_chars(s.data(), s.size(), m.min_chars))
        return "too short";
    if (!(*out = pr_strdup(a, s.data(), s.size())))
        return "out of memory";
    return nullptr;
}

const char *read_names(pr_arena *a, ondemand::value &v, msg_event *ev, const pr_member &m)
{
    ondemand::array arr;
    if (v.get_array().get(arr))
        return "not an array";
    const char **items = nullptr;
    size_t n = 0, cap = 0;
    for (auto item : arr) {
        std::string_view s;
        if (item.get_string().get(s))
            return "item not a string";
        if (!pr_is_snake_case(s.data(), s.size()))
            return "item not snake_case";
        if (n == cap) {
            size_t ncap = cap ? cap * 2 : 16;
            const char **grown = (const char **)pr_alloc(a, ncap * sizeof(*grown));
            if (!grown)
                return "out of memory";
            if (n)
                std::memcpy(grown, items, n * sizeof(*items));
            items = grown;
            cap = ncap;
        }
        if (!(items[n++] = pr_strdup(a, s.data(), s.size())))
            return "out of memory";
    }
    if (n == 0)
        return "empty";
    if (!pr_unique(items, n))
        return "items not unique";
    *(const char ***)pr_slot(ev, &m) = items;
    *(size_t *)((char *)ev + m.count_offset) = n;
    return nullptr;
}

const char *read_member(pr_arena *a, const pr_event *e, const pr_member &m, ondemand::value &v,
                        msg_event *ev)
{
    switch (m.kind) {
    case PR_STRING:
        return read_string(a, v, m, (const char **)pr_slot(ev, &m));
    case PR_CONST: {
        std::string_view s;
        const char *c = m.constant ? m.constant : e->name;
        if (v.get_string().get(s))
            return "not a string";
        if (s.size() != std::strlen(c) || std::memcmp(s.data(), c, s.size()) != 0)
            return "wrong constant";
        *(const char **)pr_slot(ev, &m) = c; // the constant itself: nothing to copy
        return nullptr;
    }
    case PR_TIMESTAMP: {
        std::string_view s;
        if (v.get_string().get(s))
            return "not a string";
        if (eventc_timestamp_parse(s.data(), s.size(), (eventc_timestamp *)pr_slot(ev, &m)))
            return "not a timestamp";
        return nullptr;
    }
    case PR_INT64: {
        int64_t x;
        error_code err = v.get_int64().get(x);
        if (err == INCORRECT_TYPE) {
            // 1.0 and 1e2 are integers, as in JSON Schema.
            double d;
            if (v.get_double().get(d) || !(d >= -9.2e18 && d <= 9.2e18) || d != (double)(int64_t)d)
                return "not an integer";
            x = (int64_t)d;
        } else if (err) {
            return "not an integer";
        }
        if (x < 1)
            return "below the minimum";
        *(int64_t *)pr_slot(ev, &m) = x;
        return nullptr;
    }
    case PR_ENUM: {
        std::string_view s;
        if (v.get_string().get(s))
            return "not a string";
        int i = pr_enum(m.enum_names, m.enum_count, s.data(), s.size());
        if (i < 0)
            return "not an allowed value";
        *(int *)pr_slot(ev, &m) = i;
        return nullptr;
    }
    case PR_NAMES:
        return read_names(a, v, ev, m);
    }
    return "bad table";
}

const char *decode(sj_peer *p, const char *json, size_t len, size_t cap, msg_event *ev)
{
    ondemand::document doc;
    ondemand::object obj;
    std::string_view name;
    if (p->parser.iterate(json, len, cap).get(doc))
        return "syntax";
    if (doc.get_object().get(obj))
        return "not an object";
    if (obj.find_field_unordered("event_name").get_string().get(name))
        return "event_name: missing or not a string";
    const pr_event *e = pr_find_event(name.data(), name.size());
    if (!e)
        return "event_name: unknown";
    bool rewound;
    if (obj.reset().get(rewound))
        return "syntax";
    ev->kind = e->kind;
    unsigned seen = 0, hint = 0;
    for (auto fr : obj) {
        std::string_view k;
        if (fr.error())
            return "syntax";
        ondemand::field f = std::move(fr).value_unsafe();
        if (!key_of(f, k))
            return "syntax";
        ondemand::value &v = f.value();
        int i = pr_find_member(e, k.data(), k.size(), &hint);
        if (i < 0) {
            if (!validate(v, 1))
                return "invalid unknown member";
            continue;
        }
        if (seen & (1u << i))
            return "duplicate member";
        seen |= 1u << i;
        if (const char *why = read_member(&p->arena, e, e->members[i], v, ev))
            return why;
    }
    if ((seen & e->required) != e->required)
        return "missing member";
    const char *at;
    if (doc.current_location().get(at) != OUT_OF_BOUNDS)
        return "text after the value";
    return nullptr;
}

} // namespace

int sj_decode(sj_peer *p, const char *json, size_t len, size_t cap, msg_event *ev, const char **why)
{
    std::memset(ev, 0, sizeof(*ev));
    pr_arena_reset(&p->arena);
    if (cap < len + SIMDJSON_PADDING) {
        if (p->copy_cap < len + SIMDJSON_PADDING) {
            char *c = (char *)std::realloc(p->copy, len + SIMDJSON_PADDING);
            if (!c) {
                if (why)
                    *why = "out of memory";
                return -1;
            }
            p->copy = c;
            p->copy_cap = len + SIMDJSON_PADDING;
        }
        std::memcpy(p->copy, json, len);
        std::memset(p->copy + len, 0, SIMDJSON_PADDING);
        json = p->copy;
        cap = p->copy_cap;
    }
    const char *w = decode(p, json, len, cap, ev);
    if (why)
        *why = w;
    if (w) {
        std::memset(ev, 0, sizeof(*ev));
        return -1;
    }
    return 0;
}
