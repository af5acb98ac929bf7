# Differential test of the pattern engine against ECMAScript (node's RegExp with the u flag, the
# semantics ajv applies to JSON Schema `pattern`). Registered only when node is available.
add_executable(regex_driver ${CMAKE_CURRENT_SOURCE_DIR}/regex/regex_driver.c)
target_compile_options(regex_driver PRIVATE ${EVENTC_WARNINGS})
target_link_libraries(regex_driver PRIVATE eventc_runtime)
set_target_properties(regex_driver PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)

find_program(NODE node)
if(NODE)
  add_test(NAME referee.regex_node
           COMMAND ${NODE} ${CMAKE_CURRENT_SOURCE_DIR}/regex/differential.js
                   $<TARGET_FILE:regex_driver>)
  set_tests_properties(referee.regex_node PROPERTIES LABELS "referee" TIMEOUT 300)
else()
  message(STATUS "node not found: referee.regex_node is not registered")
endif()
