# The Kafka adapter (adapters/kafka/) against librdkafka's mock cluster on 127.0.0.1, in the test's
# own process (or, for kafka.cli, eventc-kafka-mock's). Skipped when librdkafka is not installed.
# Every test carries the label "kafka"; those labelled "messaging" also run under
# ThreadSanitizer (scripts/test.sh).
#
#   conformance.kafka        the conformance suite
#   kafka.test_kafka         commits, nacks, back-pressure, close, the publisher's outcomes
#   kafka.test_kafka_faults  malformed records, injected broker faults, rebalances
#   kafka.cli                messaging-events publish / consume, one process each
#   memcheck.*.kafka*        under valgrind
#   bench.kafka              the Kafka benchmark in smoke mode
if(NOT TARGET eventc_kafka)
  foreach(_name conformance.kafka kafka.test_kafka kafka.test_kafka_faults kafka.cli
                kafka.scaling_doc)
    add_test(NAME ${_name} COMMAND ${CMAKE_COMMAND} -E echo "SKIPPED: no librdkafka")
    set_tests_properties(${_name} PROPERTIES LABELS "kafka" SKIP_REGULAR_EXPRESSION "SKIPPED")
  endforeach()
  return()
endif()

add_library(kafka_mock STATIC ${CMAKE_CURRENT_SOURCE_DIR}/kafka/kafka_mock.c)
target_include_directories(kafka_mock PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/kafka)
target_compile_options(kafka_mock PRIVATE ${EVENTC_WARNINGS})
target_link_libraries(kafka_mock PUBLIC eventc_kafka PkgConfig::RDKAFKA)
if(EVENTC_TSAN)
  # librdkafka's threads start through pthread_create, which ThreadSanitizer sees (the file says
  # why). An object library, so that every test executable defines the functions itself.
  add_library(kafka_tsan_threads OBJECT ${CMAKE_CURRENT_SOURCE_DIR}/kafka/tsan_threads.c)
  target_compile_options(kafka_tsan_threads PRIVATE ${EVENTC_WARNINGS})
  target_link_libraries(kafka_mock PUBLIC kafka_tsan_threads $<TARGET_OBJECTS:kafka_tsan_threads>)
endif()

add_executable(test_conformance_kafka ${CMAKE_CURRENT_SOURCE_DIR}/kafka/test_conformance_kafka.c)
target_compile_options(test_conformance_kafka PRIVATE ${EVENTC_WARNINGS})
target_link_libraries(test_conformance_kafka PRIVATE eventc_conformance kafka_mock)
set_target_properties(test_conformance_kafka PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                        ${CMAKE_BINARY_DIR}/tests)
add_dependencies(eventc_messaging_tests test_conformance_kafka)
add_test(NAME conformance.kafka COMMAND test_conformance_kafka)
set_tests_properties(conformance.kafka PROPERTIES LABELS "messaging;conformance;kafka" TIMEOUT 600)
set(_kafka_tests conformance.kafka)

# The adapter's own tests: commits, nacks, back-pressure, close, publisher outcomes (test_kafka);
# malformed records, rebalances and injected broker faults (test_kafka_faults).
foreach(name test_kafka test_kafka_faults)
  add_executable(${name} ${CMAKE_CURRENT_SOURCE_DIR}/kafka/${name}.c)
  target_compile_options(${name} PRIVATE ${EVENTC_WARNINGS})
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
  target_link_libraries(${name} PRIVATE kafka_mock)
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_dependencies(eventc_messaging_tests ${name})
  add_test(NAME kafka.${name} COMMAND ${name})
  set_tests_properties(kafka.${name} PROPERTIES LABELS "messaging;kafka" TIMEOUT 600)
  list(APPEND _kafka_tests kafka.${name})
endforeach()
# Under valgrind: the adapter's own cases, and the suite with --quick (the faults' timing is the
# broker's, not valgrind's: they stay out).
find_program(EVENTC_VALGRIND valgrind)
if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE AND NOT EVENTC_TSAN)
  set(_kafka_vg ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                --errors-for-leak-kinds=definite,indirect)
  add_test(NAME memcheck.kafka.test_kafka COMMAND ${_kafka_vg} $<TARGET_FILE:test_kafka>)
  add_test(NAME memcheck.conformance.kafka
           COMMAND ${_kafka_vg} $<TARGET_FILE:test_conformance_kafka> --quick
                   --idle-limit 90000)
  # A slow client heartbeats late: a longer session keeps the group from expelling it.
  set_tests_properties(memcheck.kafka.test_kafka memcheck.conformance.kafka PROPERTIES
                       LABELS "memcheck;kafka" TIMEOUT 900
                       ENVIRONMENT "KAFKA_TEST_SESSION_MS=10000")
endif()
if(EVENTC_TSAN)
  set_tests_properties(${_kafka_tests} PROPERTIES ENVIRONMENT
    "TSAN_OPTIONS=halt_on_error=1 second_deadlock_stack=1 suppressions=${CMAKE_CURRENT_SOURCE_DIR}/kafka/tsan.supp")
endif()

# messaging-events publish / consume against eventc-kafka-mock, each in a process of its own.
add_test(NAME kafka.cli
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/kafka/test_cli.sh
                 $<TARGET_FILE_DIR:messaging-events> ${CMAKE_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/kafka-cli)
set_tests_properties(kafka.cli PROPERTIES LABELS "kafka;tools" TIMEOUT 600)

# The worked example of docs/scaling.md, run as written.
add_test(NAME kafka.scaling_doc
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/kafka/test_scaling_doc.sh
                 $<TARGET_FILE_DIR:messaging-events> ${CMAKE_SOURCE_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/kafka-scaling-doc)
set_tests_properties(kafka.scaling_doc PROPERTIES LABELS "kafka;tools;docs" TIMEOUT 600)

# The Kafka benchmark in smoke mode (bench/kafka_bench.c; no speed asserted): both clients publish
# and consume a few thousand records on a mock cluster of their own, nothing lost.
if(TARGET eventc_kafka_bench)
  add_test(NAME bench.kafka
           COMMAND eventc_kafka_bench --smoke --examples ${CMAKE_SOURCE_DIR}/catalog/examples)
  set_tests_properties(bench.kafka PROPERTIES LABELS "bench;kafka" TIMEOUT 300)
endif()
