# `eventc render` from the command line, on the small template in tests/render/.
#
# Included from tests/CMakeLists.txt, this file registers the tests; run with `cmake -P`, it is the
# test driver itself (one file keeps the registration and the checks side by side).

if(NOT CMAKE_SCRIPT_MODE_FILE)
  set(_render_dir ${CMAKE_CURRENT_SOURCE_DIR}/render)
  foreach(_case IN ITEMS output error usage)
    if(_case STREQUAL "output")
      set(_name cli.render)
    else()
      set(_name cli.render.${_case})
    endif()
    add_test(NAME ${_name}
             COMMAND ${CMAKE_COMMAND} -DEVENTC=$<TARGET_FILE:eventc> -DDIR=${_render_dir}
                     -DOUT=${CMAKE_CURRENT_BINARY_DIR}/render -DCASE=${_case}
                     -P ${CMAKE_CURRENT_LIST_FILE})
    set_tests_properties(${_name} PROPERTIES LABELS "cli")
  endforeach()
  return()
endif()

# ---- script mode: EVENTC, DIR, OUT and CASE are set on the command line ----
file(MAKE_DIRECTORY ${OUT})

if(CASE STREQUAL "output")
  # The whole template/data/partials set renders exactly to expected.txt.
  execute_process(
    COMMAND ${EVENTC} render ${DIR}/page.mustache ${DIR}/data.json --partials ${DIR}/partials
    OUTPUT_FILE ${OUT}/page.out
    ERROR_VARIABLE err
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "eventc render exited with ${rc}:\n${err}")
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/page.out ${DIR}/expected.txt
                  RESULT_VARIABLE differ)
  if(differ)
    file(READ ${OUT}/page.out got)
    message(FATAL_ERROR "output differs from ${DIR}/expected.txt; got:\n${got}\n"
                        "to accept it: cp ${OUT}/page.out ${DIR}/expected.txt")
  endif()
elseif(CASE STREQUAL "error")
  # A template error: status 1, GCC-style position, nothing on stdout.
  execute_process(
    COMMAND ${EVENTC} render ${DIR}/bad.mustache ${DIR}/data.json
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err
    RESULT_VARIABLE rc)
  set(want "bad.mustache:3:3: error: section end 'event' does not match section 'events' opened at 1:1")
  if(NOT rc EQUAL 1 OR NOT out STREQUAL "" OR NOT err MATCHES "${want}")
    message(FATAL_ERROR "want status 1 and \"${want}\"; got status ${rc}\nstdout: ${out}\nstderr: ${err}")
  endif()
elseif(CASE STREQUAL "usage")
  # A missing argument is a usage error: status 2.
  execute_process(
    COMMAND ${EVENTC} render ${DIR}/page.mustache
    OUTPUT_VARIABLE out
    ERROR_VARIABLE err
    RESULT_VARIABLE rc)
  if(NOT rc EQUAL 2 OR NOT err MATCHES "usage: eventc render")
    message(FATAL_ERROR "want status 2 and a usage line; got status ${rc}\nstderr: ${err}")
  endif()
else()
  message(FATAL_ERROR "unknown CASE '${CASE}'")
endif()
