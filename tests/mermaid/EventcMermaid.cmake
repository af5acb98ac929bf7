# eventc_add_mermaid_test(): a ctest that renders every ```mermaid block of some Markdown files
# with the real mermaid package in headless Chromium and fails on any parse or render error.
#
#   include(${PROJECT_SOURCE_DIR}/tests/mermaid/EventcMermaid.cmake)
#   eventc_add_mermaid_test(NAME <test name>
#                           FILES_OR_DIR <file.md | directory>...   # directories: every *.md below;
#                                                    # relative to the calling source folder
#                           [PNG_DIR <dir>]          # save each file's first diagram as
#                                                    # <dir>/<name>.png (relative to the
#                                                    # binary folder)
#                           [EXPECT_ERRORS]          # pass only if the diagrams annotated with
#                                                    # <!-- expect-error: TEXT --> fail with TEXT
#                                                    # and all others render
#                           [ALLOW_EMPTY]            # no diagram at all is not a failure
#                           [LABELS <label>...]      # default: referee
#                           [TIMEOUT <seconds>])     # default: 120
#
# The packages pinned in tests/mermaid/package-lock.json are installed once per build folder by the
# fixture test referee.mermaid_deps (`npm ci` into <build>/tests/mermaid, repeated only when the
# lock file changes); every mermaid test requires that fixture. The tests exit with 77, which ctest
# reports as skipped, when node, npm or Chromium is missing; nothing else skips.
#
# Cache variables: EVENTC_NODE (node), EVENTC_CHROMIUM (a browser to use instead of looking for
# chromium, chromium-browser, google-chrome on PATH when the test runs).

include_guard(GLOBAL)

set(EVENTC_MERMAID_SOURCE_DIR ${CMAKE_CURRENT_LIST_DIR})
set(EVENTC_MERMAID_MODULES_DIR ${CMAKE_BINARY_DIR}/tests/mermaid)
find_program(EVENTC_NODE NAMES node nodejs DOC "Node.js, which runs the Mermaid diagram checks")
set(EVENTC_CHROMIUM "" CACHE FILEPATH
    "Browser for the Mermaid diagram checks (empty: chromium or google-chrome from PATH)")

# A test command that only reports why it cannot run, for hosts without node. (No semicolons: the
# command is a CMake list.)
function(_eventc_mermaid_skip_command out_var reason)
  set(${out_var} sh -c "echo 'SKIP: ${reason}' && exit 77" PARENT_SCOPE)
endfunction()

# Registers referee.mermaid_deps, the fixture that installs the packages, once.
function(_eventc_mermaid_add_setup)
  get_property(done GLOBAL PROPERTY EVENTC_MERMAID_SETUP_ADDED)
  if(done)
    return()
  endif()
  set_property(GLOBAL PROPERTY EVENTC_MERMAID_SETUP_ADDED TRUE)
  if(EVENTC_NODE)
    set(command ${EVENTC_NODE} ${EVENTC_MERMAID_SOURCE_DIR}/ctest-driver.js install
                ${EVENTC_MERMAID_SOURCE_DIR} ${EVENTC_MERMAID_MODULES_DIR})
  else()
    _eventc_mermaid_skip_command(command "node not found, the mermaid packages are not installed")
  endif()
  add_test(NAME referee.mermaid_deps COMMAND ${command})
  set_tests_properties(referee.mermaid_deps PROPERTIES
    FIXTURES_SETUP eventc_mermaid LABELS referee SKIP_RETURN_CODE 77 TIMEOUT 300)
endfunction()

function(eventc_add_mermaid_test)
  cmake_parse_arguments(PARSE_ARGV 0 arg "EXPECT_ERRORS;ALLOW_EMPTY" "NAME;PNG_DIR;TIMEOUT"
                        "FILES_OR_DIR;LABELS")
  if(NOT arg_NAME OR NOT arg_FILES_OR_DIR)
    message(FATAL_ERROR "eventc_add_mermaid_test: NAME and FILES_OR_DIR are required")
  endif()
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "eventc_add_mermaid_test: unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  if(NOT arg_LABELS)
    set(arg_LABELS referee)
  endif()
  if(NOT arg_TIMEOUT)
    set(arg_TIMEOUT 120)
  endif()
  _eventc_mermaid_add_setup()

  if(EVENTC_NODE)
    set(command ${EVENTC_NODE} ${EVENTC_MERMAID_SOURCE_DIR}/ctest-driver.js check)
    if(arg_EXPECT_ERRORS)
      list(APPEND command --expect-errors)
    endif()
    list(APPEND command -- --node-modules ${EVENTC_MERMAID_MODULES_DIR}/node_modules)
    if(arg_PNG_DIR)
      get_filename_component(png_dir ${arg_PNG_DIR} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_BINARY_DIR})
      list(APPEND command --png ${png_dir})
    endif()
    if(EVENTC_CHROMIUM)
      list(APPEND command --chromium ${EVENTC_CHROMIUM})
    endif()
    if(arg_ALLOW_EMPTY)
      list(APPEND command --allow-empty)
    endif()
    # Relative inputs are relative to the calling source folder. The test runs from the top of
    # the source tree so that its report names files the way a reader of the repository does.
    list(APPEND command --)
    foreach(input IN LISTS arg_FILES_OR_DIR)
      get_filename_component(input ${input} ABSOLUTE BASE_DIR ${CMAKE_CURRENT_SOURCE_DIR})
      file(RELATIVE_PATH relative ${CMAKE_SOURCE_DIR} ${input})
      if(NOT relative MATCHES "^\\.\\./")
        set(input ${relative})
      endif()
      list(APPEND command ${input})
    endforeach()
  else()
    _eventc_mermaid_skip_command(command "node not found, no Mermaid diagram was checked")
  endif()
  add_test(NAME ${arg_NAME} COMMAND ${command} WORKING_DIRECTORY ${CMAKE_SOURCE_DIR})
  set_tests_properties(${arg_NAME} PROPERTIES
    FIXTURES_REQUIRED eventc_mermaid LABELS "${arg_LABELS}" SKIP_RETURN_CODE 77
    TIMEOUT ${arg_TIMEOUT})
endfunction()
