# `eventc check` under valgrind: no invalid access, no use of uninitialised memory and no definite
# or indirect leak, on the messaging catalog, the library example and a sample of the error corpus
# (tests/errors.cmake) chosen to cover every stage: the YAML loader on hostile input, the builder,
# the checker, includes and example validation. valgrind's own verdict is exit status 99; any
# other status must be the normal one (0 for a valid catalog, 1 for a bad one). Run with
# `ctest -L memcheck`; its logs land in <build>/tests/memcheck-out.
#
# Skipped in sanitizer builds (valgrind cannot run AddressSanitizer binaries) and when valgrind is
# not installed.

find_program(EVENTC_VALGRIND valgrind)
if(NOT EVENTC_VALGRIND OR EVENTC_SANITIZE)
  return()
endif()

set(_mc_src ${CMAKE_CURRENT_SOURCE_DIR}/errors)
set(_mc_gen ${CMAKE_CURRENT_BINARY_DIR}/errors-gen)

function(_eventc_memcheck name dir catalog status)
  add_test(NAME memcheck.${name}
           COMMAND ${CMAKE_COMMAND} -DMODE=memcheck -DEVENTC=$<TARGET_FILE:eventc>
                   -DVALGRIND=${EVENTC_VALGRIND} -DDIR=${dir} -DCATALOG=${catalog}
                   -DSTATUS=${status} -DOUT=${CMAKE_CURRENT_BINARY_DIR}/memcheck-out
                   -P ${_mc_src}/run_case.cmake)
  set_tests_properties(memcheck.${name} PROPERTIES LABELS "memcheck" TIMEOUT 120)
endfunction()

_eventc_memcheck(messaging ${_mc_src} ../../catalog/messaging.yaml 0)
_eventc_memcheck(library ${_mc_src} ../../docs/examples/library.yaml 0)

# Committed bad cases: one or two per stage.
foreach(_case IN ITEMS 12-duplicate-keys 18-c-name-collision 23-unknown-type-suggestion
                       25-cyclic-types 28-invalid-pattern 40-lifecycle-unknown-state
                       46-include-cycle 48-unknown-keys 51-example-malformed-json
                       54-example-wrong-type 60-truncated-flow-mapping 63-alias-bomb
                       64-empty-file 72-empty-envelope-and-aggregates 78-include-shapes)
  _eventc_memcheck(${_case} ${_mc_src} ${_case}.yaml 1)
endforeach()

# Generated hostile cases that stay fast under valgrind (not the million-node one).
foreach(_case IN ITEMS 80-deep-nesting 82-huge-scalar 83-long-scalar 84-binary-garbage
                       85-invalid-utf8-overlong 89-nul-byte)
  _eventc_memcheck(${_case} ${_mc_gen} ${_case}.yaml 1)
  set_tests_properties(memcheck.${_case} PROPERTIES FIXTURES_REQUIRED errors_hostile)
endforeach()
