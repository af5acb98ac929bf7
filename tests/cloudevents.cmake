# CloudEvents: `eventc ce` on message files, and the official JavaScript SDK as a referee.
#
#   cloudevents.invalid.<case>  tests/cloudevents/invalid/<case>.{http,kafka,json} must be refused:
#                               status 1, nothing on stdout, stderr exactly <case>.expected
#   cloudevents.valid.<case>    tests/cloudevents/valid/<case>.* must parse: status 0, stdout exactly
#                               <case>.expected, stderr exactly <case>.stderr (or empty)
#   cloudevents.emit.<case>     `ce emit` of tests/cloudevents/events/<event>.json gives exactly
#                               tests/cloudevents/emit/<event>.<binding>-<mode>.expected
#   cloudevents.usage.*         usage errors exit 2
#   cloudevents.fuzz_seeds      the seeds of the CloudEvents fuzz harness read back (fuzz/ce_seeds.c)
#   referee.cloudevents.*       label "referee": the SDK pinned in tests/cloudevents/package-lock.json
#                               (installed with `npm ci` into the build folder) against every event
#                               in tests/cloudevents/events/, both directions (see referee.js)
#   memcheck.cloudevents.*      label "memcheck": parse, emit and the unit tests under valgrind
#
# Included from tests/CMakeLists.txt, this file registers the tests; run with `cmake -P`, it is the
# driver of one corpus case (a single file keeps registration and checks side by side).

if(NOT CMAKE_SCRIPT_MODE_FILE)
  set(_ce_dir ${CMAKE_CURRENT_SOURCE_DIR}/cloudevents)

  # The command under test: `eventc ce` once the CLI front dispatches to it, else a small front
  # of its own around the same gen_cmd_ce().
  file(READ ${CMAKE_SOURCE_DIR}/generator/cli/main.c _ce_main)
  if(_ce_main MATCHES "gen_cmd_ce")
    set(_ce_tool $<TARGET_FILE:eventc>)
  else()
    add_executable(eventc_ce_tool ${_ce_dir}/ce_tool.c)
    target_link_libraries(eventc_ce_tool PRIVATE eventc_gen)
    target_compile_options(eventc_ce_tool PRIVATE ${EVENTC_WARNINGS})
    set_target_properties(eventc_ce_tool PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                    ${CMAKE_BINARY_DIR}/tests)
    set(_ce_tool $<TARGET_FILE:eventc_ce_tool>)
  endif()

  function(_ce_binding file out)
    if(file MATCHES "\\.http$")
      set(${out} http PARENT_SCOPE)
    elseif(file MATCHES "\\.kafka$")
      set(${out} kafka PARENT_SCOPE)
    else()
      set(${out} json PARENT_SCOPE)
    endif()
  endfunction()

  foreach(_kind IN ITEMS invalid valid)
    file(GLOB _ce_cases RELATIVE ${_ce_dir}/${_kind} CONFIGURE_DEPENDS ${_ce_dir}/${_kind}/*.http
         ${_ce_dir}/${_kind}/*.kafka ${_ce_dir}/${_kind}/*.json)
    foreach(_case IN LISTS _ce_cases)
      string(REGEX REPLACE "\\.[a-z]+$" "" _name ${_case})
      _ce_binding(${_case} _binding)
      add_test(NAME cloudevents.${_kind}.${_name}
               COMMAND ${CMAKE_COMMAND} -DTOOL=${_ce_tool} -DKIND=${_kind} -DBINDING=${_binding}
                       -DDIR=${_ce_dir}/${_kind} -DCASE=${_case} -DNAME=${_name}
                       -P ${CMAKE_CURRENT_LIST_FILE})
      set_tests_properties(cloudevents.${_kind}.${_name} PROPERTIES LABELS "cloudevents")
    endforeach()
  endforeach()

  file(GLOB _ce_emits RELATIVE ${_ce_dir}/emit CONFIGURE_DEPENDS ${_ce_dir}/emit/*.expected)
  foreach(_exp IN LISTS _ce_emits)
    # <event>.<binding>-<mode>.expected
    string(REGEX MATCH "^(.+)\\.([a-z]+)-([a-z]+)\\.expected$" _m ${_exp})
    add_test(NAME cloudevents.emit.${CMAKE_MATCH_1}.${CMAKE_MATCH_2}-${CMAKE_MATCH_3}
             COMMAND ${CMAKE_COMMAND} -DTOOL=${_ce_tool} -DKIND=emit -DBINDING=${CMAKE_MATCH_2}
                     -DMODE=${CMAKE_MATCH_3} -DDIR=${_ce_dir} -DCASE=${CMAKE_MATCH_1}
                     -DNAME=${_exp} -P ${CMAKE_CURRENT_LIST_FILE})
    set_tests_properties(cloudevents.emit.${CMAKE_MATCH_1}.${CMAKE_MATCH_2}-${CMAKE_MATCH_3}
                         PROPERTIES LABELS "cloudevents")
  endforeach()

  foreach(_usage IN ITEMS none no-binding bad-binding bad-mode kafka-batch)
    add_test(NAME cloudevents.usage.${_usage}
             COMMAND ${CMAKE_COMMAND} -DTOOL=${_ce_tool} -DKIND=usage -DCASE=${_usage}
                     -DDIR=${_ce_dir} -P ${CMAKE_CURRENT_LIST_FILE})
    set_tests_properties(cloudevents.usage.${_usage} PROPERTIES LABELS "cloudevents")
  endforeach()

  # The seeds of the CloudEvents fuzz harness (fuzz/ce_seeds.c): every test event in the layout
  # of each reader must read back through the harness's own input splitting.
  if(NOT TARGET eventc_ce_seeds)
    add_executable(eventc_ce_seeds ${CMAKE_SOURCE_DIR}/fuzz/ce_seeds.c)
    target_compile_options(eventc_ce_seeds PRIVATE ${EVENTC_WARNINGS})
    target_link_libraries(eventc_ce_seeds PRIVATE eventc_runtime)
    set_target_properties(eventc_ce_seeds PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                     ${CMAKE_BINARY_DIR}/tests)
  endif()
  file(GLOB _ce_seed_events CONFIGURE_DEPENDS ${_ce_dir}/events/*.json)
  set(_ce_seed_out ${CMAKE_CURRENT_BINARY_DIR}/cloudevents-seeds)
  file(MAKE_DIRECTORY ${_ce_seed_out})
  add_test(NAME cloudevents.fuzz_seeds
           COMMAND $<TARGET_FILE:eventc_ce_seeds> ${_ce_seed_out} ${_ce_seed_events})
  set_tests_properties(cloudevents.fuzz_seeds PROPERTIES LABELS "cloudevents")

  # The referee. npm installs the pinned SDK from the committed lockfile into the build folder.
  find_program(EVENTC_NODE node)
  find_program(EVENTC_NPM npm)
  set(_ref_dir ${CMAKE_CURRENT_BINARY_DIR}/cloudevents-referee)
  if(EVENTC_NODE AND EVENTC_NPM)
    add_test(NAME referee.cloudevents.npm_ci
             COMMAND ${CMAKE_COMMAND} -DKIND=npm -DNPM=${EVENTC_NPM} -DDIR=${_ce_dir}
                     -DOUT=${_ref_dir} -P ${CMAKE_CURRENT_LIST_FILE})
    set_tests_properties(referee.cloudevents.npm_ci PROPERTIES LABELS "referee" TIMEOUT 600
                                                               FIXTURES_SETUP cloudevents_sdk)
    foreach(_dir IN ITEMS ours-to-sdk sdk-to-ours)
      add_test(NAME referee.cloudevents.${_dir}
               COMMAND ${EVENTC_NODE} ${_ce_dir}/referee.js --eventc ${_ce_tool} --events
                       ${_ce_dir}/events --work ${_ref_dir}/work --direction ${_dir})
      set_tests_properties(referee.cloudevents.${_dir} PROPERTIES
        LABELS "referee" TIMEOUT 300 FIXTURES_REQUIRED cloudevents_sdk
        ENVIRONMENT "NODE_PATH=${_ref_dir}/node_modules")
    endforeach()
  else()
    add_test(NAME referee.cloudevents.skipped
             COMMAND ${CMAKE_COMMAND} -E echo
                     "SKIPPED: node and npm are needed for the CloudEvents SDK referee")
    set_tests_properties(referee.cloudevents.skipped PROPERTIES LABELS "referee"
                         SKIP_REGULAR_EXPRESSION "SKIPPED")
  endif()

  # valgrind: valid and invalid messages per binding, and emit, without leaks or errors. valgrind's
  # own findings exit 99; otherwise the status must be the normal one (1 for a refused message).
  find_program(EVENTC_VALGRIND valgrind)
  if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE)
    set(_mc_cases
        "parse-http-binary|0|parse --binding http valid/01-spec-http-binary.http"
        "parse-http-batch|0|parse --binding http valid/08-spec-http-batch.http"
        "parse-kafka|0|parse --binding kafka valid/06-spec-kafka-binary-with-key.kafka"
        "parse-json-warnings|0|parse --binding json valid/11-json-name-warnings.json"
        "parse-http-invalid|1|parse --binding http invalid/20-structured-data-and-data-base64.http"
        "parse-http-invalid-header|1|parse --binding http invalid/09-http-bad-percent-encoding.http"
        "parse-kafka-invalid|1|parse --binding kafka invalid/44-kafka-datacontenttype-disagrees.kafka"
        "parse-json-invalid|1|parse --binding json invalid/55-json-duplicate-data.json"
        "emit-http-binary|0|emit --binding http --mode binary events/10-extensions-all-types.json"
        "emit-kafka-binary|0|emit --binding kafka --mode binary events/07-binary-png.json"
        "emit-kafka-structured|0|emit --binding kafka --mode structured events/04-json-unicode.json")
    foreach(_c IN LISTS _mc_cases)
      string(REPLACE "|" ";" _parts "${_c}")
      list(GET _parts 0 _name)
      list(GET _parts 1 _status)
      list(GET _parts 2 _argv)
      add_test(NAME memcheck.cloudevents.${_name}
               COMMAND ${CMAKE_COMMAND} -DKIND=memcheck -DVALGRIND=${EVENTC_VALGRIND}
                       -DTOOL=${_ce_tool} -DDIR=${_ce_dir} -DSTATUS=${_status} "-DARGS=${_argv}"
                       -P ${CMAKE_CURRENT_LIST_FILE})
      set_tests_properties(memcheck.cloudevents.${_name} PROPERTIES LABELS "memcheck" TIMEOUT 120)
    endforeach()
    # The unit tests too, allocation-failure sweep included.
    foreach(_unit IN ITEMS test_cloudevents test_cloudevents_bindings test_cloudevents_names
                           test_cloudevents_nats)
      add_test(NAME memcheck.cloudevents.${_unit}
               COMMAND ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                       --errors-for-leak-kinds=definite,indirect $<TARGET_FILE:${_unit}>)
      set_tests_properties(memcheck.cloudevents.${_unit} PROPERTIES LABELS "memcheck" TIMEOUT 300)
    endforeach()
  endif()
  return()
endif()

# ---- script mode ----

if(KIND STREQUAL "npm")
  # npm ci wants package.json and the lockfile in the folder it installs into.
  file(MAKE_DIRECTORY ${OUT})
  file(COPY ${DIR}/package.json ${DIR}/package-lock.json DESTINATION ${OUT})
  execute_process(COMMAND ${NPM} ci --no-audit --no-fund --loglevel=error
                  WORKING_DIRECTORY ${OUT} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "npm ci failed (${rc}):\n${out}\n${err}")
  endif()
  return()
endif()

if(KIND STREQUAL "memcheck")
  separate_arguments(argv UNIX_COMMAND "${ARGS}")
  execute_process(COMMAND ${VALGRIND} -q --error-exitcode=99 --leak-check=full
                          --errors-for-leak-kinds=definite,indirect ${TOOL} ce ${argv}
                  WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL STATUS)
    message(FATAL_ERROR "want status ${STATUS} under valgrind, got ${rc}:\n${err}")
  endif()
  return()
endif()

if(KIND STREQUAL "usage")
  if(CASE STREQUAL "none")
    set(argv ce)
  elseif(CASE STREQUAL "no-binding")
    set(argv ce parse ${DIR}/valid/03-spec-json-binary-data.json)
  elseif(CASE STREQUAL "bad-binding")
    set(argv ce parse --binding amqp ${DIR}/valid/03-spec-json-binary-data.json)
  elseif(CASE STREQUAL "bad-mode")
    set(argv ce emit --binding http --mode raw ${DIR}/events/01-minimal.json)
  elseif(CASE STREQUAL "kafka-batch")
    set(argv ce emit --binding kafka --mode batch ${DIR}/events/01-minimal.json)
  endif()
  execute_process(COMMAND ${TOOL} ${argv} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 2 OR NOT err MATCHES "usage: eventc ce")
    message(FATAL_ERROR "want status 2 and the usage text; got status ${rc}\nstderr: ${err}")
  endif()
  return()
endif()

if(KIND STREQUAL "emit")
  execute_process(COMMAND ${TOOL} ce emit --binding ${BINDING} --mode ${MODE} events/${CASE}.json
                  WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  file(READ ${DIR}/emit/${NAME} want)
  if(NOT rc EQUAL 0 OR NOT out STREQUAL want)
    message(FATAL_ERROR "status ${rc}, stderr: ${err}\ngot:\n${out}\nwant (emit/${NAME}):\n${want}")
  endif()
  return()
endif()

# valid / invalid corpus cases, run from the case's folder so messages name the file alone.
execute_process(COMMAND ${TOOL} ce parse --binding ${BINDING} ${CASE} WORKING_DIRECTORY ${DIR}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
file(READ ${DIR}/${NAME}.expected want)
if(KIND STREQUAL "invalid")
  if(NOT rc EQUAL 1 OR NOT out STREQUAL "" OR NOT err STREQUAL want)
    message(FATAL_ERROR "want status 1, no output and this error:\n${want}"
                        "got status ${rc}\nstdout: ${out}\nstderr: ${err}")
  endif()
else()
  set(want_err "")
  if(EXISTS ${DIR}/${NAME}.stderr)
    file(READ ${DIR}/${NAME}.stderr want_err)
  endif()
  if(NOT rc EQUAL 0 OR NOT out STREQUAL want OR NOT err STREQUAL want_err)
    message(FATAL_ERROR "want status 0 and\n${want}${want_err}"
                        "got status ${rc}\nstdout: ${out}\nstderr: ${err}")
  endif()
endif()
