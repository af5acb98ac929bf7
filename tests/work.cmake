# Tests of how much work eventc does on large or hostile inputs. No test measures time (a loaded
# machine would fail it); these count the instructions eventc executes, under valgrind's
# cachegrind without cache simulation, which gives the same count on every run of one build:
#
#   work.<name>   writes the input at each size with `gen_hostile <KIND> <size> FILE`, counts the
#                 instructions of `eventc check FILE` at each size, and asserts the shape:
#                   bounded  the largest input costs at most 5% more than the smallest: work stops
#                            at a limit, whatever the input's length
#                   linear   with three sizes n, 2n, 4n, the second increment is at most 2.5 times
#                            the first (linear work doubles it, quadratic work quadruples it)
#
# The instruction counts are printed, so a test log shows the figures. Without valgrind, or in a
# sanitizer build (valgrind cannot run those), the tests report SKIPPED.
#
# The `TIMEOUT` of every test in this project is a guard against hangs, set far above a normal
# run on a loaded machine; no test asserts a duration.

set(_work_driver ${CMAKE_CURRENT_SOURCE_DIR}/work/count.cmake)
set(_work_out ${CMAKE_CURRENT_BINARY_DIR}/work-out)
find_program(EVENTC_VALGRIND valgrind)

function(eventc_work_test name kind expect)
  if(NOT EVENTC_VALGRIND OR EVENTC_SANITIZE)
    add_test(NAME work.${name}
             COMMAND ${CMAKE_COMMAND} -E echo
                     "SKIPPED: counting instructions needs valgrind in a build without sanitizers")
    set_tests_properties(work.${name} PROPERTIES LABELS "work" SKIP_REGULAR_EXPRESSION "SKIPPED")
    return()
  endif()
  list(JOIN ARGN "|" _sizes)
  add_test(NAME work.${name}
           COMMAND ${CMAKE_COMMAND} -DVALGRIND=${EVENTC_VALGRIND} -DEVENTC=$<TARGET_FILE:eventc>
                   -DGEN=$<TARGET_FILE:gen_hostile> -DKIND=${kind} -DEXPECT=${expect}
                   "-DSIZES=${_sizes}" -DOUT=${_work_out}/${name} -P ${_work_driver})
  set_tests_properties(work.${name} PROPERTIES LABELS "work" TIMEOUT 600)
endfunction()

# The YAML node limit (errors.91-too-many-nodes): loading stops at the limit.
eventc_work_test(yaml_node_limit --nodes bounded 1000001 2000000)
# Anchors and aliases (errors.93-many-anchors): looking them up is linear.
eventc_work_test(yaml_anchors --anchors linear 25000 50000 100000)

# The memory of `eventc generate` on large catalogs (tests/work/peak_memory.c): peak resident
# memory, not time, of generate and of check at 250 and 1,000 events; what generate needs beyond
# the model must stay a few KiB per event (view models built one event at a time, files written
# while they are rendered). Sanitizers multiply memory, so their builds skip it.
add_executable(peak_memory ${CMAKE_CURRENT_SOURCE_DIR}/work/peak_memory.c)
target_compile_options(peak_memory PRIVATE ${EVENTC_WARNINGS})
if(EVENTC_SANITIZE OR EVENTC_TSAN OR EVENTC_FUZZ)
  add_test(NAME work.generate_memory
           COMMAND ${CMAKE_COMMAND} -E echo "SKIPPED: peak memory is not measured under sanitizers")
  set_tests_properties(work.generate_memory PROPERTIES SKIP_REGULAR_EXPRESSION "SKIPPED")
else()
  add_test(NAME work.generate_memory
           COMMAND peak_memory $<TARGET_FILE:eventc> ${_work_out}/generate_memory 250 1000)
endif()
set_tests_properties(work.generate_memory PROPERTIES LABELS "work" TIMEOUT 600)
