# JSON Schema back end: the schema driver, the committed schemas check, and the referees (ajv and
# Python's jsonschema) with the agreement test against the C decoders.
add_executable(schema_tool ${CMAKE_CURRENT_SOURCE_DIR}/schema/schema_tool.c)
target_compile_options(schema_tool PRIVATE ${EVENTC_WARNINGS})
target_link_libraries(schema_tool PRIVATE eventc_gen)
set_target_properties(schema_tool PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
