/* Ownership in the runtime, through hand-written descriptors shaped like generated ones (the
 * arena first): eventc_own copies only what a value borrows and never frees memory another copy
 * uses; eventc_copy makes independent copies; the union functions find the arena without
 * trusting the kind; every call survives allocation failure at every point without leaking;
 * and stamps come from injected sources. */
#include "check.h"
#include "failing_alloc.h"

#include <eventc/eventc.h>

#include <stddef.h>
#include <stdint.h>

typedef struct note {
    eventc_arena *arena_;
    const char *text;
} note;

typedef struct item {
    eventc_arena *arena_;
    const char *name;
    size_t n_tags;
    const char **tags;
    note remark;
    const char *extra; /* json, optional */
} item;

typedef struct other {
    eventc_arena *arena_;
    int64_t count;
} other;

static const eventc_value_desc v_str = {.type = EVENTC_FT_STRING};
static const eventc_value_desc v_json = {.type = EVENTC_FT_JSON};
static const eventc_value_desc v_tags = {
    .type = EVENTC_FT_ARRAY, .items = &v_str, .item_size = sizeof(const char *)};
static const eventc_value_desc v_int = {.type = EVENTC_FT_INT64};
static const eventc_field_desc note_fields[] = {
    {"text", 4, 0, offsetof(note, text), SIZE_MAX, &v_str},
};
static const eventc_type_desc note_desc = {
    "Note", sizeof(note), offsetof(note, arena_), note_fields, 1, 1, NULL};
static const eventc_value_desc v_note = {.type = EVENTC_FT_OBJECT, .object = &note_desc};
static const eventc_field_desc item_fields[] = {
    {"event_name", 10, 0, offsetof(item, name), SIZE_MAX, &v_str},
    {"tags", 4, 0, offsetof(item, tags), offsetof(item, n_tags), &v_tags},
    {"remark", 6, 0, offsetof(item, remark), SIZE_MAX, &v_note},
    {"extra", 5, EVENTC_FF_OPTIONAL, offsetof(item, extra), SIZE_MAX, &v_json},
};
static const eventc_type_desc item_desc = {
    "Item", sizeof(item), offsetof(item, arena_), item_fields, 4, 1, NULL};
static const eventc_field_desc other_fields[] = {
    {"count", 5, 0, offsetof(other, count), SIZE_MAX, &v_int},
};
static const eventc_type_desc other_desc = {
    "Other", sizeof(other), offsetof(other, arena_), other_fields, 1, 1, NULL};

typedef struct any {
    int kind;
    union {
        item item;
        other other;
    } as;
} any;

static const eventc_event_entry types[] = {
    {"Item", "Box", 1, offsetof(any, as.item), &item_desc},
    {"Other", "Box", 2, offsetof(any, as.other), &other_desc},
};

/* A value whose members are all borrowed: stack strings, a stack array. */
static void borrowed(item *it, const char **tags, char *name)
{
    memset(it, 0, sizeof *it);
    it->name = name;
    it->tags = tags;
    it->n_tags = 2;
    it->remark.text = "remark";
    it->extra = "{\"k\":1}";
}

static void test_own(void)
{
    eventc_error err;
    const char *tags[] = {"a", "b"};
    char name[] = "Item";
    item it;
    borrowed(&it, tags, name);
    CHECK(eventc_own(&item_desc, &it, NULL, &err) == EVENTC_OK);
    CHECK(it.arena_ != NULL && it.remark.arena_ == NULL);
    CHECK(eventc_arena_owns(it.arena_, it.name) && eventc_arena_owns(it.arena_, it.tags) &&
          eventc_arena_owns(it.arena_, it.tags[1]) && eventc_arena_owns(it.arena_, it.extra) &&
          eventc_arena_owns(it.arena_, it.remark.text));
    name[0] = 'X';
    CHECK_STR(it.name, "Item");

    /* Owning again copies only what was assigned since: the owned strings stay where they are. */
    const char *owned_name = it.name;
    size_t used = eventc_arena_used(it.arena_);
    it.extra = "[2]";
    CHECK(eventc_own(&item_desc, &it, NULL, &err) == EVENTC_OK);
    CHECK(it.name == owned_name);
    CHECK(eventc_arena_used(it.arena_) == used + 4);
    CHECK(eventc_arena_owns(it.arena_, it.extra));

    /* A shallow copy (struct assignment) shares the arena: owning it releases nothing, so the
     * original stays valid; valgrind would report a read of freed memory otherwise. */
    item shallow = it;
    shallow.name = "Shallow";
    CHECK(eventc_own(&item_desc, &shallow, NULL, &err) == EVENTC_OK);
    CHECK(shallow.arena_ == it.arena_);
    CHECK_STR(it.name, "Item");
    CHECK_STR(it.tags[0], "a");
    CHECK_STR(shallow.name, "Shallow");
    CHECK(eventc_arena_owns(it.arena_, shallow.name));
    eventc_clear(&item_desc, &it); /* one of the two copies is cleared, once */

    CHECK(eventc_own(NULL, &it, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_own(&item_desc, NULL, NULL, &err) == EVENTC_E_INVALID_ARGUMENT);
}

static void test_copy(void)
{
    eventc_error err;
    const char *tags[] = {"a", "b"};
    char name[] = "Item";
    item src, dst = {0};
    borrowed(&src, tags, name);
    CHECK(eventc_own(&item_desc, &src, NULL, &err) == EVENTC_OK);
    CHECK(eventc_copy(&item_desc, &dst, &src, &err) == EVENTC_OK);
    CHECK(eventc_equal(&item_desc, &dst, &src));
    CHECK(dst.arena_ != src.arena_ && dst.name != src.name && dst.tags != src.tags &&
          dst.tags[0] != src.tags[0] && dst.remark.text != src.remark.text);
    eventc_clear(&item_desc, &src);
    CHECK_STR(dst.name, "Item");
    CHECK_STR(dst.tags[1], "b");
    CHECK_STR(dst.remark.text, "remark");

    /* Into a value that holds one: released after the copy, even when the source points into
     * it (a member of dst given as src would be read after the release otherwise). */
    item again;
    borrowed(&again, tags, name);
    again.name = dst.name;
    again.tags = dst.tags;
    CHECK(eventc_copy(&item_desc, &dst, &again, &err) == EVENTC_OK);
    CHECK_STR(dst.name, "Item");
    CHECK(eventc_copy(&item_desc, &dst, &dst, &err) == EVENTC_OK); /* onto itself: nothing */
    CHECK_STR(dst.tags[0], "a");
    eventc_clear(&item_desc, &dst);
    CHECK(dst.arena_ == NULL && dst.name == NULL);
}

static void test_union(void)
{
    eventc_error err;
    const char *tags[] = {"a", "b"};
    char name[] = "Item";
    any ev;
    memset(&ev, 0, sizeof ev);

    /* Built into a member without setting the kind: clearing still releases it. */
    borrowed(&ev.as.item, tags, name);
    CHECK(eventc_own(&item_desc, &ev.as.item, NULL, &err) == EVENTC_OK);
    CHECK(ev.kind == 0);
    eventc_clear_any(types, 2, &ev.kind, &ev);
    CHECK(ev.as.item.arena_ == NULL && ev.kind == 0);

    /* Decoding into such a union reuses the arena instead of leaking it. */
    borrowed(&ev.as.item, tags, name);
    CHECK(eventc_own(&item_desc, &ev.as.item, NULL, &err) == EVENTC_OK);
    eventc_arena *arena = ev.as.item.arena_;
    const char *doc = "{\"event_name\":\"Other\",\"count\":3}";
    CHECK(eventc_decode_any(types, 2, "event_name", &ev.kind, &ev, doc, strlen(doc), NULL, &err) ==
          EVENTC_OK);
    CHECK(ev.kind == 2 && ev.as.other.count == 3 && ev.as.other.arena_ == arena);

    /* Copies of a union; a failing decode leaves it cleared. */
    any copy;
    memset(&copy, 0, sizeof copy);
    CHECK(eventc_copy_any(types, 2, &copy.kind, &copy, ev.kind, &ev, &err) == EVENTC_OK);
    CHECK(copy.kind == 2 && copy.as.other.count == 3 && copy.as.other.arena_ != arena);
    CHECK(eventc_decode_any(types, 2, "event_name", &ev.kind, &ev, "{}", 2, NULL, &err) ==
          EVENTC_E_REQUIRED);
    CHECK(ev.kind == 0 && ev.as.other.arena_ == NULL);
    CHECK(eventc_copy_any(types, 2, &copy.kind, &copy, 0, &ev, &err) == EVENTC_OK);
    CHECK(copy.kind == 0 && copy.as.other.arena_ == NULL);
    CHECK(eventc_copy_any(types, 2, &copy.kind, &copy, 9, &ev, &err) == EVENTC_E_INVALID_ARGUMENT);
    eventc_clear_any(types, 2, &copy.kind, &copy);
    eventc_clear_any(NULL, 2, &copy.kind, &copy);
}

/* Every allocation of own and copy fails in turn: the call reports it, nothing leaks, and the
 * value is as documented (own: unchanged; copy: cleared). */
static void test_allocation_failures(void)
{
    const char *tags[] = {"a", "b"};
    char name[] = "Item";
    for (size_t n = 1; n < 40; n++) {
        failing f = {0};
        f.fail_at = n;
        eventc_allocator alloc = failing_allocator(&f);
        eventc_error err;
        item it, dst = {0};
        borrowed(&it, tags, name);
        eventc_status st = eventc_own(&item_desc, &it, &alloc, &err);
        if (st != EVENTC_OK) {
            CHECK(st == EVENTC_E_NOMEM && it.arena_ == NULL && it.name == name);
            CHECK(f.live_blocks == 0);
            continue;
        }
        st = eventc_copy(&item_desc, &dst, &it, &err);
        CHECK(st == EVENTC_OK || (st == EVENTC_E_NOMEM && dst.arena_ == NULL));
        eventc_clear(&item_desc, &dst);
        eventc_clear(&item_desc, &it);
        CHECK(f.live_blocks == 0 && f.size_mismatches == 0);
    }
}

static eventc_status broken_clock(void *ctx, eventc_timestamp *at)
{
    (void)ctx;
    (void)at;
    return EVENTC_E_IO;
}

static void test_stamps(void)
{
    eventc_timestamp at, start = {1700000000, 500000000};
    char id[EVENTC_STAMP_ID_MAX];
    eventc_sequence_stamper seq;
    const eventc_stamper *s = eventc_sequence_stamper_init(&seq, start, 1500);
    CHECK(eventc_stamp(s, &at, id, sizeof id) == EVENTC_OK);
    CHECK(at.seconds == 1700000000 && at.nanos == 500000000);
    CHECK_STR(id, "01HF7YATFM0000000000000000"); /* 1700000000500 ms, random part 0 */
    CHECK(eventc_stamp(s, &at, id, sizeof id) == EVENTC_OK);
    CHECK(at.seconds == 1700000002 && at.nanos == 0);
    uint64_t ms;
    CHECK(eventc_ulid_time(id, strlen(id), &ms) && ms == 1700000002000u);
    CHECK(id[25] == '1');
    /* The same stamper state gives the same stamps on every run. */
    eventc_sequence_stamper again;
    char id2[EVENTC_STAMP_ID_MAX];
    s = eventc_sequence_stamper_init(&again, start, 1500);
    CHECK(eventc_stamp(s, &at, id2, sizeof id2) == EVENTC_OK);
    CHECK(eventc_stamp(s, &at, id2, sizeof id2) == EVENTC_OK);
    CHECK_STR(id2, id);
    /* The defaults: a ULID of the current time. */
    CHECK(eventc_stamp(NULL, &at, id, sizeof id) == EVENTC_OK);
    CHECK(eventc_ulid_check(id, strlen(id)));
    CHECK(eventc_ulid_time(id, strlen(id), &ms) && ms == (uint64_t)eventc_timestamp_to_unix_ms(at));
    /* A failing source fails the stamp; an id buffer too small for a ULID is refused. */
    eventc_stamper broken = {broken_clock, NULL, NULL};
    CHECK(eventc_stamp(&broken, &at, id, sizeof id) == EVENTC_E_IO);
    CHECK(eventc_stamp(NULL, &at, id, 10) == EVENTC_E_INVALID_ARGUMENT);
    uint8_t random[10] = {0};
    CHECK(eventc_ulid_encode(EVENTC_ULID_MAX_MS + 1, random, id) == EVENTC_E_INVALID_ARGUMENT);
}

int main(void)
{
    test_own();
    test_copy();
    test_union();
    test_allocation_failures();
    test_stamps();
    return check_report();
}
