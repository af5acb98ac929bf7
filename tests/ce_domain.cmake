# CloudEvents converters of catalog events (eventc/ce_domain.h and <catalog>_cloudevents.{h,c}):
#
#   unit.test_ce_domain           every messaging example as a CloudEvent over HTTP and Kafka in
#                                 both modes and back, equal; refusals with exact messages; an
#                                 allocation-failure sweep (tests/ce_domain/test_ce_domain.c)
#   unit.test_ce_all_types        the same on the all_types golden catalog: JSON-text and optional
#                                 extensions, every field type in data
#   memcheck.ce_domain, .ce_all_types  both under valgrind
#   codegen.<case>_cloudevents.*  the generated converters of the messaging catalog and of every
#                                 golden case compile warning-free (gcc, clang; C11, C99), their
#                                 header compiles as C++, and they are clang-format clean: the
#                                 drivers of tests/codegen.cmake on the converter files
#   cloudevents.domain_invalid.*  tests/cloudevents/domain_invalid/<case>.{http,kafka,json}: CloudEvents
#                                 that are no valid messaging event; `messaging-events
#                                 from-cloudevent` exits 1, prints nothing, and exactly
#                                 <case>.expected on standard error
#   cloudevents.domain_valid.*    tests/cloudevents/domain_valid/: edge forms it accepts; standard
#                                 output exactly <case>.expected
#   cloudevents.domain_mapping    `cloudevents: extensions:` and the mapping's positioned errors
#                                 (reserved or clashing extension names, two events with one type)
#   cloudevents.domain_cli.*      to-cloudevent | from-cloudevent gives `normalize`'s output back for
#                                 every example, binding and mode; usage errors exit 2
#   referee.cloudevents_domain.*  label "referee": the official JavaScript SDK (the pinned install
#                                 of tests/cloudevents.cmake) against to-cloudevent and
#                                 from-cloudevent, both directions (tests/cloudevents/domain_referee.js)
#   referee.cloudevents_schema.*  label "referee": the CloudEvents schemas (the variants
#                                 tests/schema.cmake emits) compile under ajv strict mode; converted
#                                 examples and thousands of seeded mutations of them: valid under
#                                 ours => valid under the official cloudevents.json, and accepted
#                                 by from-cloudevent (tests/ce_domain/schema_compat.mjs)
#
# Included from tests/CMakeLists.txt, this file registers the tests; run with `cmake -P`, it is the
# driver of the corpus and command-line cases.

if(CMAKE_SCRIPT_MODE_FILE)
  include(${CMAKE_CURRENT_LIST_DIR}/ce_domain/driver.cmake)
  return()
endif()


add_executable(test_ce_domain ${CMAKE_CURRENT_SOURCE_DIR}/ce_domain/test_ce_domain.c)
target_compile_options(test_ce_domain PRIVATE ${EVENTC_WARNINGS})
target_include_directories(test_ce_domain PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
target_link_libraries(test_ce_domain PRIVATE messaging_events_c)
set_target_properties(test_ce_domain PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_test(NAME unit.test_ce_domain COMMAND test_ce_domain ${CMAKE_SOURCE_DIR})
set_tests_properties(unit.test_ce_domain PROPERTIES LABELS "unit;cloudevents")

# The golden all_types catalog: JSON-text and optional extensions, every field type in data.
set(_ced_at ${CMAKE_CURRENT_SOURCE_DIR}/golden/all_types/expected/c)
add_executable(test_ce_all_types ${CMAKE_CURRENT_SOURCE_DIR}/ce_domain/test_ce_all_types.c
                                 ${_ced_at}/all_types.c ${_ced_at}/all_types_cloudevents.c)
target_compile_options(test_ce_all_types PRIVATE ${EVENTC_WARNINGS})
target_include_directories(test_ce_all_types PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit ${_ced_at})
target_link_libraries(test_ce_all_types PRIVATE eventc_runtime)
set_target_properties(test_ce_all_types PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_test(NAME unit.test_ce_all_types COMMAND test_ce_all_types)
set_tests_properties(unit.test_ce_all_types PROPERTIES LABELS "unit;cloudevents")

find_program(EVENTC_VALGRIND valgrind)
if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE)
  add_test(NAME memcheck.ce_all_types
           COMMAND ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                   --errors-for-leak-kinds=definite,indirect $<TARGET_FILE:test_ce_all_types>)
  set_tests_properties(memcheck.ce_all_types PROPERTIES LABELS "memcheck" TIMEOUT 300)
  add_test(NAME memcheck.ce_domain
           COMMAND ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                   --errors-for-leak-kinds=definite,indirect $<TARGET_FILE:test_ce_domain>
                   ${CMAKE_SOURCE_DIR})
  set_tests_properties(memcheck.ce_domain PROPERTIES LABELS "memcheck" TIMEOUT 300)
endif()

# The converter files through the code generation tests. The messaging catalog is generated into
# <build>/tests/codegen/messaging by tests/codegen.cmake; golden cases are compiled from their
# expected folders.
find_program(EVENTC_GCC gcc)
find_program(EVENTC_CLANG clang)
find_program(EVENTC_CXX NAMES g++ clang++)
find_program(EVENTC_CLANG_FORMAT clang-format)
set(_ced_script ${CMAKE_CURRENT_SOURCE_DIR}/codegen.cmake)
set(_ced_inc ${PROJECT_SOURCE_DIR}/runtime/include)
set(_ced_out ${CMAKE_CURRENT_BINARY_DIR}/codegen)
function(_ced_tests name dir catalog prefix)
  set(_file ${catalog}_cloudevents)
  foreach(_cc IN ITEMS GCC CLANG)
    if(NOT EVENTC_${_cc})
      continue()
    endif()
    string(TOLOWER ${_cc} _ccname)
    foreach(_std IN ITEMS c11 c99)
      add_test(NAME codegen.${name}_cloudevents.${_ccname}.${_std}
               COMMAND ${CMAKE_COMMAND} -DMODE=compile -DCC=${EVENTC_${_cc}} -DSTD=${_std}
                       -DDIR=${dir}/c -DFILE=${_file} -DINC=${_ced_inc}
                       -DOUT=${_ced_out}/${name}-ce-${_ccname}-${_std} -P ${_ced_script})
      set_tests_properties(codegen.${name}_cloudevents.${_ccname}.${_std} PROPERTIES
                           LABELS "codegen;cloudevents")
    endforeach()
  endforeach()
  if(EVENTC_CXX)
    add_test(NAME codegen.${name}_cloudevents.cxx
             COMMAND ${CMAKE_COMMAND} -DMODE=cxx -DCXX=${EVENTC_CXX} -DDIR=${dir}/c -DFILE=${_file}
                     -DPREFIX=${prefix} -DINC=${_ced_inc} -DOUT=${_ced_out}/${name}-ce-cxx
                     -P ${_ced_script})
    set_tests_properties(codegen.${name}_cloudevents.cxx PROPERTIES LABELS "codegen;cloudevents")
  endif()
  if(EVENTC_CLANG_FORMAT)
    add_test(NAME codegen.${name}_cloudevents.format
             COMMAND ${CMAKE_COMMAND} -DMODE=format -DCLANG_FORMAT=${EVENTC_CLANG_FORMAT}
                     -DDIR=${dir}/c -DFILE=${_file} -P ${_ced_script})
    set_tests_properties(codegen.${name}_cloudevents.format PROPERTIES
                         LABELS "codegen;cloudevents")
  endif()
endfunction()

_ced_tests(messaging ${_ced_out}/messaging messaging msg)
file(GLOB _ced_cases LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/golden
     CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/golden/*)
foreach(_case IN LISTS _ced_cases)
  set(_dir ${CMAKE_CURRENT_SOURCE_DIR}/golden/${_case})
  if(NOT EXISTS ${_dir}/catalog.yaml)
    continue()
  endif()
  file(STRINGS ${_dir}/catalog.yaml _line REGEX "^catalog: ")
  string(REGEX REPLACE "^catalog: *([a-z0-9_]+).*" "\\1" _catalog "${_line}")
  file(STRINGS ${_dir}/catalog.yaml _line REGEX "^c_prefix: ")
  string(REGEX REPLACE "^c_prefix: *([a-z0-9_]+).*" "\\1" _prefix "${_line}")
  if(NOT _prefix)
    set(_prefix ${_catalog})
  endif()
  _ced_tests(${_case} ${_dir}/expected ${_catalog} ${_prefix})
endforeach()

# The catalog's CloudEvents settings and the mapping's errors, through `eventc generate`.
add_test(NAME cloudevents.domain_mapping
         COMMAND ${CMAKE_COMMAND} -DKIND=mapping -DTOOL=$<TARGET_FILE:eventc>
                 -DOUT=${CMAKE_CURRENT_BINARY_DIR}/ce-mapping -P ${CMAKE_CURRENT_LIST_FILE})
set_tests_properties(cloudevents.domain_mapping PROPERTIES LABELS "cloudevents;cli")

# messaging-events to-cloudevent / from-cloudevent, and the SDK referee.
if(TARGET messaging-events)
  set(_ced_tool $<TARGET_FILE:messaging-events>)
  set(_ced_dir ${CMAKE_CURRENT_SOURCE_DIR}/cloudevents)
  foreach(_kind IN ITEMS domain_invalid domain_valid)
    file(GLOB _ced_cases RELATIVE ${_ced_dir}/${_kind} CONFIGURE_DEPENDS ${_ced_dir}/${_kind}/*.http
         ${_ced_dir}/${_kind}/*.kafka ${_ced_dir}/${_kind}/*.json)
    foreach(_case IN LISTS _ced_cases)
      string(REGEX REPLACE "\\.[a-z]+$" "" _name ${_case})
      string(REGEX MATCH "[a-z]+$" _binding ${_case})
      add_test(NAME cloudevents.${_kind}.${_name}
               COMMAND ${CMAKE_COMMAND} -DKIND=${_kind} -DTOOL=${_ced_tool} -DBINDING=${_binding}
                       -DDIR=${_ced_dir}/${_kind} -DCASE=${_case} -DNAME=${_name}
                       -P ${CMAKE_CURRENT_LIST_FILE})
      set_tests_properties(cloudevents.${_kind}.${_name} PROPERTIES LABELS "cloudevents;tools")
    endforeach()
  endforeach()
  # The commands under valgrind, on valid and refused input.
  if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE)
    set(_ced_ex ${CMAKE_SOURCE_DIR}/catalog/examples/customer_updated.example.json)
    set(_ced_mc
        "to-http|0|to-cloudevent --binding http --mode binary ${_ced_ex}"
        "to-kafka|0|to-cloudevent --binding kafka --mode structured ${_ced_ex}"
        "from-http|0|from-cloudevent --binding http ${_ced_dir}/domain_valid/03-http-quoted-and-encoded-values.http"
        "from-kafka-refused|1|from-cloudevent --binding kafka ${_ced_dir}/domain_invalid/20-kafka-data-bad-pattern.kafka"
        "from-json-refused|1|from-cloudevent --binding json ${_ced_dir}/domain_invalid/24-json-optional-envelope-in-data.json")
    foreach(_c IN LISTS _ced_mc)
      string(REPLACE "|" ";" _parts "${_c}")
      list(GET _parts 0 _name)
      list(GET _parts 1 _status)
      list(GET _parts 2 _argv)
      separate_arguments(_argv UNIX_COMMAND "${_argv}")
      add_test(NAME memcheck.ce_domain_cli.${_name}
               COMMAND sh -c "\"$@\" >/dev/null 2>&1; test $? -eq ${_status}" sh
                       ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                       --errors-for-leak-kinds=definite,indirect ${_ced_tool} ${_argv})
      set_tests_properties(memcheck.ce_domain_cli.${_name} PROPERTIES LABELS "memcheck" TIMEOUT 120)
    endforeach()
  endif()
  foreach(_cli IN ITEMS roundtrip usage invalid_event)
    add_test(NAME cloudevents.domain_cli.${_cli}
             COMMAND ${CMAKE_COMMAND} -DKIND=cli -DCASE=${_cli} -DTOOL=${_ced_tool}
                     -DSOURCE_DIR=${CMAKE_SOURCE_DIR} -DOUT=${CMAKE_CURRENT_BINARY_DIR}/ce-cli-${_cli}
                     -P ${CMAKE_CURRENT_LIST_FILE})
    set_tests_properties(cloudevents.domain_cli.${_cli} PROPERTIES LABELS "cloudevents;tools")
  endforeach()

  find_program(EVENTC_NODE node)
  find_program(EVENTC_NPM npm)
  if(EVENTC_NODE AND EVENTC_NPM)
    # The SDK installed by referee.cloudevents.npm_ci (tests/cloudevents.cmake), same folder.
    set(_ced_sdk ${CMAKE_CURRENT_BINARY_DIR}/cloudevents-referee)
    foreach(_dir IN ITEMS ours-to-sdk sdk-to-ours)
      add_test(NAME referee.cloudevents_domain.${_dir}
               COMMAND ${EVENTC_NODE} ${_ced_dir}/domain_referee.js --tool ${_ced_tool}
                       --examples ${CMAKE_SOURCE_DIR}/catalog/examples
                       --envelope ${CMAKE_SOURCE_DIR}/schemas/envelope.schema.json
                       --work ${_ced_sdk}/domain --direction ${_dir} --source /messaging
                       --type-prefix com.example.messaging
                       --schema-base https://example.com/schemas/messaging/)
      set_tests_properties(referee.cloudevents_domain.${_dir} PROPERTIES
        LABELS "referee;cloudevents" TIMEOUT 300 FIXTURES_REQUIRED cloudevents_sdk
        ENVIRONMENT "NODE_PATH=${_ced_sdk}/node_modules")
    endforeach()
    # ajv and the schemas of tests/schema.cmake (fixtures schema_out and schema_node).
    foreach(_variant IN ITEMS messaging messaging-2020 messaging-strict)
      add_test(NAME referee.cloudevents_schema.${_variant}
               COMMAND ${EVENTC_NODE} ${CMAKE_CURRENT_SOURCE_DIR}/ce_domain/schema_compat.mjs
                       --schemas ${CMAKE_BINARY_DIR}/schema-out/${_variant}/schemas
                       --official ${EVENTC_SHARED_DIR}/reference/cloudevents/cloudevents.json
                       --tool ${_ced_tool} --examples ${CMAKE_SOURCE_DIR}/catalog/examples
                       --tmp ${CMAKE_CURRENT_BINARY_DIR}/ce-schema-compat/${_variant} --count 4000)
      set_tests_properties(referee.cloudevents_schema.${_variant} PROPERTIES
        LABELS "referee;cloudevents" TIMEOUT 300 FIXTURES_REQUIRED "schema_out;schema_node"
        ENVIRONMENT "EVENTC_NODE_MODULES=${CMAKE_BINARY_DIR}/schema-node/node_modules"
        SKIP_RETURN_CODE 77)
    endforeach()
  endif()
endif()
