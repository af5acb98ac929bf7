# The AsyncAPI back end (eventc generate --target asyncapi, docs/asyncapi.md):
#
#   asyncapi.emit                 the AsyncAPI documents (and the JSON Schemas they refer to) of the
#                                 messaging catalog, every golden catalog and the library example,
#                                 into <build>/asyncapi-out/<case>
#   asyncapi.committed_current    asyncapi/messaging.asyncapi.yaml is what eventc generates; after
#                                 a change, rewrite it with `cmake --build <build> --target bless`
#   unit.test_asyncapi            the documents checked structurally (tests/unit/gen/test_asyncapi.c)
#   referee.asyncapi.<case>       label "referee": the official parser, @asyncapi/parser 3.x pinned
#                                 in tests/asyncapi/package-lock.json, validates each document (the
#                                 committed one against the committed schemas/) with no error and
#                                 no warning but its note that a newer AsyncAPI version exists
set(_aa_src ${CMAKE_CURRENT_SOURCE_DIR}/asyncapi)
set(_aa_out ${CMAKE_BINARY_DIR}/asyncapi-out)
set(_aa_cases "messaging|catalog/messaging.yaml" "library|docs/examples/library.yaml")
file(GLOB _aa_golden LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/golden
     CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/golden/*)
list(SORT _aa_golden)
foreach(_case IN LISTS _aa_golden)
  if(EXISTS ${CMAKE_CURRENT_SOURCE_DIR}/golden/${_case}/catalog.yaml)
    list(APPEND _aa_cases "${_case}|tests/golden/${_case}/catalog.yaml")
  endif()
endforeach()

set(_aa_script "set -e; rm -rf '${_aa_out}'")
set(_aa_names "")
foreach(_c IN LISTS _aa_cases)
  string(REPLACE "|" ";" _parts "${_c}")
  list(GET _parts 0 _name)
  list(GET _parts 1 _catalog)
  list(APPEND _aa_names ${_name})
  string(APPEND _aa_script
         "; '$<TARGET_FILE:eventc>' generate '${_catalog}' -o '${_aa_out}/${_name}' --target schema,asyncapi")
endforeach()
add_test(NAME asyncapi.emit COMMAND sh -c "${_aa_script}" WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
set_tests_properties(asyncapi.emit PROPERTIES LABELS "asyncapi" FIXTURES_SETUP asyncapi_out)

add_test(NAME asyncapi.committed_current
         COMMAND sh -c "diff -u '${CMAKE_SOURCE_DIR}/asyncapi/messaging.asyncapi.yaml' '${_aa_out}/messaging/asyncapi/messaging.asyncapi.yaml' && echo 'asyncapi/ is current'")
set_tests_properties(asyncapi.committed_current PROPERTIES LABELS "asyncapi"
                     FIXTURES_REQUIRED asyncapi_out)

# `bless` rewrites the committed document.
add_custom_target(bless_asyncapi
                  COMMAND $<TARGET_FILE:eventc> generate catalog/messaging.yaml
                          -o ${_aa_out}/bless --target asyncapi
                  COMMAND ${CMAKE_COMMAND} -E copy
                          ${_aa_out}/bless/asyncapi/messaging.asyncapi.yaml
                          ${CMAKE_SOURCE_DIR}/asyncapi/messaging.asyncapi.yaml
                  WORKING_DIRECTORY ${CMAKE_SOURCE_DIR}
                  DEPENDS eventc
                  COMMENT "Rewriting asyncapi/messaging.asyncapi.yaml"
                  VERBATIM)
if(NOT TARGET bless)
  add_custom_target(bless)
endif()
add_dependencies(bless bless_asyncapi)

find_program(ASYNCAPI_NODE node)
find_program(ASYNCAPI_NPM npm)
if(ASYNCAPI_NODE AND ASYNCAPI_NPM)
  set(_aa_node_dir ${CMAKE_BINARY_DIR}/asyncapi-node)
  add_test(NAME referee.asyncapi_npm_ci
           COMMAND sh ${CMAKE_CURRENT_SOURCE_DIR}/schema/npm-install.sh ${_aa_src} ${_aa_node_dir})
  set_tests_properties(referee.asyncapi_npm_ci PROPERTIES LABELS "referee;asyncapi"
                       FIXTURES_SETUP asyncapi_node TIMEOUT 600)
  set(_aa_env "EVENTC_NODE_MODULES=${_aa_node_dir}/node_modules")
  add_test(NAME referee.asyncapi.committed
           COMMAND ${ASYNCAPI_NODE} ${_aa_src}/referee.js
                   ${CMAKE_SOURCE_DIR}/asyncapi/messaging.asyncapi.yaml)
  set_tests_properties(referee.asyncapi.committed PROPERTIES LABELS "referee;asyncapi"
                       FIXTURES_REQUIRED asyncapi_node ENVIRONMENT "${_aa_env}" TIMEOUT 300
                       SKIP_RETURN_CODE 77)
  foreach(_name IN LISTS _aa_names)
    # The file is named after the catalog, not the case.
    add_test(NAME referee.asyncapi.${_name}
             COMMAND sh -c "exec '${ASYNCAPI_NODE}' '${_aa_src}/referee.js' '${_aa_out}/${_name}'/asyncapi/*.asyncapi.yaml")
    set_tests_properties(referee.asyncapi.${_name} PROPERTIES LABELS "referee;asyncapi"
                         FIXTURES_REQUIRED "asyncapi_out;asyncapi_node"
                         ENVIRONMENT "${_aa_env}" TIMEOUT 300 SKIP_RETURN_CODE 77)
  endforeach()
else()
  add_test(NAME referee.asyncapi
           COMMAND sh -c "echo 'SKIPPED: node and npm are needed for the AsyncAPI parser (scripts/setup.sh installs them)'; exit 77")
  set_tests_properties(referee.asyncapi PROPERTIES LABELS "referee;asyncapi" SKIP_RETURN_CODE 77)
endif()
