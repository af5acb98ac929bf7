# The event store and outbox (store/): the store suite on each backend (tests/store/, labels
# "unit" and "store"), the same under valgrind (label "memcheck").
if(NOT TARGET eventc_store OR NOT TARGET messaging_events_c)
  add_test(NAME store.skipped COMMAND ${CMAKE_COMMAND} -E echo "SKIPPED: no store backend")
  set_tests_properties(store.skipped PROPERTIES LABELS "store" SKIP_REGULAR_EXPRESSION "SKIPPED")
  return()
endif()

function(eventc_store_test name)
  add_executable(${name} ${CMAKE_CURRENT_SOURCE_DIR}/store/${name}.c)
  target_compile_options(${name} PRIVATE ${EVENTC_WARNINGS})
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit
                                             ${CMAKE_CURRENT_SOURCE_DIR}/store)
  target_link_libraries(${name} PRIVATE eventc_store messaging_events_c)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME store.${name} COMMAND ${name})
  set_tests_properties(store.${name} PROPERTIES LABELS "unit;store" TIMEOUT 300
                       SKIP_RETURN_CODE 77)
  find_program(EVENTC_VALGRIND valgrind)
  if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE AND NOT EVENTC_TSAN AND ARGN)
    add_test(NAME memcheck.store.${name}
             COMMAND ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                     --errors-for-leak-kinds=definite,indirect $<TARGET_FILE:${name}>)
    set_tests_properties(memcheck.store.${name} PROPERTIES LABELS "memcheck" TIMEOUT 600
                         SKIP_RETURN_CODE 77)
  endif()
endfunction()

if(TARGET eventc_messaging_sqlite)
  eventc_store_test(test_store_sqlite memcheck)
endif()

# PostgreSQL: each program starts its own server (pg_server.h) and skips (77) without one.
if(EVENTC_STORE_HAVE_POSTGRES)
  eventc_store_test(test_store_postgres)
  target_include_directories(test_store_postgres PRIVATE
                             ${CMAKE_CURRENT_SOURCE_DIR}/unit/messaging)
  set_tests_properties(store.test_store_postgres PROPERTIES LABELS "unit;store;messaging")
endif()

# Crash and concurrency (processes, not threads): the relay killed with SIGKILL again and again;
# 4 writer processes on the same streams and 2 relays at once, on SQLite and PostgreSQL.
if(TARGET eventc_messaging_sqlite)
  eventc_store_test(test_store_crash)
  eventc_store_test(test_store_concurrency)
  # The same crash test through NATS JetStream, with the eventc::nats adapter and a nats-server
  # the test starts (tests/support/nats_server.h); skipped (77) without nats-server.
  if(TARGET eventc_nats AND TARGET eventc_test_nats_server)
    eventc_store_test(test_store_crash_nats)
    target_link_libraries(test_store_crash_nats PRIVATE eventc_nats eventc_test_nats_server)
  endif()
endif()

# The command line: store append|load and outbox relay (tests/store/cli.sh).
if(TARGET messaging-events AND TARGET eventc_messaging_sqlite)
  add_test(NAME tools.store_cli
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/store/cli.sh $<TARGET_FILE:messaging-events>
                   ${CMAKE_SOURCE_DIR})
  set_tests_properties(tools.store_cli PROPERTIES LABELS "tools;store" TIMEOUT 120)
endif()

# The benchmark's smoke run: a few appends per backend path, so it keeps building and running.
if(TARGET eventc_store_bench)
  add_test(NAME bench.store_smoke COMMAND eventc_store_bench -n 20)
  set_tests_properties(bench.store_smoke PROPERTIES LABELS "bench;store" TIMEOUT 120)
endif()
