# Integration: the installed package used from another project (examples/consumer, examples/cqrs,
# pkg-config), the rebuild behaviour of eventc_generate(), the messaging-events tool, and the user
# guide's example. The checks live in tests/integration/run.cmake.
#
#   ctest -L integration   install into <build>/tests/integration/prefix, build the consumer
#                          example and a pkg-config program against it, rebuild tests
#   ctest -L tools         messaging-events on the catalog examples and tests/integration/invalid
#   ctest -L docs          docs/guide.md shows examples/consumer/main.c verbatim
#
# An invalid case is tests/integration/invalid/<case>.json with <case>.expected, the exact line
# `messaging-events validate <case>.json` prints (with --strict when <case> starts with strict-).

set(_int_src ${CMAKE_CURRENT_SOURCE_DIR}/integration)
set(_int_out ${CMAKE_CURRENT_BINARY_DIR}/integration)
set(_int_driver ${_int_src}/run.cmake)
set(_int_prefix ${_int_out}/prefix)
set(_int_common -DPREFIX=${_int_prefix} -DC_COMPILER=${CMAKE_C_COMPILER}
                -DSANITIZE=${EVENTC_SANITIZE} -DVERSION=${PROJECT_VERSION})
list(JOIN EVENTC_WARNINGS "|" _int_warnings)

add_test(NAME integration.install
         COMMAND ${CMAKE_COMMAND} -DMODE=install -DBUILD=${CMAKE_BINARY_DIR}
                 -DSOURCE=${CMAKE_SOURCE_DIR} -DCONFIG=$<CONFIG>
                 -DLIBDIR=${CMAKE_INSTALL_LIBDIR} ${_int_common} -P ${_int_driver})
set_tests_properties(integration.install PROPERTIES LABELS "integration" TIMEOUT 120
                     FIXTURES_SETUP eventc_installed RESOURCE_LOCK eventc_prefix)

add_test(NAME integration.consumer
         COMMAND ${CMAKE_COMMAND} -DMODE=consumer -DSOURCE=${CMAKE_SOURCE_DIR}/examples/consumer
                 -DOUT=${_int_out}/consumer "-DGENERATOR=${CMAKE_GENERATOR}"
                 "-DWARNINGS=${_int_warnings}" ${_int_common} -P ${_int_driver})
set_tests_properties(integration.consumer PROPERTIES LABELS "integration" TIMEOUT 300
                     FIXTURES_REQUIRED eventc_installed)

# The CQRS example: the typed messaging layer from the installed package (eventc::messaging and
# eventc_generate(TARGETS c messaging)); its output is examples/cqrs/expected.txt.
add_test(NAME integration.cqrs
         COMMAND ${CMAKE_COMMAND} -DMODE=cqrs -DSOURCE=${CMAKE_SOURCE_DIR}/examples/cqrs
                 -DOUT=${_int_out}/cqrs "-DGENERATOR=${CMAKE_GENERATOR}"
                 "-DWARNINGS=${_int_warnings}" ${_int_common} -P ${_int_driver})
set_tests_properties(integration.cqrs PROPERTIES LABELS "integration;typed" TIMEOUT 300
                     FIXTURES_REQUIRED eventc_installed)

find_program(EVENTC_PKG_CONFIG NAMES pkg-config pkgconf)
if(EVENTC_PKG_CONFIG)
  add_test(NAME integration.pkgconfig
           COMMAND ${CMAKE_COMMAND} -DMODE=pkgconfig -DOUT=${_int_out}/pkgconfig
                   -DPKG_CONFIG=${EVENTC_PKG_CONFIG} -DLIBDIR=${CMAKE_INSTALL_LIBDIR}
                   ${_int_common} -P ${_int_driver})
  set_tests_properties(integration.pkgconfig PROPERTIES LABELS "integration" TIMEOUT 120
                       FIXTURES_REQUIRED eventc_installed)
endif()

# The rebuild rules are the build tool's: check Make and, when installed, Ninja.
set(_int_generators "Unix Makefiles|make")
find_program(EVENTC_NINJA ninja)
if(EVENTC_NINJA)
  list(APPEND _int_generators "Ninja|ninja")
endif()
foreach(_gen IN LISTS _int_generators)
  string(REPLACE "|" ";" _gen "${_gen}")
  list(GET _gen 0 _gen_name)
  list(GET _gen 1 _gen_id)
  add_test(NAME integration.rebuild.${_gen_id}
           COMMAND ${CMAKE_COMMAND} -DMODE=noop -DSOURCE=${_int_src}/noop
                   -DOUT=${_int_out}/rebuild-${_gen_id} "-DGENERATOR=${_gen_name}"
                   "-DWARNINGS=${_int_warnings}" ${_int_common} -P ${_int_driver})
  set_tests_properties(integration.rebuild.${_gen_id} PROPERTIES LABELS "integration"
                       TIMEOUT 300 FIXTURES_REQUIRED eventc_installed)
endforeach()

add_test(NAME docs.guide_example
         COMMAND ${CMAKE_COMMAND} -DMODE=doc -DDOC=${CMAKE_SOURCE_DIR}/docs/guide.md
                 -DFILE=${CMAKE_SOURCE_DIR}/examples/consumer/main.c -P ${_int_driver})
set_tests_properties(docs.guide_example PROPERTIES LABELS "docs")

# messaging-events exists once the messaging bindings are generated in this build.
if(NOT TARGET messaging-events)
  return()
endif()
set(_int_tool -DTOOL=$<TARGET_FILE:messaging-events>)

add_test(NAME tools.validate_examples
         COMMAND ${CMAKE_COMMAND} -DMODE=validate -DDIR=${CMAKE_SOURCE_DIR}/catalog/examples
                 ${_int_tool} -P ${_int_driver})
add_test(NAME tools.normalize_fixed_point
         COMMAND ${CMAKE_COMMAND} -DMODE=normalize -DDIR=${CMAKE_SOURCE_DIR}/catalog/examples
                 -DOUT=${_int_out}/normalized ${_int_tool} -P ${_int_driver})
set_tests_properties(tools.validate_examples tools.normalize_fixed_point PROPERTIES
                     LABELS "tools" TIMEOUT 60)

file(GLOB _int_invalid CONFIGURE_DEPENDS ${_int_src}/invalid/*.expected)
foreach(_expected IN LISTS _int_invalid)
  get_filename_component(_case ${_expected} NAME_WLE)
  add_test(NAME tools.invalid.${_case}
           COMMAND ${CMAKE_COMMAND} -DMODE=invalid -DDIR=${_int_src}/invalid -DCASE=${_case}
                   ${_int_tool} -P ${_int_driver})
  set_tests_properties(tools.invalid.${_case} PROPERTIES LABELS "tools" TIMEOUT 20)
endforeach()

# Command lines: exit status, the stream that must match a regex, the stream that must stay empty
# (or "" for none), the file fed to standard input (or ""), then the arguments. They run in
# tests/integration/invalid.
function(_messaging_events_cli name status stream match empty input)
  list(JOIN ARGN "|" _args)
  add_test(NAME tools.cli.${name}
           COMMAND ${CMAKE_COMMAND} -DMODE=cli ${_int_tool} -DDIR=${_int_src}/invalid
                   "-DARGS=${_args}" -DSTATUS=${status} -DSTREAM=${stream} "-DMATCH=${match}"
                   "-DEMPTY=${empty}" "-DINPUT=${input}" -P ${_int_driver})
  set_tests_properties(tools.cli.${name} PROPERTIES LABELS "tools" TIMEOUT 20)
endfunction()
set(_ex ${CMAKE_SOURCE_DIR}/catalog/examples)
_messaging_events_cli(no_args 2 err "^usage: messaging-events validate" out "")
_messaging_events_cli(help 0 out "^usage: messaging-events validate.*--strict" err "" --help)
_messaging_events_cli(unknown_command 2 err "^messaging-events: unknown command 'check'" out ""
                      check x.json)
_messaging_events_cli(unknown_option 2 err "^messaging-events: unknown option '--fast'" out ""
                      validate --fast x.json)
_messaging_events_cli(validate_no_file 2 err "validate: missing FILE" out "" validate)
_messaging_events_cli(normalize_two_files 2 err "normalize: give exactly one FILE" out ""
                      normalize a.json b.json)
_messaging_events_cli(missing_file 2 out "^no-such\\.json: error: cannot read: No such file" err ""
                      validate no-such.json)
_messaging_events_cli(normalize_missing_file 2 err "^no-such\\.json: error: cannot read: " out ""
                      normalize no-such.json)
# One unreadable file outranks invalid ones; every file is still reported.
_messaging_events_cli(mixed 2 out
                      "^pattern\\.json: error: .*no-such\\.json: error: cannot read: .*customer_created\\.example\\.json: ok"
                      err "" validate pattern.json no-such.json ${_ex}/customer_created.example.json)
_messaging_events_cli(stdin 0 out "^-: ok" err ${_ex}/contact_created.example.json validate -)
_messaging_events_cli(lenient 0 out "^strict-unknown-member\\.json: ok" err ""
                      validate strict-unknown-member.json)
_messaging_events_cli(strict_option_first 1 out "unknown_field" err ""
                      --strict validate strict-unknown-member.json)
_messaging_events_cli(normalize_invalid 1 err "^pattern\\.json: error: .*\\[pattern\\]" out ""
                      normalize pattern.json)
_messaging_events_cli(end_of_options 2 out "^--strict: error: cannot read" err ""
                      validate -- --strict)

# valgrind over a whole validate run (status 1: some files are invalid; valgrind's own verdict
# is 99) and a normalize. Skipped in sanitizer builds and without valgrind.
find_program(EVENTC_VALGRIND valgrind)
if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE)
  file(GLOB _int_examples ${_ex}/*.json)
  file(GLOB _int_bad ${_int_src}/invalid/*.json)
  set(_int_vg --error-exitcode=99 --leak-check=full
              --errors-for-leak-kinds=definite,indirect --quiet $<TARGET_FILE:messaging-events>)
  foreach(_mc IN ITEMS "validate|1|${_int_examples};${_int_bad}"
                       "normalize|0|${_ex}/conversation_created.example.json")
    string(REPLACE "|" ";" _mc "${_mc}")
    list(POP_FRONT _mc _cmd _status)
    list(JOIN _int_vg "|" _vg)
    list(JOIN _mc "|" _files)
    add_test(NAME memcheck.messaging_events_${_cmd}
             COMMAND ${CMAKE_COMMAND} -DMODE=cli -DTOOL=${EVENTC_VALGRIND} -DDIR=${_int_src}/invalid
                     "-DARGS=${_vg}|${_cmd}|${_files}" -DSTATUS=${_status} -DSTREAM=err
                     "-DMATCH=^$" -DEMPTY= -DINPUT= -P ${_int_driver})
    set_tests_properties(memcheck.messaging_events_${_cmd} PROPERTIES LABELS "memcheck"
                         TIMEOUT 300)
  endforeach()
endif()
