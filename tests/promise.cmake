# The promise of the checker, end to end: "if eventc check passes, generation, compilation and the
# constructors succeed". Each tests/promise/<case>/ holds a catalog that is valid but hard on the
# generated code (names the code uses itself, odd text, a deep chain of types, envelope rules the
# constructors' values only just meet) and an example of every event (types/<Name>.json for
# object types). For each case:
#
#   promise.<case>.generate   eventc check exits 0; eventc generate writes every target; the driver
#                             (tests/promise/driver.mustache rendered over `eventc model`) is made
#   promise.<case>.<cc>.<std> the C and CloudEvents sources compile warning-free with gcc and
#                             clang in -std=c11, gnu11, c2x and gnu2x
#   promise.<case>.run        the driver, linked with the sources and libeventc, decodes every
#                             example, builds the same event with its constructor from the decoded
#                             values, again with _init_ex and a sequence stamper, copies it and
#                             the union (_copy, compared with _equal) and converts the copy with
#                             its _to_cloudevent; and builds and copies every object type that has
#                             an example
#
# Included from tests/CMakeLists.txt, this file registers the tests; run with `cmake -P`, it is the
# driver (MODE=generate, compile or run).

if(NOT CMAKE_SCRIPT_MODE_FILE)
  include(${CMAKE_CURRENT_LIST_DIR}/codegen/tool.cmake)
  find_program(EVENTC_GCC gcc)
  find_program(EVENTC_CLANG clang)
  file(GLOB _pr_cases LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/promise
       CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/promise/*)
  foreach(_case IN LISTS _pr_cases)
    set(_src ${CMAKE_CURRENT_SOURCE_DIR}/promise/${_case})
    if(NOT EXISTS ${_src}/catalog.yaml)
      continue()
    endif()
    set(_out ${CMAKE_CURRENT_BINARY_DIR}/promise/${_case})
    set(_args -DTOOL=${EVENTC_GEN_TOOL} -DSRC=${_src} -DOUT=${_out}
              -DINC=${PROJECT_SOURCE_DIR}/runtime/include
              -DDRIVER=${CMAKE_CURRENT_SOURCE_DIR}/promise/driver.mustache)
    add_test(NAME promise.${_case}.generate
             COMMAND ${CMAKE_COMMAND} -DMODE=generate ${_args} -P ${CMAKE_CURRENT_LIST_FILE})
    set_tests_properties(promise.${_case}.generate PROPERTIES LABELS "promise;codegen"
                         FIXTURES_SETUP promise_${_case} TIMEOUT 300)
    foreach(_cc IN ITEMS GCC CLANG)
      if(NOT EVENTC_${_cc})
        continue()
      endif()
      string(TOLOWER ${_cc} _ccname)
      foreach(_std IN ITEMS c11 gnu11 c2x gnu2x)
        add_test(NAME promise.${_case}.${_ccname}.${_std}
                 COMMAND ${CMAKE_COMMAND} -DMODE=compile -DCC=${EVENTC_${_cc}} -DSTD=${_std}
                         ${_args} -P ${CMAKE_CURRENT_LIST_FILE})
        set_tests_properties(promise.${_case}.${_ccname}.${_std} PROPERTIES
                             LABELS "promise;codegen" FIXTURES_REQUIRED promise_${_case}
                             TIMEOUT 300)
      endforeach()
    endforeach()
    set(_cc ${EVENTC_GCC})
    if(NOT _cc)
      set(_cc ${EVENTC_CLANG})
    endif()
    if(_cc)
      set(_extra "")
      if(EVENTC_SANITIZE)
        set(_extra "-fsanitize=address,undefined;-fno-omit-frame-pointer")
      endif()
      add_test(NAME promise.${_case}.run
               COMMAND ${CMAKE_COMMAND} -DMODE=run -DCC=${_cc} -DLIB=$<TARGET_FILE:eventc_runtime>
                       "-DEXTRA=${_extra}" ${_args} -P ${CMAKE_CURRENT_LIST_FILE})
      set_tests_properties(promise.${_case}.run PROPERTIES LABELS "promise;codegen"
                           FIXTURES_REQUIRED promise_${_case} TIMEOUT 300)
    endif()
  endforeach()
  return()
endif()

cmake_minimum_required(VERSION 3.25)

function(_pr_run)
  execute_process(COMMAND ${ARGN} WORKING_DIRECTORY ${SRC} OUTPUT_VARIABLE _o ERROR_VARIABLE _e
                  RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    string(REPLACE ";" " " _cmd "${ARGN}")
    message(FATAL_ERROR "failed (${_rc}): ${_cmd}\n${_o}${_e}")
  endif()
  set(_pr_out "${_o}" PARENT_SCOPE)
endfunction()

# (The first line may start with a byte order mark.)
file(STRINGS ${SRC}/catalog.yaml _line REGEX "catalog: [a-z0-9_]+$" LIMIT_COUNT 1)
string(REGEX REPLACE ".*catalog: *([a-z0-9_]+).*" "\\1" _name "${_line}")
set(_warn -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror)

if(MODE STREQUAL "generate")
  file(REMOVE_RECURSE ${OUT})
  _pr_run(${TOOL} check catalog.yaml)
  _pr_run(${TOOL} generate catalog.yaml -o ${OUT})
  foreach(_f c/${_name}.h c/${_name}.c c/${_name}_cloudevents.h c/${_name}_cloudevents.c
             schemas/catalog.schema.json docs/index.md)
    if(NOT EXISTS ${OUT}/${_f})
      message(FATAL_ERROR "generate wrote no ${_f}")
    endif()
  endforeach()
  _pr_run(${TOOL} model catalog.yaml)
  file(WRITE ${OUT}/model.json "${_pr_out}")
  _pr_run(${TOOL} render ${DRIVER} ${OUT}/model.json)
  file(WRITE ${OUT}/driver.c "${_pr_out}")
elseif(MODE STREQUAL "compile")
  set(_o ${OUT}/obj-${STD})
  get_filename_component(_ccname ${CC} NAME)
  set(_o ${_o}-${_ccname})
  file(MAKE_DIRECTORY ${_o})
  foreach(_f ${_name} ${_name}_cloudevents)
    _pr_run(${CC} -std=${STD} ${_warn} -I${INC} -I${OUT}/c -c ${OUT}/c/${_f}.c -o ${_o}/${_f}.o)
  endforeach()
elseif(MODE STREQUAL "run")
  file(GLOB _examples ${SRC}/examples/*.json)
  _pr_run(${CC} -std=c11 ${_warn} ${EXTRA} -I${INC} -I${OUT}/c ${OUT}/driver.c ${OUT}/c/${_name}.c
          ${OUT}/c/${_name}_cloudevents.c ${LIB} -lm -o ${OUT}/driver)
  _pr_run(${OUT}/driver ${SRC} ${_examples})
  list(LENGTH _examples _n)
  string(REGEX MATCHALL "constructed, stamped, copied and converted" _ok "${_pr_out}")
  list(LENGTH _ok _n_ok)
  if(NOT _n_ok EQUAL _n)
    message(FATAL_ERROR "${_n} examples, ${_n_ok} constructed, stamped, copied and converted:\n${_pr_out}")
  endif()
  message("${_pr_out}")
else()
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()
