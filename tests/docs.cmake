# The docs back end (`eventc generate --target docs`):
#
#   docs.generate              generates the docs of the messaging catalog, of the lifecycle golden
#                              catalog and of the library example into <build>/docs-out/<case>/
#                              (a fixture of the tests below)
#   docs.catalog_current       docs/catalog/ is exactly what eventc generates for the messaging
#                              catalog (CI fails when someone changes the catalog or the templates
#                              and forgets to regenerate)
#   docs.golden.<case>         the Markdown of the other catalogs stays byte for byte the same as
#                              tests/docs_golden/<case>/
#   referee.mermaid_docs       every generated Mermaid diagram rendered by the real mermaid package
#                              in headless Chromium; the Conversation diagram is kept as a PNG
#                              (test artifact docs-png/conversation.png)
#
# After an intended change of the docs, rewrite docs/catalog/ and tests/docs_golden/ with
#
#     cmake --build <build> --target bless
#
# and review the change with git diff. Run with `cmake -P`, this file is the driver
# (MODE=generate, compare or bless).

# The cases: name, catalog (relative to the source folder), where the expected pages live.
set(_docs_cases
    "messaging|catalog/messaging.yaml|docs/catalog"
    "lifecycle|tests/golden/lifecycle/catalog.yaml|tests/docs_golden/lifecycle"
    "library|docs/examples/library.yaml|tests/docs_golden/library")

if(NOT CMAKE_SCRIPT_MODE_FILE)
  include(${CMAKE_CURRENT_LIST_DIR}/codegen/tool.cmake)
  include(${CMAKE_CURRENT_LIST_DIR}/mermaid/EventcMermaid.cmake)
  set(_docs_out ${CMAKE_BINARY_DIR}/docs-out)
  set(_docs_script ${CMAKE_CURRENT_LIST_FILE})

  add_test(NAME docs.generate
           COMMAND ${CMAKE_COMMAND} -DMODE=generate -DTOOL=${EVENTC_GEN_TOOL}
                   -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DOUT=${_docs_out} -P ${_docs_script})
  set_tests_properties(docs.generate PROPERTIES LABELS "docs" FIXTURES_SETUP eventc_docs_out)

  set(_docs_mermaid_inputs "")
  foreach(_entry IN LISTS _docs_cases)
    string(REPLACE "|" ";" _parts "${_entry}")
    list(GET _parts 0 _case)
    list(GET _parts 2 _expected)
    if(_case STREQUAL "messaging")
      set(_name docs.catalog_current)
    else()
      set(_name docs.golden.${_case})
    endif()
    add_test(NAME ${_name}
             COMMAND ${CMAKE_COMMAND} -DMODE=compare -DGOT=${_docs_out}/${_case}/docs
                     -DWANT=${PROJECT_SOURCE_DIR}/${_expected} -DBUILD_DIR=${CMAKE_BINARY_DIR}
                     -P ${_docs_script})
    set_tests_properties(${_name} PROPERTIES LABELS "docs;golden"
                         FIXTURES_REQUIRED eventc_docs_out)
    list(APPEND _docs_mermaid_inputs ${_docs_out}/${_case}/docs)
  endforeach()

  eventc_add_mermaid_test(NAME referee.mermaid_docs
                          FILES_OR_DIR ${_docs_mermaid_inputs}
                          PNG_DIR docs-png)
  set_property(TEST referee.mermaid_docs APPEND PROPERTY FIXTURES_REQUIRED eventc_docs_out)
  set_property(TEST referee.mermaid_docs PROPERTY
               ATTACHED_FILES ${CMAKE_CURRENT_BINARY_DIR}/docs-png/conversation.png)

  add_custom_target(bless_docs
                    COMMAND ${CMAKE_COMMAND} -DMODE=bless -DTOOL=${EVENTC_GEN_TOOL}
                            -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DOUT=${_docs_out}/bless
                            -P ${_docs_script}
                    DEPENDS ${EVENTC_GEN_TOOL_TARGET}
                    COMMENT "Rewriting docs/catalog and tests/docs_golden"
                    VERBATIM)
  if(NOT TARGET bless)
    add_custom_target(bless)
  endif()
  add_dependencies(bless bless_docs)
  return()
endif()

cmake_minimum_required(VERSION 3.25)

# ---- script mode ----

# Generates every case into OUT/<case>/docs, from the source folder with relative catalog paths
# (they appear in the banner of each page, which must not depend on where the tree is).
function(_docs_generate out)
  file(REMOVE_RECURSE ${out})
  foreach(_entry IN LISTS _docs_cases)
    string(REPLACE "|" ";" _parts "${_entry}")
    list(GET _parts 0 _case)
    list(GET _parts 1 _catalog)
    execute_process(COMMAND ${TOOL} generate ${_catalog} -o ${out}/${_case} --target docs
                    WORKING_DIRECTORY ${SOURCE_DIR} OUTPUT_VARIABLE _o ERROR_VARIABLE _e
                    RESULT_VARIABLE _rc)
    if(NOT _rc EQUAL 0)
      message(FATAL_ERROR "eventc generate --target docs failed (${_rc}) on ${_catalog}:\n${_o}${_e}")
    endif()
  endforeach()
endfunction()

if(MODE STREQUAL "generate")
  _docs_generate(${OUT})
elseif(MODE STREQUAL "compare")
  file(GLOB _want RELATIVE ${WANT} ${WANT}/*.md)
  file(GLOB _got RELATIVE ${GOT} ${GOT}/*.md)
  list(SORT _want)
  list(SORT _got)
  set(_problems "")
  foreach(_f IN LISTS _got)
    if(NOT _f IN_LIST _want)
      string(APPEND _problems "new page ${_f} (not in ${WANT})\n")
    endif()
  endforeach()
  find_program(_diff diff)
  foreach(_f IN LISTS _want)
    if(NOT _f IN_LIST _got)
      string(APPEND _problems "${_f} is no longer generated\n")
      continue()
    endif()
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${WANT}/${_f} ${GOT}/${_f}
                    RESULT_VARIABLE _differ)
    if(_differ)
      string(APPEND _problems "${_f} differs from what eventc generates:\n")
      if(_diff)
        execute_process(COMMAND ${_diff} -u ${WANT}/${_f} ${GOT}/${_f} OUTPUT_VARIABLE _d
                        ERROR_VARIABLE _d)
        string(APPEND _problems "${_d}\n")
      endif()
    endif()
  endforeach()
  if(_problems)
    message(FATAL_ERROR "${_problems}If the new output is intended, rewrite the pages with\n"
                        "  cmake --build ${BUILD_DIR} --target bless\nand review the diff.")
  endif()
elseif(MODE STREQUAL "bless")
  _docs_generate(${OUT})
  foreach(_entry IN LISTS _docs_cases)
    string(REPLACE "|" ";" _parts "${_entry}")
    list(GET _parts 0 _case)
    list(GET _parts 2 _expected)
    file(GLOB _old ${SOURCE_DIR}/${_expected}/*.md)
    if(_old)
      file(REMOVE ${_old})
    endif()
    file(GLOB _new ${OUT}/${_case}/docs/*.md)
    file(COPY ${_new} DESTINATION ${SOURCE_DIR}/${_expected})
    message(STATUS "blessed ${_expected}")
  endforeach()
else()
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()
