# The HTTP adapter (adapters/http, eventc::http): the libcurl publisher and the libmicrohttpd
# webhook receiver, against each other and against the official CloudEvents SDK, all over real
# HTTP on 127.0.0.1 (free ports; the tests start and stop every server themselves).
#
#   conformance.http           the conformance suite on the pair (labels messaging, conformance)
#   memcheck.conformance.http  the same, --quick, under valgrind
#   unit.http.publisher        the publisher against a scripted server (fault injection)
#   unit.http.receiver         the receiver with a raw client: handshake, modes, settlements, TLS
#   unit.http.hostile          hostile requests: bodies, slow-loris, headers, bad events
#   tools.serve                messaging-events serve: exit statuses, a batch from curl
#   docs.http_example          the curl transcript of docs/messaging.md, run as written
#   referee.http.*             the CloudEvents JavaScript SDK against the pair, both ways
#   load.http                  16 clients, every event handled once, memory bounded (counts only)
#
# Without libcurl or libmicrohttpd (eventc_http not built), each test reports SKIPPED.
if(NOT TARGET eventc_http)
  foreach(_name IN ITEMS conformance.http unit.http.publisher unit.http.receiver unit.http.hostile
                         tools.serve docs.http_example load.http)
    add_test(NAME ${_name} COMMAND ${CMAKE_COMMAND} -E echo
                                   "SKIPPED: libcurl and libmicrohttpd are needed (eventc_http)")
    set_tests_properties(${_name} PROPERTIES LABELS "messaging" SKIP_REGULAR_EXPRESSION "SKIPPED")
  endforeach()
  return()
endif()

set(_http_dir ${CMAKE_CURRENT_SOURCE_DIR}/http)

add_executable(test_conformance_http ${_http_dir}/test_conformance_http.c)
target_compile_options(test_conformance_http PRIVATE ${EVENTC_WARNINGS})
target_link_libraries(test_conformance_http PRIVATE eventc_conformance eventc_http)
set_target_properties(test_conformance_http PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                       ${CMAKE_BINARY_DIR}/tests)
add_dependencies(eventc_messaging_tests test_conformance_http)
add_test(NAME conformance.http COMMAND test_conformance_http)
set_tests_properties(conformance.http PROPERTIES LABELS "messaging;conformance" TIMEOUT 600)

find_program(EVENTC_VALGRIND valgrind)
if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE AND NOT EVENTC_TSAN)
  add_test(NAME memcheck.conformance.http
           COMMAND ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                   --errors-for-leak-kinds=definite,indirect
                   $<TARGET_FILE:test_conformance_http> --quick)
  set_tests_properties(memcheck.conformance.http PROPERTIES LABELS "memcheck" TIMEOUT 900)
endif()

# The scripted server the publisher tests answer from (fault injection).
add_library(eventc_test_script_server STATIC ${_http_dir}/script_server.c)
target_compile_options(eventc_test_script_server PRIVATE ${EVENTC_WARNINGS})
target_include_directories(eventc_test_script_server PUBLIC ${_http_dir})
find_package(Threads REQUIRED)
target_link_libraries(eventc_test_script_server PUBLIC Threads::Threads)

# The raw client the receiver tests send exact bytes with (hostile ones included).
add_library(eventc_test_raw_client STATIC ${_http_dir}/raw_client.c)
target_compile_options(eventc_test_raw_client PRIVATE ${EVENTC_WARNINGS})
target_include_directories(eventc_test_raw_client PUBLIC ${_http_dir})
target_link_libraries(eventc_test_raw_client PUBLIC Threads::Threads)

# Unit tests: test_http_<name>.c, each a program of its own, also under valgrind.
foreach(_name IN ITEMS publisher receiver hostile)
  add_executable(test_http_${_name} ${_http_dir}/test_http_${_name}.c)
  target_compile_options(test_http_${_name} PRIVATE ${EVENTC_WARNINGS})
  target_include_directories(test_http_${_name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
  target_link_libraries(test_http_${_name} PRIVATE eventc_http eventc_test_script_server
                                                  eventc_test_raw_client)
  set_target_properties(test_http_${_name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                      ${CMAKE_BINARY_DIR}/tests)
  add_dependencies(eventc_messaging_tests test_http_${_name})
  add_test(NAME unit.http.${_name} COMMAND test_http_${_name})
  set_tests_properties(unit.http.${_name} PROPERTIES LABELS "unit;messaging" TIMEOUT 300)
  if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE AND NOT EVENTC_TSAN)
    add_test(NAME memcheck.http.${_name}
             COMMAND ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                     --errors-for-leak-kinds=definite,indirect $<TARGET_FILE:test_http_${_name}>)
    set_tests_properties(memcheck.http.${_name} PROPERTIES LABELS "memcheck" TIMEOUT 600)
  endif()
endforeach()

# messaging-events serve: exit statuses, a batch by curl (tools.serve); the curl transcript of
# docs/messaging.md run as written on a free port (docs.http_example). Both need curl.
find_program(EVENTC_CURL curl)
find_program(EVENTC_HTTP_PYTHON python3)
if(EVENTC_CURL AND EVENTC_HTTP_PYTHON)
  add_test(NAME tools.serve
           COMMAND bash ${_http_dir}/test_cli_serve.sh $<TARGET_FILE:messaging-events>
                   ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/http-cli)
  add_test(NAME docs.http_example
           COMMAND ${EVENTC_HTTP_PYTHON} ${_http_dir}/doc_example.py
                   $<TARGET_FILE_DIR:messaging-events> ${PROJECT_SOURCE_DIR}
                   ${CMAKE_CURRENT_BINARY_DIR}/http-doc-example)
  set_tests_properties(tools.serve docs.http_example PROPERTIES LABELS "tools;docs" TIMEOUT 300)
else()
  add_test(NAME docs.http_example COMMAND ${CMAKE_COMMAND} -E echo
                                          "SKIPPED: curl and python3 are needed")
  set_tests_properties(docs.http_example PROPERTIES SKIP_REGULAR_EXPRESSION "SKIPPED")
endif()

# The official CloudEvents JavaScript SDK as the referee, both ways, over real HTTP for the 21
# example events of the messaging catalog (referee_http.js): its emitter to `messaging-events
# serve` (binary, structured), and our publisher (ce_post) to a Node server reading with
# HTTP.toEvent (binary, structured, batch). The SDK is the one tests/cloudevents.cmake installs
# from the committed lockfile (fixture cloudevents_sdk).
add_executable(eventc_ce_post ${_http_dir}/ce_post.c)
target_compile_options(eventc_ce_post PRIVATE ${EVENTC_WARNINGS})
target_link_libraries(eventc_ce_post PRIVATE eventc_http)
set_target_properties(eventc_ce_post PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
find_program(EVENTC_NODE node)
find_program(EVENTC_NPM npm)
if(EVENTC_NODE AND EVENTC_NPM)
  foreach(_dir IN ITEMS sdk-to-ours ours-to-sdk)
    add_test(NAME referee.http.${_dir}
             COMMAND ${EVENTC_NODE} ${_http_dir}/referee_http.js
                     --tool $<TARGET_FILE:messaging-events> --post $<TARGET_FILE:eventc_ce_post>
                     --examples ${PROJECT_SOURCE_DIR}/catalog/examples
                     --work ${CMAKE_CURRENT_BINARY_DIR}/http-referee --direction ${_dir})
    set_tests_properties(referee.http.${_dir} PROPERTIES
      LABELS "referee" TIMEOUT 300 FIXTURES_REQUIRED cloudevents_sdk
      ENVIRONMENT "NODE_PATH=${CMAKE_CURRENT_BINARY_DIR}/cloudevents-referee/node_modules")
  endforeach()
endif()

# Load: 16 clients over loopback, every event handled exactly once through the deduplicator,
# memory bounded by the senders (load_http.c). CI runs it small and checks the counts only;
# `cmake --build <build> --target bench_http` runs it at full size and prints events/s and
# latency percentiles (docs/benchmarks.md).
add_executable(eventc_http_load ${_http_dir}/load_http.c)
target_compile_options(eventc_http_load PRIVATE ${EVENTC_WARNINGS})
target_link_libraries(eventc_http_load PRIVATE eventc_http Threads::Threads)
set_target_properties(eventc_http_load PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_dependencies(eventc_messaging_tests eventc_http_load)
add_test(NAME load.http COMMAND eventc_http_load --clients 16 --events 40 --quiet)
set_tests_properties(load.http PROPERTIES LABELS "messaging" TIMEOUT 600)
add_custom_target(bench_http
                  COMMAND eventc_http_load --clients 16 --events 5000
                  DEPENDS eventc_http_load
                  COMMENT "HTTP pair under load: 16 clients x 5,000 events over loopback"
                  VERBATIM)
