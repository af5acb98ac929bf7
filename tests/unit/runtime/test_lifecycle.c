/* The lifecycle runtime on a hand-written table: a door that is built closed or open (the event
 * names the state), opens, closes, locks from closed only, is painted in any state (keeps it), and
 * can be rebuilt over a wreck (creates, or applies to an existing one in state wrecked). */
#include <eventc/eventc.h>
#include <eventc/lifecycle.h>

#include <stddef.h>
#include <string.h>

#include "check.h"

enum { NONE, OPEN, CLOSED, LOCKED, WRECKED };
enum { BUILT = 1, OPENED, CLOSED_EV, LOCKED_EV, PAINTED, REBUILT, WINDOW_ADDED };

typedef struct built_event {
    int placeholder;
    int initial; /* 0: open, 1: closed */
} built_event;

static const eventc_event_entry types[] = {
    {"DoorBuilt", "Door", BUILT, 0, NULL},
    {"DoorOpened", "Door", OPENED, 0, NULL},
    {"DoorClosed", "Door", CLOSED_EV, 0, NULL},
    {"DoorLocked", "Door", LOCKED_EV, 0, NULL},
    {"DoorPainted", "Door", PAINTED, 0, NULL},
    {"DoorRebuilt", "Door", REBUILT, 0, NULL},
    {"WindowAdded", "Window", WINDOW_ADDED, 0, NULL},
};

static const char *const names[] = {"none", "open", "closed", "locked", "wrecked"};
static const int states[] = {
    NONE,                             /* [0] built */
    OPEN,   CLOSED,                   /* [1] built: initial */
    CLOSED,                           /* [3] opened */
    OPEN,                             /* [4] closed */
    CLOSED,                           /* [5] locked */
    OPEN,   CLOSED,  LOCKED, WRECKED, /* [6] painted */
    NONE,   WRECKED,                  /* [10] rebuilt */
};
static const eventc_lifecycle_rule rules[] = {
    {BUILT, &states[0], 1, 0, &states[1], 2, offsetof(built_event, initial), "initial"},
    {OPENED, &states[3], 1, OPEN, NULL, 0, 0, NULL},
    {CLOSED_EV, &states[4], 1, CLOSED, NULL, 0, 0, NULL},
    {LOCKED_EV, &states[5], 1, LOCKED, NULL, 0, 0, NULL},
    {PAINTED, &states[6], 4, 0, NULL, 0, 0, NULL},
    {REBUILT, &states[10], 2, CLOSED, NULL, 0, 0, NULL},
};
static const eventc_lifecycle_desc door = {
    "Door", names, 5, rules, sizeof rules / sizeof rules[0], types, sizeof types / sizeof types[0]};

static void test_legal(void)
{
    eventc_error err;
    int next = -1;
    built_event b = {0, 1};
    CHECK(eventc_lifecycle_apply(&door, NONE, BUILT, &b, &next, &err) == EVENTC_OK);
    CHECK(next == CLOSED);
    b.initial = 0;
    CHECK(eventc_lifecycle_apply(&door, NONE, BUILT, &b, &next, &err) == EVENTC_OK);
    CHECK(next == OPEN);
    CHECK(eventc_lifecycle_apply(&door, OPEN, CLOSED_EV, NULL, &next, &err) == EVENTC_OK);
    CHECK(next == CLOSED);
    CHECK(eventc_lifecycle_apply(&door, CLOSED, LOCKED_EV, NULL, &next, NULL) == EVENTC_OK);
    CHECK(next == LOCKED);
    /* Keeping events keep whatever state they meet. */
    for (int s = OPEN; s <= WRECKED; s++) {
        next = -1;
        CHECK(eventc_lifecycle_apply(&door, s, PAINTED, NULL, &next, &err) == EVENTC_OK);
        CHECK(next == s);
    }
    /* Creating, or moving an existing door out of `wrecked`. */
    CHECK(eventc_lifecycle_apply(&door, NONE, REBUILT, NULL, &next, &err) == EVENTC_OK);
    CHECK(next == CLOSED);
    CHECK(eventc_lifecycle_apply(&door, WRECKED, REBUILT, NULL, &next, &err) == EVENTC_OK);
    CHECK(next == CLOSED);
}

static void test_illegal(void)
{
    eventc_error err;
    int next = 42;
    CHECK(eventc_lifecycle_apply(&door, OPEN, LOCKED_EV, NULL, &next, &err) == EVENTC_E_STATE);
    CHECK(next == 42);
    CHECK(err.code == EVENTC_E_STATE);
    CHECK_STR(err.message, "DoorLocked is not allowed in state open (allowed in: closed)");
    CHECK_STR(err.path, "");
    CHECK(eventc_lifecycle_apply(&door, NONE, PAINTED, NULL, &next, &err) == EVENTC_E_STATE);
    CHECK_STR(
        err.message,
        "DoorPainted is not allowed in state none (allowed in: open, closed, locked, wrecked)");
    CHECK(eventc_lifecycle_apply(&door, CLOSED, BUILT, NULL, &next, &err) == EVENTC_E_STATE);
    CHECK_STR(err.message, "DoorBuilt is not allowed in state closed (allowed in: none)");
    CHECK(eventc_lifecycle_apply(&door, OPEN, REBUILT, NULL, &next, &err) == EVENTC_E_STATE);
    CHECK_STR(err.message, "DoorRebuilt is not allowed in state open (allowed in: none, wrecked)");
    /* Without an error record the status alone comes back. */
    CHECK(eventc_lifecycle_apply(&door, LOCKED, OPENED, NULL, &next, NULL) == EVENTC_E_STATE);
    CHECK(next == 42);
}

static void test_bad_arguments(void)
{
    eventc_error err;
    int next = 42;
    built_event b = {0, 2};
    CHECK(eventc_lifecycle_apply(&door, NONE, BUILT, &b, &next, &err) == EVENTC_E_ENUM);
    CHECK_STR(err.path, "$.initial");
    CHECK_STR(err.message, "2 names no state of Door");
    b.initial = -1;
    CHECK(eventc_lifecycle_apply(&door, NONE, BUILT, &b, &next, &err) == EVENTC_E_ENUM);
    CHECK(eventc_lifecycle_apply(&door, NONE, BUILT, NULL, &next, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    CHECK(next == 42);
    CHECK(eventc_lifecycle_apply(&door, OPEN, WINDOW_ADDED, NULL, &next, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    CHECK_STR(err.message, "WindowAdded is an event of Window, not of Door");
    CHECK(eventc_lifecycle_apply(&door, OPEN, 0, NULL, &next, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK_STR(err.message, "no event (kind 0)");
    CHECK(eventc_lifecycle_apply(&door, OPEN, 99, NULL, &next, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_lifecycle_apply(&door, 5, OPENED, NULL, &next, &err) == EVENTC_E_INVALID_ARGUMENT);
    CHECK_STR(err.message, "5 is not a state of Door");
    CHECK(eventc_lifecycle_apply(&door, -1, OPENED, NULL, &next, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_lifecycle_apply(NULL, OPEN, OPENED, NULL, &next, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_lifecycle_apply(&door, OPEN, OPENED, NULL, NULL, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    CHECK(next == 42);
}

static void test_names(void)
{
    CHECK_STR(eventc_lifecycle_state_name(&door, NONE), "none");
    CHECK_STR(eventc_lifecycle_state_name(&door, WRECKED), "wrecked");
    CHECK(eventc_lifecycle_state_name(&door, 5) == NULL);
    CHECK(eventc_lifecycle_state_name(&door, -1) == NULL);
    CHECK(eventc_lifecycle_state_name(NULL, 0) == NULL);
    CHECK(eventc_lifecycle_find_state(&door, "locked", 6) == LOCKED);
    CHECK(eventc_lifecycle_find_state(&door, "lockedx", 6) == LOCKED); /* only len bytes count */
    CHECK(eventc_lifecycle_find_state(&door, "none", 4) == NONE);
    CHECK(eventc_lifecycle_find_state(&door, "lock", 4) == -1);
    CHECK(eventc_lifecycle_find_state(&door, "", 0) == -1);
    CHECK(eventc_lifecycle_find_state(&door, NULL, 3) == -1);
    CHECK(eventc_lifecycle_find_state(NULL, "open", 4) == -1);
}

/* A long list of allowed states is cut to the error record, not overflowed. */
static void test_long_message(void)
{
    static const char *const many[] = {
        "none",
        "a_state_whose_name_is_long_enough_to_fill_the_record_1",
        "a_state_whose_name_is_long_enough_to_fill_the_record_2",
        "a_state_whose_name_is_long_enough_to_fill_the_record_3",
        "a_state_whose_name_is_long_enough_to_fill_the_record_4",
        "a_state_whose_name_is_long_enough_to_fill_the_record_5",
    };
    static const int from[] = {2, 3, 4, 5};
    static const eventc_lifecycle_rule r[] = {{OPENED, from, 4, 1, NULL, 0, 0, NULL}};
    const eventc_lifecycle_desc lc = {"Door", many, 6, r, 1, types, 7};
    eventc_error err;
    int next;
    CHECK(eventc_lifecycle_apply(&lc, 1, OPENED, NULL, &next, &err) == EVENTC_E_STATE);
    CHECK(strlen(err.message) < EVENTC_ERROR_MESSAGE_MAX);
    CHECK(strncmp(err.message, "DoorOpened is not allowed in state a_state", 42) == 0);
}

int main(void)
{
    test_legal();
    test_illegal();
    test_bad_arguments();
    test_names();
    test_long_message();
    return check_report();
}
