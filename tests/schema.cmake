# JSON Schema back end: the schema driver, the check that the committed schemas are current, and
# the referees: ajv 8 (strict, with ajv-formats) and Python's jsonschema compile every schema and
# validate the examples, and the agreement test compares ajv with the C decoder on generated and
# mutated events.
add_executable(schema_tool ${CMAKE_CURRENT_SOURCE_DIR}/schema/schema_tool.c)
target_compile_options(schema_tool PRIVATE ${EVENTC_WARNINGS})
target_link_libraries(schema_tool PRIVATE eventc_gen)
set_target_properties(schema_tool PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)

set(SCHEMA_OUT ${CMAKE_BINARY_DIR}/schema-out)
set(SCHEMA_TOOL $<TARGET_FILE:schema_tool>)
# name, catalog, options
set(SCHEMA_VARIANTS
    "messaging|catalog/messaging.yaml|"
    "messaging-2020|catalog/messaging.yaml|--draft 2020"
    "messaging-strict|catalog/messaging.yaml|--strict"
    "library|docs/examples/library.yaml|"
    "library-2020|docs/examples/library.yaml|--draft 2020"
    "library-strict|docs/examples/library.yaml|--strict")
set(schema_emit_script "set -e; rm -rf '${SCHEMA_OUT}'; mkdir -p '${SCHEMA_OUT}'")
string(APPEND schema_emit_script "; '${SCHEMA_TOOL}' timestamps '${SCHEMA_OUT}/timestamps.jsonl'")
set(SCHEMA_VARIANT_NAMES)
foreach(v IN LISTS SCHEMA_VARIANTS)
  string(REPLACE "|" ";" parts "${v}")
  list(GET parts 0 name)
  list(GET parts 1 catalog)
  list(GET parts 2 opts)
  list(APPEND SCHEMA_VARIANT_NAMES ${name})
  string(APPEND schema_emit_script
         "; mkdir -p '${SCHEMA_OUT}/${name}'; '${SCHEMA_TOOL}' emit '${catalog}' '${SCHEMA_OUT}/${name}' ${opts}")
endforeach()
add_test(NAME schema.emit COMMAND sh -c "${schema_emit_script}" WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(schema.emit PROPERTIES LABELS "unit" FIXTURES_SETUP schema_out)

# The schemas committed under schemas/ must be exactly what eventc generates for the catalog.
add_test(NAME schema.committed_current
         COMMAND sh -c "diff -r -u -x README.md '${CMAKE_SOURCE_DIR}/schemas' '${SCHEMA_OUT}/messaging/schemas' && echo 'schemas/ is current'"
         WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(schema.committed_current PROPERTIES LABELS "unit" FIXTURES_REQUIRED schema_out)

# ---- Python's jsonschema (Debian's python3-jsonschema when there is one) ----------------------
find_program(SCHEMA_PYTHON python3 PATHS /usr/bin NO_DEFAULT_PATH)
find_program(SCHEMA_PYTHON python3)
if(SCHEMA_PYTHON)
  foreach(name IN LISTS SCHEMA_VARIANT_NAMES)
    add_test(NAME referee.schema_python.${name}
             COMMAND ${SCHEMA_PYTHON} ${CMAKE_CURRENT_SOURCE_DIR}/schema/referee.py
                     ${SCHEMA_OUT}/${name}/schemas ${SCHEMA_OUT}/timestamps.jsonl)
    set_tests_properties(referee.schema_python.${name} PROPERTIES LABELS "referee"
                         FIXTURES_REQUIRED schema_out SKIP_RETURN_CODE 77 TIMEOUT 300)
  endforeach()
else()
  add_test(NAME referee.schema_python
           COMMAND sh -c "echo 'SKIPPED: python3 not found; run scripts/setup.sh'; exit 77")
  set_tests_properties(referee.schema_python PROPERTIES LABELS "referee" SKIP_RETURN_CODE 77)
endif()

# ---- ajv and the agreement test ---------------------------------------------------------------
find_program(SCHEMA_NODE node)
find_program(SCHEMA_NPM npm)
if(SCHEMA_NODE AND SCHEMA_NPM)
  set(SCHEMA_NODE_DIR ${CMAKE_BINARY_DIR}/schema-node)
  add_test(NAME referee.schema_npm_ci
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/schema/npm-install.sh
                   ${CMAKE_CURRENT_SOURCE_DIR}/schema ${SCHEMA_NODE_DIR})
  set_tests_properties(referee.schema_npm_ci PROPERTIES LABELS "referee" FIXTURES_SETUP schema_node
                       TIMEOUT 600)
  set(SCHEMA_NODE_ENV "EVENTC_NODE_MODULES=${SCHEMA_NODE_DIR}/node_modules")
  foreach(name IN LISTS SCHEMA_VARIANT_NAMES)
    add_test(NAME referee.schema_ajv.${name}
             COMMAND ${SCHEMA_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/schema/referee.mjs
                     ${SCHEMA_OUT}/${name}/schemas ${SCHEMA_OUT}/timestamps.jsonl)
    set_tests_properties(referee.schema_ajv.${name} PROPERTIES LABELS "referee"
                         FIXTURES_REQUIRED "schema_out;schema_node" ENVIRONMENT "${SCHEMA_NODE_ENV}"
                         TIMEOUT 300)
  endforeach()
  # The examples of docs/json-schema.md work as written.
  add_test(NAME referee.schema_doc_snippets
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/schema/doc-snippets.sh ${CMAKE_SOURCE_DIR}
                   ${SCHEMA_NODE_DIR} ${SCHEMA_PYTHON})
  set_tests_properties(referee.schema_doc_snippets PROPERTIES LABELS "referee"
                       FIXTURES_REQUIRED schema_node TIMEOUT 120)
  set(python_arg)
  if(SCHEMA_PYTHON)
    set(python_arg --python ${SCHEMA_PYTHON})
  endif()
  # The messaging catalog is judged by the generated tool when it is built, otherwise by the same
  # runtime decoder driven by descriptors built from the catalog.
  foreach(cat messaging library)
    if(cat STREQUAL "messaging")
      set(catalog_file catalog/messaging.yaml)
      set(prefer --prefer ${CMAKE_BINARY_DIR}/bin/messaging-events)
    else()
      set(catalog_file docs/examples/library.yaml)
      set(prefer)
    endif()
    foreach(mode default strict)
      if(mode STREQUAL "strict")
        set(dir ${cat}-strict)
        set(strict --strict)
        set(also)
      else()
        set(dir ${cat})
        set(strict)
        set(also --also ${SCHEMA_OUT}/${cat}-2020/schemas)
      endif()
      add_test(NAME referee.schema_agreement.${cat}_${mode}
               COMMAND ${SCHEMA_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/schema/agreement.mjs
                       --schemas ${SCHEMA_OUT}/${dir}/schemas ${also} ${strict} ${prefer} ${python_arg}
                       --validator "[\"${SCHEMA_TOOL}\",\"validate\",\"${catalog_file}\"]"
                       --count 10000 --tmp ${CMAKE_BINARY_DIR}
               WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
      set_tests_properties(referee.schema_agreement.${cat}_${mode} PROPERTIES LABELS "referee"
                           FIXTURES_REQUIRED "schema_out;schema_node"
                           ENVIRONMENT "${SCHEMA_NODE_ENV}" TIMEOUT 600)
    endforeach()
  endforeach()
else()
  add_test(NAME referee.schema_ajv
           COMMAND sh -c "echo 'SKIPPED: node and npm are needed for the ajv referee and the agreement test (scripts/setup.sh installs them)'; exit 77")
  set_tests_properties(referee.schema_ajv PROPERTIES LABELS "referee" SKIP_RETURN_CODE 77)
endif()
