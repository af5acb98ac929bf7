# CloudEvents SQL (CESQL).
#
#   cesql.tck        the official TCK (the YAML files of <shared>/reference/cloudevents/cesql/
#                    cesql_tck, read at run time) against the engine in process; skipped when the
#                    folder is absent
#   cesql.tck.cli    the same cases, each through `eventc ce eval EXPR [EVENT.json]`
#   cesql.cli.*      `eventc ce eval` usage errors (status 2) and a bad event file (status 1)
#   cesql.docs_examples  every `eventc ce eval` example of docs/cesql.md gives the output shown
#   unit.test_cesql  edge cases beyond the TCK (precedence, limits, overflow, LIKE, Unicode)
#   memcheck.cesql.* the TCK runner, the unit test and `eventc ce eval` under valgrind
#
# Included from tests/CMakeLists.txt, this file registers the tests; run with `cmake -P`, it is the
# driver of the command-line cases.

if(NOT CMAKE_SCRIPT_MODE_FILE)
  add_executable(cesql_tck ${CMAKE_CURRENT_SOURCE_DIR}/cesql/tck.c)
  target_link_libraries(cesql_tck PRIVATE eventc_cesql PkgConfig::YAML PkgConfig::JSONC)
  target_compile_options(cesql_tck PRIVATE ${EVENTC_WARNINGS})
  set_target_properties(cesql_tck PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME cesql.tck COMMAND cesql_tck ${EVENTC_SHARED_DIR})
  add_test(NAME cesql.tck.cli COMMAND cesql_tck ${EVENTC_SHARED_DIR} --cli $<TARGET_FILE:eventc>)
  set_tests_properties(cesql.tck cesql.tck.cli PROPERTIES LABELS "cesql" SKIP_RETURN_CODE 77)

  add_executable(test_cesql ${CMAKE_CURRENT_SOURCE_DIR}/cesql/test_cesql.c)
  target_link_libraries(test_cesql PRIVATE eventc_cesql)
  target_include_directories(test_cesql PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit
                                                ${CMAKE_SOURCE_DIR}/messaging/src/cesql)
  target_compile_options(test_cesql PRIVATE ${EVENTC_WARNINGS})
  set_target_properties(test_cesql PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME unit.test_cesql COMMAND test_cesql)
  set_tests_properties(unit.test_cesql PROPERTIES LABELS "unit;cesql")

  add_executable(cesql_docs_examples ${CMAKE_CURRENT_SOURCE_DIR}/cesql/docs_examples.c)
  target_link_libraries(cesql_docs_examples PRIVATE eventc_runtime)
  target_compile_options(cesql_docs_examples PRIVATE ${EVENTC_WARNINGS})
  set_target_properties(cesql_docs_examples PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                       ${CMAKE_BINARY_DIR}/tests)
  add_test(NAME cesql.docs_examples
           COMMAND cesql_docs_examples $<TARGET_FILE:eventc> ${CMAKE_SOURCE_DIR})
  set_tests_properties(cesql.docs_examples PROPERTIES LABELS "cesql")

  foreach(_case IN ITEMS usage-none usage-extra bad-event missing-event)
    add_test(NAME cesql.cli.${_case}
             COMMAND ${CMAKE_COMMAND} -DKIND=cli -DCASE=${_case} -DTOOL=$<TARGET_FILE:eventc>
                     -DDIR=${CMAKE_CURRENT_SOURCE_DIR}/cloudevents -P ${CMAKE_CURRENT_LIST_FILE})
    set_tests_properties(cesql.cli.${_case} PROPERTIES LABELS "cesql")
  endforeach()

  find_program(EVENTC_VALGRIND valgrind)
  if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE AND NOT EVENTC_TSAN)
    set(_vg ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
            --errors-for-leak-kinds=definite,indirect)
    add_test(NAME memcheck.cesql.test_cesql COMMAND ${_vg} $<TARGET_FILE:test_cesql>)
    add_test(NAME memcheck.cesql.tck COMMAND ${_vg} $<TARGET_FILE:cesql_tck> ${EVENTC_SHARED_DIR})
    set_tests_properties(memcheck.cesql.tck PROPERTIES SKIP_RETURN_CODE 77)
    set_tests_properties(memcheck.cesql.test_cesql memcheck.cesql.tck PROPERTIES
                         LABELS "memcheck" TIMEOUT 300)
    # The command: a result with an event file, a parse error, an evaluation error.
    foreach(_case IN ITEMS event parse-error eval-error)
      add_test(NAME memcheck.cesql.cli-${_case}
               COMMAND ${CMAKE_COMMAND} -DKIND=memcheck -DCASE=${_case} -DVALGRIND=${EVENTC_VALGRIND}
                       -DTOOL=$<TARGET_FILE:eventc> -DDIR=${CMAKE_CURRENT_SOURCE_DIR}/cloudevents
                       -P ${CMAKE_CURRENT_LIST_FILE})
      set_tests_properties(memcheck.cesql.cli-${_case} PROPERTIES LABELS "memcheck" TIMEOUT 120)
    endforeach()
  endif()
  return()
endif()

# ---- script mode ----

set(_event ${DIR}/events/10-extensions-all-types.json)
set(_want_status 0)
if(CASE STREQUAL "usage-none")
  set(argv ce eval)
  set(_want_status 2)
elseif(CASE STREQUAL "usage-extra")
  set(argv ce eval "true" ${_event} extra)
  set(_want_status 2)
elseif(CASE STREQUAL "bad-event")
  set(argv ce eval "true" ${DIR}/invalid/55-json-duplicate-data.json)
  set(_want_status 1)
elseif(CASE STREQUAL "missing-event")
  set(argv ce eval "true" ${DIR}/no-such-event.json)
  set(_want_status 1)
elseif(CASE STREQUAL "event")
  set(argv ce eval "CONCAT(type, '/', LOWER(id)) LIKE '%/%' AND EXISTS source" ${_event})
  set(_want "{\"result\": true, \"error\": null}\n")
elseif(CASE STREQUAL "parse-error")
  set(argv ce eval "ABC(")
  set(_want "{\"result\": false, \"error\": \"parse\"}\n")
elseif(CASE STREQUAL "eval-error")
  set(argv ce eval "UPPER(CONCAT('a', id)) = missing")
  set(_want "{\"result\": false, \"error\": \"missingAttribute\"}\n")
endif()

if(KIND STREQUAL "memcheck")
  execute_process(COMMAND ${VALGRIND} -q --error-exitcode=99 --leak-check=full
                          --errors-for-leak-kinds=definite,indirect ${TOOL} ${argv}
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
else()
  execute_process(COMMAND ${TOOL} ${argv} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
endif()
if(NOT rc EQUAL _want_status)
  message(FATAL_ERROR "want status ${_want_status}, got ${rc}\nstdout: ${out}\nstderr: ${err}")
endif()
if(_want_status EQUAL 2 AND NOT err MATCHES "usage: eventc ce eval")
  message(FATAL_ERROR "want the usage text on stderr, got: ${err}")
endif()
if(_want_status EQUAL 1 AND (NOT out STREQUAL "" OR NOT err MATCHES "error"))
  message(FATAL_ERROR "want nothing on stdout and an error on stderr\nstdout: ${out}\nstderr: ${err}")
endif()
if(DEFINED _want AND NOT out STREQUAL _want)
  message(FATAL_ERROR "want ${_want}got ${out}\nstderr: ${err}")
endif()
