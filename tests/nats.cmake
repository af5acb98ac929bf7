# The NATS JetStream adapter (adapters/nats/) against a real nats-server started by the tests on
# 127.0.0.1 on a free port with a temporary store (tests/support/nats_server.h). Skipped when the
# NATS C client is not installed; each test prints SKIPPED when nats-server is missing.
#
#   conformance.nats               the conformance suite, 8 partitions per stream (order per key)
#   conformance.nats_unpartitioned the suite on one subject per topic (--quick)
#   unit.test_nats                 streams and partitions, dedupe by Nats-Msg-Id, keys, bad input
#                                  to the dead letter, nack order, MaxDeliver, publisher bounds
#   fault.nats_kill                nats-server killed (SIGKILL) and restarted on its store in the
#                                  middle of a stream: every acknowledged event handled, once
#   memcheck.conformance.nats      the quick suite under valgrind (label memcheck)
#   bench.nats_smoke               eventc_bench_nats --smoke (label bench; no speed asserted)
#   nats.cli                       messaging-events publish / consume with nats://, one process each
#   nats.scaling_doc               the NATS worked example of docs/scaling.md, run as written
#
# eventc_test_nats_server (tests/support/nats_server.c) is built whenever the tests are: other
# suites (the event store's relay crash test) start their own servers with it.
add_library(eventc_test_nats_server STATIC ${CMAKE_CURRENT_SOURCE_DIR}/support/nats_server.c)
target_include_directories(eventc_test_nats_server PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/support)
target_compile_options(eventc_test_nats_server PRIVATE ${EVENTC_WARNINGS})

set(_nats_tests conformance.nats conformance.nats_unpartitioned unit.test_nats fault.nats_kill
                nats.cli nats.scaling_doc)
if(NOT TARGET eventc_nats)
  foreach(_t IN LISTS _nats_tests)
    add_test(NAME ${_t} COMMAND ${CMAKE_COMMAND} -E echo "SKIPPED: no NATS C client (libnats-dev)")
    set_tests_properties(${_t} PROPERTIES LABELS "messaging;nats" SKIP_REGULAR_EXPRESSION "SKIPPED")
  endforeach()
  return()
endif()

function(_nats_program name src)
  add_executable(${name} ${src})
  target_compile_options(${name} PRIVATE ${EVENTC_WARNINGS})
  target_link_libraries(${name} PRIVATE eventc_nats eventc_test_nats_server ${ARGN})
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_dependencies(eventc_messaging_tests ${name})
endfunction()

_nats_program(test_conformance_nats ${CMAKE_CURRENT_SOURCE_DIR}/nats/test_conformance_nats.c
              eventc_conformance)
add_test(NAME conformance.nats COMMAND test_conformance_nats)
add_test(NAME conformance.nats_unpartitioned COMMAND test_conformance_nats --partitions 0 --quick)
set_tests_properties(conformance.nats conformance.nats_unpartitioned PROPERTIES
                     LABELS "messaging;conformance;nats" TIMEOUT 600
                     SKIP_REGULAR_EXPRESSION "SKIPPED")

if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/nats/test_nats.c)
  _nats_program(test_nats ${CMAKE_CURRENT_SOURCE_DIR}/nats/test_nats.c)
  target_include_directories(test_nats PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
  add_test(NAME unit.test_nats COMMAND test_nats)
  set_tests_properties(unit.test_nats PROPERTIES LABELS "unit;messaging;nats" TIMEOUT 300
                       SKIP_REGULAR_EXPRESSION "SKIPPED")
endif()

if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/nats/test_nats_fault.c)
  _nats_program(test_nats_fault ${CMAKE_CURRENT_SOURCE_DIR}/nats/test_nats_fault.c
                eventc_messaging_sqlite)
  add_test(NAME fault.nats_kill COMMAND test_nats_fault)
  set_tests_properties(fault.nats_kill PROPERTIES LABELS "messaging;nats;fault" TIMEOUT 600
                       SKIP_REGULAR_EXPRESSION "SKIPPED")
endif()

find_program(EVENTC_VALGRIND valgrind)
if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE AND NOT EVENTC_TSAN)
  add_test(NAME memcheck.conformance.nats
           COMMAND ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                   --errors-for-leak-kinds=definite,indirect
                   $<TARGET_FILE:test_conformance_nats> --quick)
  set_tests_properties(memcheck.conformance.nats PROPERTIES LABELS "memcheck;nats" TIMEOUT 900
                       SKIP_REGULAR_EXPRESSION "SKIPPED")
endif()

# The NATS benchmark in smoke mode on a nats-server of its own (tests/support/with_nats_server.sh):
# both paths run and every event arrives; no speed is asserted. scripts/bench.sh --nats measures.
if(TARGET eventc_bench_nats)
  add_test(NAME bench.nats_smoke
           COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/support/with_nats_server.sh
                   $<TARGET_FILE:eventc_bench_nats> --smoke
                   --examples ${CMAKE_SOURCE_DIR}/catalog/examples)
  set_tests_properties(bench.nats_smoke PROPERTIES LABELS "bench;nats" TIMEOUT 300
                       SKIP_REGULAR_EXPRESSION "SKIPPED")
endif()

# messaging-events publish / consume with nats://, and the worked example of docs/scaling.md.
add_test(NAME nats.cli
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/support/with_nats_server.sh
                 bash ${CMAKE_CURRENT_SOURCE_DIR}/nats/test_cli.sh
                 $<TARGET_FILE_DIR:messaging-events> ${CMAKE_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/nats-cli)
add_test(NAME nats.scaling_doc
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/nats/test_scaling_doc.sh
                 $<TARGET_FILE_DIR:messaging-events> ${CMAKE_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/nats-scaling-doc)
set_tests_properties(nats.cli nats.scaling_doc PROPERTIES LABELS "nats;tools" TIMEOUT 600
                     SKIP_REGULAR_EXPRESSION "SKIPPED")
set_tests_properties(nats.scaling_doc PROPERTIES LABELS "nats;tools;docs")
