/* The rules of `eventc compat`: a stable ID per kind of catalog change, its category, and a
 * one-line explanation in terms of readers and writers. The list is part of the catalog language
 * (a catalog names rule IDs in `compat: accept:`), so the checker reads it as well as the rule
 * engine (generator/compat/). docs/compatibility.md documents every rule with an example. */
#ifndef EVENTC_GEN_COMPAT_RULES_H
#define EVENTC_GEN_COMPAT_RULES_H

#include <stddef.h>

/** The directions a change can break. */
enum {
    GEN_COMPAT_BACKWARD = 1u << 0, /**< readers on the new catalog, events written with the old */
    GEN_COMPAT_FORWARD = 1u << 1   /**< readers on the old catalog, events written with the new */
};

/* X(ID, category, directions it may break, explanation). IDs never change once released. */
#define GEN_COMPAT_RULES(X)                                                                        \
    X(EVENT_ADDED, "events", GEN_COMPAT_FORWARD,                                                   \
      "A new event: readers on the old catalog refuse its name as unknown (forward).")             \
    X(EVENT_REMOVED, "events", GEN_COMPAT_BACKWARD,                                                \
      "An event is gone: readers on the new catalog refuse events of that name written with the "  \
      "old one (backward).")                                                                       \
    X(EVENT_RENAMED, "events", GEN_COMPAT_BACKWARD | GEN_COMPAT_FORWARD,                           \
      "An event has a new name: readers on the old catalog do not know it (forward); readers on "  \
      "the new one do not know the old name unless the event declares it in renamed_from "         \
      "(backward).")                                                                               \
    X(EVENT_AGGREGATE_CHANGED, "events", GEN_COMPAT_BACKWARD | GEN_COMPAT_FORWARD,                 \
      "An event moved to another aggregate: its aggregate_type differs, so readers on each side "  \
      "refuse the other side's events.")                                                           \
    X(AGGREGATE_ADDED, "aggregates", GEN_COMPAT_FORWARD,                                           \
      "A new aggregate: readers on the old catalog refuse its events as unknown (forward).")       \
    X(AGGREGATE_REMOVED, "aggregates", GEN_COMPAT_BACKWARD,                                        \
      "An aggregate is gone with its events: readers on the new catalog refuse them (backward).")  \
    X(AGGREGATE_RENAMED, "aggregates", GEN_COMPAT_BACKWARD | GEN_COMPAT_FORWARD,                   \
      "An aggregate has a new name: the aggregate_type of its events differs, so readers on each " \
      "side refuse the other side's events.")                                                      \
    X(FIELD_ADDED_REQUIRED, "fields", GEN_COMPAT_BACKWARD | GEN_COMPAT_FORWARD,                    \
      "A required field was added: events written with the old catalog lack it and readers on "    \
      "the new one refuse them (backward), unless the history gives a default; readers on the "    \
      "old catalog refuse the new member when additional_properties is false (forward).")          \
    X(FIELD_ADDED_OPTIONAL, "fields", GEN_COMPAT_FORWARD,                                          \
      "An optional field was added: readers on the old catalog refuse the new member when "        \
      "additional_properties is false (forward); readers on the new one never miss it.")           \
    X(FIELD_REMOVED, "fields", GEN_COMPAT_BACKWARD | GEN_COMPAT_FORWARD,                           \
      "A field is gone: readers on the old catalog that require it refuse new events (forward); "  \
      "with additional_properties false, readers on the new one refuse old events that carry it "  \
      "(backward), unless the history drops it.")                                                  \
    X(FIELD_RENAMED, "fields", GEN_COMPAT_BACKWARD | GEN_COMPAT_FORWARD,                           \
      "A field has a new name: it breaks as a removal plus an addition would; the history's "      \
      "renamed upcast lets readers on the new catalog read the old name (backward).")              \
    X(OPTIONAL_TO_REQUIRED, "fields", GEN_COMPAT_BACKWARD,                                         \
      "An optional field became required: readers on the new catalog refuse old events that "      \
      "leave it out (backward).")                                                                  \
    X(REQUIRED_TO_OPTIONAL, "fields", GEN_COMPAT_FORWARD,                                          \
      "A required field became optional: readers on the old catalog refuse new events that "       \
      "leave it out (forward).")                                                                   \
    X(NULLABLE_ADDED, "fields", GEN_COMPAT_FORWARD,                                                \
      "A field became nullable: readers on the old catalog refuse the null that new writers may "  \
      "send (forward).")                                                                           \
    X(NULLABLE_REMOVED, "fields", GEN_COMPAT_BACKWARD,                                             \
      "A field is no longer nullable: readers on the new catalog refuse the null that old "        \
      "writers may send (backward).")                                                              \
    X(TYPE_CHANGED, "types", GEN_COMPAT_BACKWARD | GEN_COMPAT_FORWARD,                             \
      "A value's type changed to one with other values: readers on each side refuse the other "    \
      "side's values.")                                                                            \
    X(TYPE_WIDENED, "types", GEN_COMPAT_FORWARD,                                                   \
      "A value's type now admits more values (integer to number, timestamp or enum to string, "    \
      "anything to json): readers on the old catalog refuse the new ones (forward).")              \
    X(TYPE_NARROWED, "types", GEN_COMPAT_BACKWARD,                                                 \
      "A value's type admits fewer values (number to integer, string to timestamp or enum, json "  \
      "to anything): readers on the new catalog refuse old values outside it (backward).")         \
    X(MIN_LENGTH_ADDED, "strings", GEN_COMPAT_BACKWARD,                                            \
      "A string got a min_length: readers on the new catalog refuse shorter old values "           \
      "(backward).")                                                                               \
    X(MIN_LENGTH_TIGHTENED, "strings", GEN_COMPAT_BACKWARD,                                        \
      "A min_length grew: readers on the new catalog refuse old values that are now too short "    \
      "(backward).")                                                                               \
    X(MIN_LENGTH_RELAXED, "strings", GEN_COMPAT_FORWARD,                                           \
      "A min_length shrank: readers on the old catalog refuse new values that are too short for "  \
      "them (forward).")                                                                           \
    X(MIN_LENGTH_REMOVED, "strings", GEN_COMPAT_FORWARD,                                           \
      "A min_length is gone: readers on the old catalog refuse new values that are too short for " \
      "them (forward).")                                                                           \
    X(MAX_LENGTH_ADDED, "strings", GEN_COMPAT_BACKWARD,                                            \
      "A string got a max_length: readers on the new catalog refuse longer old values "            \
      "(backward).")                                                                               \
    X(MAX_LENGTH_TIGHTENED, "strings", GEN_COMPAT_BACKWARD,                                        \
      "A max_length shrank: readers on the new catalog refuse old values that are now too long "   \
      "(backward).")                                                                               \
    X(MAX_LENGTH_RELAXED, "strings", GEN_COMPAT_FORWARD,                                           \
      "A max_length grew: readers on the old catalog refuse new values that are too long for "     \
      "them (forward).")                                                                           \
    X(MAX_LENGTH_REMOVED, "strings", GEN_COMPAT_FORWARD,                                           \
      "A max_length is gone: readers on the old catalog refuse new values that are too long for "  \
      "them (forward).")                                                                           \
    X(PATTERN_ADDED, "strings", GEN_COMPAT_BACKWARD,                                               \
      "A string got a pattern: readers on the new catalog refuse old values that do not match it " \
      "(backward).")                                                                               \
    X(PATTERN_TIGHTENED, "strings", GEN_COMPAT_BACKWARD,                                           \
      "A pattern changed and refuses strings the old one matched: readers on the new catalog "     \
      "refuse such old values (backward).")                                                        \
    X(PATTERN_RELAXED, "strings", GEN_COMPAT_FORWARD,                                              \
      "A pattern changed and matches strings the old one refused: readers on the old catalog "     \
      "refuse such new values (forward).")                                                         \
    X(PATTERN_REMOVED, "strings", GEN_COMPAT_FORWARD,                                              \
      "A pattern is gone: readers on the old catalog refuse new values that do not match it "      \
      "(forward).")                                                                                \
    X(MINIMUM_ADDED, "bounds", GEN_COMPAT_BACKWARD,                                                \
      "A number got a lower bound (minimum or exclusive_minimum): readers on the new catalog "     \
      "refuse smaller old values (backward).")                                                     \
    X(MINIMUM_TIGHTENED, "bounds", GEN_COMPAT_BACKWARD,                                            \
      "A lower bound rose: readers on the new catalog refuse old values below it (backward).")     \
    X(MINIMUM_RELAXED, "bounds", GEN_COMPAT_FORWARD,                                               \
      "A lower bound fell: readers on the old catalog refuse new values below their bound "        \
      "(forward).")                                                                                \
    X(MINIMUM_REMOVED, "bounds", GEN_COMPAT_FORWARD,                                               \
      "A lower bound is gone: readers on the old catalog refuse new values below their bound "     \
      "(forward).")                                                                                \
    X(MAXIMUM_ADDED, "bounds", GEN_COMPAT_BACKWARD,                                                \
      "A number got an upper bound (maximum or exclusive_maximum): readers on the new catalog "    \
      "refuse larger old values (backward).")                                                      \
    X(MAXIMUM_TIGHTENED, "bounds", GEN_COMPAT_BACKWARD,                                            \
      "An upper bound fell: readers on the new catalog refuse old values above it (backward).")    \
    X(MAXIMUM_RELAXED, "bounds", GEN_COMPAT_FORWARD,                                               \
      "An upper bound rose: readers on the old catalog refuse new values above their bound "       \
      "(forward).")                                                                                \
    X(MAXIMUM_REMOVED, "bounds", GEN_COMPAT_FORWARD,                                               \
      "An upper bound is gone: readers on the old catalog refuse new values above their bound "    \
      "(forward).")                                                                                \
    X(MIN_ITEMS_ADDED, "arrays", GEN_COMPAT_BACKWARD,                                              \
      "An array got a min_items: readers on the new catalog refuse shorter old arrays "            \
      "(backward).")                                                                               \
    X(MIN_ITEMS_TIGHTENED, "arrays", GEN_COMPAT_BACKWARD,                                          \
      "A min_items grew: readers on the new catalog refuse old arrays that are now too short "     \
      "(backward).")                                                                               \
    X(MIN_ITEMS_RELAXED, "arrays", GEN_COMPAT_FORWARD,                                             \
      "A min_items shrank: readers on the old catalog refuse new arrays that are too short for "   \
      "them (forward).")                                                                           \
    X(MIN_ITEMS_REMOVED, "arrays", GEN_COMPAT_FORWARD,                                             \
      "A min_items is gone: readers on the old catalog refuse new arrays that are too short for "  \
      "them (forward).")                                                                           \
    X(MAX_ITEMS_ADDED, "arrays", GEN_COMPAT_BACKWARD,                                              \
      "An array got a max_items: readers on the new catalog refuse longer old arrays "             \
      "(backward).")                                                                               \
    X(MAX_ITEMS_TIGHTENED, "arrays", GEN_COMPAT_BACKWARD,                                          \
      "A max_items shrank: readers on the new catalog refuse old arrays that are now too long "    \
      "(backward).")                                                                               \
    X(MAX_ITEMS_RELAXED, "arrays", GEN_COMPAT_FORWARD,                                             \
      "A max_items grew: readers on the old catalog refuse new arrays that are too long for them " \
      "(forward).")                                                                                \
    X(MAX_ITEMS_REMOVED, "arrays", GEN_COMPAT_FORWARD,                                             \
      "A max_items is gone: readers on the old catalog refuse new arrays that are too long for "   \
      "them (forward).")                                                                           \
    X(UNIQUE_ADDED, "arrays", GEN_COMPAT_BACKWARD,                                                 \
      "An array became unique: readers on the new catalog refuse old arrays with repeated items "  \
      "(backward).")                                                                               \
    X(UNIQUE_REMOVED, "arrays", GEN_COMPAT_FORWARD,                                                \
      "An array is no longer unique: readers on the old catalog refuse new arrays with repeated "  \
      "items (forward).")                                                                          \
    X(ENUM_VALUE_ADDED, "enums", GEN_COMPAT_FORWARD,                                               \
      "An enum gained a value: readers on the old catalog refuse it (forward).")                   \
    X(ENUM_VALUE_REMOVED, "enums", GEN_COMPAT_BACKWARD,                                            \
      "An enum lost a value: readers on the new catalog refuse it in old events (backward), "      \
      "unless the history maps it to another value.")                                              \
    X(ROLE_CHANGED, "envelope", GEN_COMPAT_BACKWARD | GEN_COMPAT_FORWARD,                          \
      "An envelope role (event_name, version, ...) moved to another field: readers on each side "  \
      "look for it in a member the other side does not write.")                                    \
    X(TRANSITION_REMOVED, "lifecycles", GEN_COMPAT_BACKWARD,                                       \
      "A lifecycle refuses a history the old one allowed: readers on the new catalog refuse to "   \
      "replay old histories (backward).")                                                          \
    X(TRANSITION_ADDED, "lifecycles", GEN_COMPAT_FORWARD,                                          \
      "A lifecycle allows a history the old one refused: readers on the old catalog refuse to "    \
      "replay new histories (forward).")                                                           \
    X(LIFECYCLE_ADDED, "lifecycles", GEN_COMPAT_BACKWARD,                                          \
      "An aggregate got a lifecycle: readers on the new catalog refuse old histories in an order " \
      "it does not allow (backward).")                                                             \
    X(LIFECYCLE_REMOVED, "lifecycles", GEN_COMPAT_FORWARD,                                         \
      "An aggregate lost its lifecycle: readers on the old catalog refuse new histories in an "    \
      "order theirs does not allow (forward).")                                                    \
    X(VERSION_NOT_BUMPED, "catalog", GEN_COMPAT_BACKWARD | GEN_COMPAT_FORWARD,                     \
      "Events changed shape but the catalog version did not grow: readers cannot tell the two "    \
      "shapes apart by the version events carry.")

typedef enum gen_compat_rule_id {
#define GEN_COMPAT_RULE_ENUM_(id, cat, dirs, text) GEN_RULE_##id,
    GEN_COMPAT_RULES(GEN_COMPAT_RULE_ENUM_)
#undef GEN_COMPAT_RULE_ENUM_
        GEN_RULE_COUNT
} gen_compat_rule_id;

/** A rule: its stable ID, category, the directions it may break and its one-line explanation. */
typedef struct gen_compat_rule {
    const char *id;
    const char *category;
    unsigned directions; /**< GEN_COMPAT_BACKWARD | GEN_COMPAT_FORWARD */
    const char *explanation;
} gen_compat_rule;

/** The rule of @p id (GEN_RULE_*); never NULL for a valid id. */
const gen_compat_rule *gen_compat_rule_get(gen_compat_rule_id id);

/** The rule spelled @p id, or NULL. */
const gen_compat_rule *gen_compat_rule_find(const char *id);

/** The known rule ID closest to @p id (for "did you mean"), or NULL. */
const char *gen_compat_rule_suggest(const char *id);

#endif
