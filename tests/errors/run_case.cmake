# Driver of the error corpus and the CLI checks, run by ctest as `cmake -D... -P run_case.cmake`.
# The tests are registered by tests/errors.cmake and tests/memcheck.cmake; see there for the
# re-bless command.
#
# Variables (all given with -D):
#   MODE        error | ok | cli | memcheck
#   EVENTC      path of the eventc binary
#   DIR         working directory; catalog paths are relative to it, so diagnostics are too
#   OUT         a scratch folder for actual outputs (build tree)
#   LIMIT_CMD   optional '|'-separated command prefix that bounds the address space
#               (e.g. prlimit --as=268435456 --); empty under sanitizers
# MODE error:    CASE (the catalog is DIR/CASE.yaml), EXPECTED (file with the exact stderr)
# MODE ok:       CATALOG (path relative to DIR), STDOUT (the exact summary line)
# MODE cli:      ARGS ('|'-separated arguments; `check|EMPTY` runs `check ""`), STATUS (exit
#                status), STREAM (stdout or stderr)
#                and MATCH (a regex the stream must match), EMPTY (the stream that must be empty)
# MODE memcheck: VALGRIND, CATALOG, STATUS (the normal exit status: 0 or 1)

cmake_minimum_required(VERSION 3.25)

foreach(_var MODE EVENTC DIR OUT)
  if(NOT DEFINED ${_var})
    message(FATAL_ERROR "run_case.cmake: ${_var} is not set")
  endif()
endforeach()
file(MAKE_DIRECTORY ${OUT})

set(_limit "")
if(LIMIT_CMD)
  string(REPLACE "|" ";" _limit "${LIMIT_CMD}")
endif()

# Runs eventc with the given arguments in DIR; sets rc, out and err in the caller. No test here
# bounds the elapsed time (a loaded machine would fail it): the cases that guard against
# superlinear work are built so that such work could not finish at all (tests/errors.cmake).
macro(run_eventc)
  execute_process(
    COMMAND ${_limit} ${EVENTC} ${ARGN}
    WORKING_DIRECTORY ${DIR}
    RESULT_VARIABLE rc
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err)
endmacro()

# Prints `details` as is (FATAL_ERROR would re-wrap it) and fails with `summary`.
function(fail summary details)
  message("${details}")
  message(FATAL_ERROR "${summary}")
endfunction()

# Prints a unified diff of two files (diff -u, or git's when diff is missing).
function(show_diff expected actual)
  find_program(_diff diff)
  if(_diff)
    execute_process(COMMAND ${_diff} -u ${expected} ${actual} OUTPUT_VARIABLE _d)
  else()
    find_program(_git git)
    execute_process(COMMAND ${_git} diff --no-index -- ${expected} ${actual} OUTPUT_VARIABLE _d)
  endif()
  message("${_d}")
endfunction()

if(MODE STREQUAL "error")
  run_eventc(check ${CASE}.yaml)
  set(_actual ${OUT}/${CASE}.stderr)
  file(WRITE ${_actual} "${err}")
  if("$ENV{EVENTC_BLESS}" STREQUAL "1")
    if(NOT rc EQUAL 1 OR NOT out STREQUAL "")
      fail("not blessed: want status 1 and an empty stdout, got status ${rc}"
           "stdout:\n${out}\nstderr:\n${err}")
    endif()
    file(WRITE ${EXPECTED} "${err}")
    message("blessed ${EXPECTED}")
    return()
  endif()
  set(_problems "")
  if(NOT rc EQUAL 1)
    string(APPEND _problems "exit status is '${rc}', want 1\n")
  endif()
  if(NOT out STREQUAL "")
    string(APPEND _problems "stdout is not empty:\n${out}\n")
  endif()
  file(READ ${EXPECTED} _want)
  if(NOT err STREQUAL _want)
    string(APPEND _problems "stderr differs from ${EXPECTED}:\n")
  endif()
  if(_problems)
    message("command: (cd ${DIR} && ${EVENTC} check ${CASE}.yaml)")
    message("${_problems}")
    if(NOT err STREQUAL _want)
      show_diff(${EXPECTED} ${_actual})
      message("If the new output is right, re-bless it with\n"
              "  EVENTC_BLESS=1 ctest -R '^errors\\.${CASE}$'\n"
              "or\n  cp ${_actual} ${EXPECTED}")
    endif()
    message(FATAL_ERROR "errors.${CASE} failed")
  endif()

elseif(MODE STREQUAL "ok")
  run_eventc(check ${CATALOG})
  if(NOT rc EQUAL 0 OR NOT out STREQUAL "${STDOUT}\n" OR NOT err STREQUAL "")
    fail("eventc check ${CATALOG} (in ${DIR}): want status 0, stdout '${STDOUT}', no stderr; got ${rc}"
         "stdout:\n${out}\nstderr:\n${err}")
  endif()

elseif(MODE STREQUAL "cli")
  set(_args "")
  if(NOT ARGS STREQUAL "")
    string(REPLACE "|" ";" _args "${ARGS}")
  endif()
  if(ARGS STREQUAL "check|EMPTY")
    execute_process(COMMAND ${EVENTC} check "" WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc
                    OUTPUT_VARIABLE out ERROR_VARIABLE err)
  else()
    run_eventc(${_args})
  endif()
  set(_stream "${${STREAM}}")
  set(_empty "")
  if(EMPTY)
    set(_empty "${${EMPTY}}")
  endif()
  if(NOT rc STREQUAL STATUS OR NOT _stream MATCHES "${MATCH}" OR NOT _empty STREQUAL "")
    fail("eventc ${_args}: want status ${STATUS}, ${STREAM} matching '${MATCH}', empty ${EMPTY}"
         "got status ${rc}\nstdout:\n${out}\nstderr:\n${err}")
  endif()

elseif(MODE STREQUAL "memcheck")
  # One log per catalog, so parallel runs do not mix their reports.
  string(MAKE_C_IDENTIFIER "${CATALOG}" _id)
  set(_log ${OUT}/${_id}.valgrind.log)
  file(REMOVE ${_log})
  set(_limit ${VALGRIND} --error-exitcode=99 --leak-check=full
             --errors-for-leak-kinds=definite,indirect --log-file=${_log})
  run_eventc(check ${CATALOG})
  if(NOT rc STREQUAL STATUS)
    set(_vg "")
    if(EXISTS ${_log})
      file(READ ${_log} _vg)
    endif()
    fail("valgrind eventc check ${CATALOG} (in ${DIR}): want status ${STATUS}, got ${rc}"
         "(99: valgrind found errors)\nstderr:\n${err}\nvalgrind log (${_log}):\n${_vg}")
  endif()

else()
  message(FATAL_ERROR "run_case.cmake: unknown MODE '${MODE}'")
endif()
