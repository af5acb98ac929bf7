# The benchmark harness in smoke mode: tiny counts, a few seconds at most. It is not a timed test
# (no speed is asserted); it checks that every workload and contender runs, that the hand-written
# json-c peer and the generated decoder decode every example and every large variant to equal
# structs, that both refuse the same invalid documents, and that both encoders round-trip.
# The harness exits non-zero on any disagreement. Run with `ctest -L bench`.
if(NOT TARGET eventc_bench)
  return()
endif()

add_test(NAME bench.smoke
         COMMAND eventc_bench --smoke --examples ${CMAKE_SOURCE_DIR}/catalog/examples
                 --out ${CMAKE_CURRENT_BINARY_DIR}/bench-smoke)
# Exit status 0 only after the cross-check passed and results.json was written and found valid.
set_tests_properties(bench.smoke PROPERTIES LABELS "bench" TIMEOUT 120
                     FAIL_REGULAR_EXPRESSION "cross-check failed|accepted by|different structs")
