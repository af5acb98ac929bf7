# CloudEvents SQL (CESQL).
#
#   cesql.tck        the official TCK (<shared>/reference/cloudevents/cesql/cesql_tck/*.yaml, read
#                    at run time) against the engine in process; skipped when the folder is absent
#   cesql.tck.cli    the same cases, each through `eventc ce eval EXPR [EVENT.json]`
#   unit.test_cesql  edge cases beyond the TCK (precedence, limits, overflow, LIKE, Unicode)
#   memcheck.cesql.* the TCK runner and the unit test under valgrind
add_executable(cesql_tck ${CMAKE_CURRENT_SOURCE_DIR}/cesql/tck.c)
target_link_libraries(cesql_tck PRIVATE eventc_cesql PkgConfig::YAML PkgConfig::JSONC)
target_compile_options(cesql_tck PRIVATE ${EVENTC_WARNINGS})
set_target_properties(cesql_tck PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_test(NAME cesql.tck COMMAND cesql_tck ${EVENTC_SHARED_DIR})
set_tests_properties(cesql.tck PROPERTIES LABELS "cesql" SKIP_RETURN_CODE 77)
