# Lifecycles and the catalog documentation:
#
#   lifecycle.api                 the generated lifecycle API of the messaging catalog: every event
#                                 in every state, replays, state names, argument errors
#   lifecycle.replay.<case>       `messaging-events replay` on the histories of
#                                 tests/lifecycle/replay.cases, output and status checked exactly
#   memcheck.lifecycle.*          both under valgrind
#
# Included from tests/CMakeLists.txt, this file registers the tests; run with `cmake -P`, it is the
# test driver (MODE=replay).

if(NOT CMAKE_SCRIPT_MODE_FILE)
  set(_lc_src ${CMAKE_CURRENT_SOURCE_DIR}/lifecycle)
  set(_lc_script ${CMAKE_CURRENT_LIST_FILE})
  find_program(EVENTC_VALGRIND valgrind)
  set(_lc_vg "")
  if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE)
    set(_lc_vg ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
               --errors-for-leak-kinds=definite,indirect)
  endif()

  # The messaging bindings exist once the root CMakeLists.txt generates them.
  if(TARGET messaging_events_c)
    add_executable(test_lifecycle_api ${_lc_src}/api.c)
    target_link_libraries(test_lifecycle_api PRIVATE messaging_events_c)
    target_include_directories(test_lifecycle_api PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
    target_compile_options(test_lifecycle_api PRIVATE ${EVENTC_WARNINGS})
    set_target_properties(test_lifecycle_api PROPERTIES
                          RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
    add_test(NAME lifecycle.api COMMAND test_lifecycle_api ${CMAKE_SOURCE_DIR})
    set_tests_properties(lifecycle.api PROPERTIES LABELS "lifecycle")
    if(_lc_vg)
      add_test(NAME memcheck.lifecycle.api
               COMMAND ${_lc_vg} $<TARGET_FILE:test_lifecycle_api> ${CMAKE_SOURCE_DIR})
      set_tests_properties(memcheck.lifecycle.api PROPERTIES LABELS "memcheck" TIMEOUT 120)
    endif()
  endif()

  if(TARGET messaging-events)
    file(STRINGS ${_lc_src}/replay.cases _lc_heads REGEX "^## [^:]+:")
    foreach(_head IN LISTS _lc_heads)
      string(REGEX REPLACE "^## ([^:]+):.*" "\\1" _case "${_head}")
      add_test(NAME lifecycle.replay.${_case}
               COMMAND ${CMAKE_COMMAND} -DMODE=replay -DTOOL=$<TARGET_FILE:messaging-events>
                       -DCASES=${_lc_src}/replay.cases -DCASE=${_case}
                       -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -P ${_lc_script})
      set_tests_properties(lifecycle.replay.${_case} PROPERTIES LABELS "lifecycle;tools" TIMEOUT 20)
    endforeach()
    if(_lc_vg)
      # The longest history, several aggregates interleaved, under valgrind.
      add_test(NAME memcheck.lifecycle.replay
               COMMAND ${CMAKE_COMMAND} -DMODE=replay "-DTOOL=${_lc_vg};$<TARGET_FILE:messaging-events>"
                       -DCASES=${_lc_src}/replay.cases -DCASE=interleaved
                       -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -P ${_lc_script})
      set_tests_properties(memcheck.lifecycle.replay PROPERTIES LABELS "memcheck" TIMEOUT 120)
    endif()
  endif()
  return()
endif()

cmake_minimum_required(VERSION 3.25)

# ---- script mode ----
if(MODE STREQUAL "replay")
  # The case's block: from its `## CASE:` line to the next `## ` line.
  file(STRINGS ${CASES} _lines)
  set(_in FALSE)
  set(_found FALSE)
  set(_args "")
  set(_status "")
  set(_out "")
  set(_err "")
  foreach(_l IN LISTS _lines)
    if(_l MATCHES "^## ")
      if(_in)
        break()
      endif()
      if(_l MATCHES "^## ${CASE}:")
        set(_in TRUE)
        set(_found TRUE)
      endif()
      continue()
    endif()
    if(NOT _in OR _l MATCHES "^#" OR _l STREQUAL "")
      continue()
    endif()
    if(_l MATCHES "^exit ([0-9]+)$")
      set(_status ${CMAKE_MATCH_1})
    elseif(_l MATCHES "^out: (.*)$")
      string(APPEND _out "${CMAKE_MATCH_1}\n")
    elseif(_l MATCHES "^err: (.*)$")
      string(APPEND _err "${CMAKE_MATCH_1}\n")
    else()
      list(APPEND _args "${_l}")
    endif()
  endforeach()
  if(NOT _found OR _status STREQUAL "")
    message(FATAL_ERROR "no case '${CASE}' with an `exit` line in ${CASES}")
  endif()
  execute_process(COMMAND ${TOOL} replay ${_args} WORKING_DIRECTORY ${SOURCE_DIR}
                  OUTPUT_VARIABLE _got_out ERROR_VARIABLE _got_err RESULT_VARIABLE _rc)
  set(_problems "")
  if(NOT _rc STREQUAL _status)
    string(APPEND _problems "exit status ${_rc}, want ${_status}\n")
  endif()
  if(NOT _got_out STREQUAL _out)
    string(APPEND _problems "standard output:\n${_got_out}--- want:\n${_out}")
  endif()
  if(NOT _got_err STREQUAL _err)
    string(APPEND _problems "standard error:\n${_got_err}--- want:\n${_err}")
  endif()
  if(_problems)
    message(FATAL_ERROR "case ${CASE}:\n${_problems}")
  endif()
else()
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()
