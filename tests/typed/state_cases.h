/* The cases every lifecycle state store passes (eventc/lifecycle_guard.h), on the messaging
 * catalog's lifecycles: absent instances, saves and loads, the last event id, compare and set,
 * instances keyed by aggregate and id. Included by the tests of each store. */
#ifndef EVENTC_TESTS_STATE_CASES_H
#define EVENTC_TESTS_STATE_CASES_H

#include "check.h"
#include "messaging.h"

#include <eventc/lifecycle_guard.h>

static void state_store_cases(eventc_state_store *s)
{
    eventc_error err;
    int state = -1;
    bool applied = true;
    CHECK(eventc_state_load(s, &msg_customer_lifecycle, "c1", "e1", &state, &applied, &err) ==
          EVENTC_OK);
    CHECK(state == 0 && !applied);
    CHECK(eventc_state_save(s, &msg_customer_lifecycle, "c1", 0, MSG_CUSTOMER_ENABLED, "e1",
                            &err) == EVENTC_OK);
    CHECK(eventc_state_load(s, &msg_customer_lifecycle, "c1", "e1", &state, &applied, &err) ==
          EVENTC_OK);
    CHECK(state == MSG_CUSTOMER_ENABLED && applied);
    CHECK(eventc_state_load(s, &msg_customer_lifecycle, "c1", "e2", &state, &applied, &err) ==
          EVENTC_OK);
    CHECK(state == MSG_CUSTOMER_ENABLED && !applied);
    /* The same id under another aggregate is another instance. */
    CHECK(eventc_state_load(s, &msg_contact_lifecycle, "c1", "e1", &state, &applied, &err) ==
          EVENTC_OK);
    CHECK(state == 0 && !applied);
    /* Compare and set: from a state the instance is not in, nothing changes. */
    CHECK(eventc_state_save(s, &msg_customer_lifecycle, "c1", 0, MSG_CUSTOMER_DISABLED, "e2",
                            &err) == EVENTC_E_CONFLICT);
    CHECK(eventc_state_save(s, &msg_customer_lifecycle, "c1", MSG_CUSTOMER_DISABLED,
                            MSG_CUSTOMER_ENABLED, "e2", &err) == EVENTC_E_CONFLICT);
    CHECK(eventc_state_load(s, &msg_customer_lifecycle, "c1", "e1", &state, &applied, &err) ==
          EVENTC_OK);
    CHECK(state == MSG_CUSTOMER_ENABLED && applied);
    CHECK(eventc_state_save(s, &msg_customer_lifecycle, "c1", MSG_CUSTOMER_ENABLED,
                            MSG_CUSTOMER_DISABLED, "e2", &err) == EVENTC_OK);
    CHECK(eventc_state_load(s, &msg_customer_lifecycle, "c1", "e2", &state, &applied, &err) ==
          EVENTC_OK);
    CHECK(state == MSG_CUSTOMER_DISABLED && applied);
    /* A save without an event id: no event is the last one. */
    CHECK(eventc_state_save(s, &msg_conversation_lifecycle, "v1", 0, MSG_CONVERSATION_CLOSED, NULL,
                            &err) == EVENTC_OK);
    CHECK(eventc_state_load(s, &msg_conversation_lifecycle, "v1", "e1", &state, &applied, &err) ==
          EVENTC_OK);
    CHECK(state == MSG_CONVERSATION_CLOSED && !applied);
    /* Missing arguments. */
    CHECK(eventc_state_load(s, NULL, "c1", "e1", &state, &applied, &err) ==
          EVENTC_E_INVALID_ARGUMENT);
    CHECK(eventc_state_save(s, &msg_customer_lifecycle, NULL, 0, 1, "e", &err) ==
          EVENTC_E_INVALID_ARGUMENT);
}

#endif
