# Driver of the work tests (tests/work.cmake): counts the instructions of `eventc check` on inputs
# of several sizes and checks how the count grows. Run as `cmake -D... -P count.cmake`.
#
# Variables: VALGRIND, EVENTC, GEN (gen_hostile), KIND (its input kind: --nodes, --anchors),
# SIZES ('|'-separated), EXPECT (bounded | linear), OUT (a scratch folder).

cmake_minimum_required(VERSION 3.25)
string(REPLACE "|" ";" SIZES "${SIZES}")
file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})

set(_counts "")
foreach(_n IN LISTS SIZES)
  set(_input ${OUT}/input-${_n}.yaml)
  execute_process(COMMAND ${GEN} ${KIND} ${_n} ${_input} RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "gen_hostile ${KIND} ${_n} failed (${_rc})")
  endif()
  execute_process(COMMAND ${VALGRIND} --tool=cachegrind --cache-sim=no
                          --cachegrind-out-file=${OUT}/cachegrind.out ${EVENTC} check ${_input}
                  RESULT_VARIABLE _rc OUTPUT_QUIET ERROR_VARIABLE _err)
  # eventc check exits 0 or 1 (a catalog with errors); anything else is a failure of its own.
  if(NOT (_rc EQUAL 0 OR _rc EQUAL 1))
    message(FATAL_ERROR "eventc check on ${KIND} ${_n} exited ${_rc}:\n${_err}")
  endif()
  if(NOT _err MATCHES "I +refs: +([0-9,]+)")
    message(FATAL_ERROR "no instruction count in valgrind's output:\n${_err}")
  endif()
  string(REPLACE "," "" _count "${CMAKE_MATCH_1}")
  message("${KIND} ${_n}: ${_count} instructions")
  list(APPEND _counts ${_count})
  file(REMOVE ${_input})
endforeach()

# Ratios in hundredths, with integer arithmetic (counts stay below 2^63).
list(LENGTH _counts _k)
if(EXPECT STREQUAL "bounded")
  list(GET _counts 0 _first)
  math(EXPR _last_i "${_k} - 1")
  list(GET _counts ${_last_i} _last)
  math(EXPR _pct "${_last} * 100 / ${_first}")
  message("largest / smallest: ${_pct}%")
  if(_pct GREATER 105)
    message(FATAL_ERROR "the work grows with the input (${_pct}% of the smallest input's): "
                        "it should stop at the limit")
  endif()
elseif(EXPECT STREQUAL "linear")
  if(NOT _k EQUAL 3)
    message(FATAL_ERROR "linear needs three sizes n, 2n, 4n")
  endif()
  list(GET _counts 0 _a)
  list(GET _counts 1 _b)
  list(GET _counts 2 _c)
  math(EXPR _d1 "${_b} - ${_a}")
  math(EXPR _d2 "${_c} - ${_b}")
  if(_d1 LESS_EQUAL 0)
    message(FATAL_ERROR "no growth between the first two sizes: choose larger sizes")
  endif()
  math(EXPR _ratio "${_d2} * 100 / ${_d1}")
  message("second increment / first increment: ${_ratio}% (linear 200%, quadratic 400%)")
  if(_ratio GREATER 250)
    message(FATAL_ERROR "the work grows faster than linearly (${_ratio}%)")
  endif()
else()
  message(FATAL_ERROR "EXPECT must be bounded or linear, not '${EXPECT}'")
endif()
