# The benchmark harness in smoke mode: tiny counts, a few seconds at most. It is not a timed test
# (no speed is asserted); it checks that every workload and contender runs, that the peer decoders
# (simdjson when built, yajl, json-c) and the generated decoder decode every example and every
# large variant to equal structs, that they refuse the invalid documents (each peer exactly those
# it is known to see), and that every encoder round-trips. The harness exits non-zero on any
# disagreement. Run with `ctest -L bench`.
if(NOT TARGET eventc_bench)
  return()
endif()

add_test(NAME bench.smoke
         COMMAND eventc_bench --smoke --examples ${CMAKE_SOURCE_DIR}/catalog/examples
                 --out ${CMAKE_CURRENT_BINARY_DIR}/bench-smoke)
# Exit status 0 only after the cross-check passed and results.json was written and found valid.
set_tests_properties(bench.smoke PROPERTIES LABELS "bench" TIMEOUT 120
                     FAIL_REGULAR_EXPRESSION "cross-check failed|accepted by|refused by|different structs")

# The instruction mode (scripts/bench.sh --instructions) in smoke mode: callgrind counts the
# measured loops, the harness reads its dumps and writes results.json and instructions.md.
find_program(EVENTC_VALGRIND valgrind)
# Not under the sanitizers: valgrind cannot run their binaries.
if(EVENTC_VALGRIND AND EVENTC_HAVE_CALLGRIND_H AND NOT EVENTC_SANITIZE AND NOT EVENTC_TSAN)
  set(_bi ${CMAKE_CURRENT_BINARY_DIR}/bench-instructions-smoke)
  file(MAKE_DIRECTORY ${_bi})
  add_test(NAME bench.instructions
           COMMAND ${EVENTC_VALGRIND} -q --tool=callgrind --collect-atstart=no
                   --callgrind-out-file=${_bi}/callgrind.out $<TARGET_FILE:eventc_bench> --smoke
                   --examples ${CMAKE_SOURCE_DIR}/catalog/examples --out ${_bi}
                   --instructions ${_bi}/callgrind.out)
  set_tests_properties(bench.instructions PROPERTIES LABELS "bench" TIMEOUT 300
                       FAIL_REGULAR_EXPRESSION "cross-check failed|accepted by|refused by")
endif()
