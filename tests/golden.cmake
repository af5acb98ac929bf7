# Golden files of the C back end. Each tests/golden/<case>/catalog.yaml is generated (targets c and
# messaging)
# into the build folder and compared byte for byte with tests/golden/<case>/expected/; the test
# `golden.<case>` prints a diff when they differ. After an intended change of the output, rewrite
# every expected file with
#
#     cmake --build <build> --target bless
#
# and review the change with `git diff tests/golden`.
#
# Included from tests/CMakeLists.txt, this file registers the tests; run with `cmake -P`, it is the
# test driver (MODE=check or MODE=bless).

if(NOT CMAKE_SCRIPT_MODE_FILE)
  include(${CMAKE_CURRENT_LIST_DIR}/codegen/tool.cmake)
  file(GLOB _golden_cases LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/golden
       CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/golden/*)
  list(SORT _golden_cases)
  set(_golden_bless "")
  foreach(_case IN LISTS _golden_cases)
    if(NOT EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/golden/${_case}/catalog.yaml)
      continue()
    endif()
    add_test(NAME golden.${_case}
             COMMAND ${CMAKE_COMMAND} -DMODE=check -DTOOL=${EVENTC_GEN_TOOL}
                     -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DCASE=${_case}
                     -DOUT=${CMAKE_CURRENT_BINARY_DIR}/golden/${_case}
                     -DBUILD_DIR=${CMAKE_BINARY_DIR} -P ${CMAKE_CURRENT_LIST_FILE})
    set_tests_properties(golden.${_case} PROPERTIES LABELS "golden")
    list(APPEND _golden_bless COMMAND ${CMAKE_COMMAND} -DMODE=bless -DTOOL=${EVENTC_GEN_TOOL}
         -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DCASE=${_case} -P ${CMAKE_CURRENT_LIST_FILE})
  endforeach()
  add_custom_target(bless_golden_c ${_golden_bless}
                    DEPENDS ${EVENTC_GEN_TOOL_TARGET}
                    COMMENT "Rewriting the expected C files of tests/golden"
                    VERBATIM)
  # `bless` gathers every suite's rewrite step; other suites add theirs the same way.
  if(NOT TARGET bless)
    add_custom_target(bless)
  endif()
  add_dependencies(bless bless_golden_c)
  return()
endif()

cmake_minimum_required(VERSION 3.25)

# ---- script mode: TOOL, SOURCE_DIR, CASE, and OUT (check) are set on the command line ----
set(_case_dir tests/golden/${CASE})
set(_expected ${SOURCE_DIR}/${_case_dir}/expected)

# The catalog path is given relative to the source folder, as a user would type it: it appears in
# the banner of every generated file.
function(_golden_generate out_dir)
  execute_process(
    COMMAND ${TOOL} generate ${_case_dir}/catalog.yaml -o ${out_dir} --target c,messaging ${ARGN}
    WORKING_DIRECTORY ${SOURCE_DIR}
    OUTPUT_VARIABLE _out
    ERROR_VARIABLE _err
    RESULT_VARIABLE _rc)
  set(_golden_rc ${_rc} PARENT_SCOPE)
  set(_golden_err "${_out}${_err}" PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "bless")
  file(REMOVE_RECURSE ${_expected}/c ${_expected}/messaging)
  _golden_generate(${_expected})
  if(NOT _golden_rc EQUAL 0)
    message(FATAL_ERROR "eventc generate failed (${_golden_rc}) on ${_case_dir}:\n${_golden_err}")
  endif()
  message(STATUS "blessed ${_case_dir}/expected")
  return()
endif()

if(NOT MODE STREQUAL "check")
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()

file(REMOVE_RECURSE ${OUT})
_golden_generate(${OUT})
if(NOT _golden_rc EQUAL 0)
  message(FATAL_ERROR "eventc generate failed (${_golden_rc}) on ${_case_dir}:\n${_golden_err}")
endif()

file(GLOB_RECURSE _want RELATIVE ${_expected} ${_expected}/*)
file(GLOB_RECURSE _got RELATIVE ${OUT} ${OUT}/*)
list(SORT _want)
list(SORT _got)
set(_problems "")
foreach(_f IN LISTS _got)
  if(NOT _f IN_LIST _want)
    string(APPEND _problems "new file ${_f} (not in ${_case_dir}/expected)\n")
  endif()
endforeach()
find_program(_diff diff)
foreach(_f IN LISTS _want)
  if(NOT _f IN_LIST _got)
    string(APPEND _problems "${_f} is no longer generated\n")
    continue()
  endif()
  execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${_expected}/${_f} ${OUT}/${_f}
                  RESULT_VARIABLE _differ)
  if(_differ)
    string(APPEND _problems "${_f} differs from the expected file:\n")
    if(_diff)
      execute_process(COMMAND ${_diff} -u ${_expected}/${_f} ${OUT}/${_f}
                      OUTPUT_VARIABLE _d ERROR_VARIABLE _d)
      string(APPEND _problems "${_d}\n")
    else()
      file(READ ${OUT}/${_f} _d)
      string(APPEND _problems "generated:\n${_d}\n")
    endif()
  endif()
endforeach()
if(_problems)
  message(FATAL_ERROR "${_problems}If the new output is intended, rewrite the expected files with\n"
                      "  cmake --build ${BUILD_DIR} --target bless\nand review the diff.")
endif()

# The same catalog against the expected folder with --check: nothing out of date, nothing written.
_golden_generate(${_expected} --check)
if(NOT _golden_rc EQUAL 0)
  message(FATAL_ERROR "eventc generate --check reports ${_case_dir}/expected out of date "
                      "(${_golden_rc}):\n${_golden_err}")
endif()
