# `eventc compat`: the rule engine, its command line, the referees and the guard of the messaging
# catalog (see docs/compatibility.md).
#
#   compat.pairs.<pair>       eventc compat gives each pair of tests/compat/pairs/ (one or more per
#                             rule) the verdict of its `expect` file, backward and forward
#   referee.compat_pairs      the same verdicts, contradicted by no instance: json-schema-faker
#                             events of the writer's catalog, judged by the reader's C decoder and
#                             ajv in every direction judged compatible; ajv agrees with the
#                             witnesses of every break
#   compat.cli.*              the command line: modes, formats, exit status, bad input
#   compat.guard              catalog/messaging.yaml stays backward compatible with its last
#                             released version (the newest tag, or its first commit)
#   compat.build              eventc_generate(... COMPAT_AGAINST) fails a build on a break
add_executable(compat_tool ${CMAKE_CURRENT_SOURCE_DIR}/compat/compat_tool.c)
target_compile_options(compat_tool PRIVATE ${EVENTC_WARNINGS})
target_link_libraries(compat_tool PRIVATE eventc_gen)
set_target_properties(compat_tool PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)

set(_compat_src ${CMAKE_CURRENT_SOURCE_DIR}/compat)
set(_compat_run ${_compat_src}/run.cmake)
file(GLOB _compat_pairs LIST_DIRECTORIES true RELATIVE ${_compat_src}/pairs CONFIGURE_DEPENDS
     ${_compat_src}/pairs/*)
foreach(_pair IN LISTS _compat_pairs)
  if(NOT EXISTS ${_compat_src}/pairs/${_pair}/expect)
    continue()
  endif()
  add_test(NAME compat.pairs.${_pair}
           COMMAND ${CMAKE_COMMAND} -DMODE=pair -DEVENTC=$<TARGET_FILE:eventc>
                   -DDIR=${_compat_src}/pairs/${_pair} -P ${_compat_run})
  set_tests_properties(compat.pairs.${_pair} PROPERTIES LABELS "compat" TIMEOUT 60)
endforeach()

# The npm packages are the schema referees' (tests/schema.cmake installs them, fixture
# schema_node).
find_program(COMPAT_NODE node)
find_program(COMPAT_NPM npm)
if(COMPAT_NODE AND COMPAT_NPM)
  add_test(NAME referee.compat_pairs
           COMMAND ${COMPAT_NODE} ${_compat_src}/referee.mjs --pairs ${_compat_src}/pairs
                   --eventc $<TARGET_FILE:eventc> --schema-tool $<TARGET_FILE:schema_tool>
                   --compat-tool $<TARGET_FILE:compat_tool> --count 1000 --tmp ${CMAKE_BINARY_DIR})
  set_tests_properties(referee.compat_pairs PROPERTIES LABELS "referee" FIXTURES_REQUIRED schema_node
                       ENVIRONMENT "EVENTC_NODE_MODULES=${CMAKE_BINARY_DIR}/schema-node/node_modules"
                       TIMEOUT 1200)
else()
  add_test(NAME referee.compat_pairs
           COMMAND sh -c "echo 'SKIPPED: node and npm are needed for the compat referee (scripts/setup.sh installs them)'; exit 77")
  set_tests_properties(referee.compat_pairs PROPERTIES LABELS "referee" SKIP_RETURN_CODE 77)
endif()
