# The corpus of bad catalogs (tests/errors/) and the command-line checks of `eventc check`.
#
# Each case is tests/errors/<NN>-<name>.yaml (plus the files it includes or lists as examples,
# under tests/errors/<NN>-<name>/) and tests/errors/<NN>-<name>.expected, the exact standard
# error `eventc check <NN>-<name>.yaml` must print when run from tests/errors: every diagnostic,
# then the "N errors" line. The test `errors.<NN>-<name>` also wants exit status 1, an empty
# standard output and at most 256 MiB of address space. No test bounds the elapsed time: a case
# that guards against superlinear work is made big enough that such work would not end before
# ctest's timeout (a chain of 1,500 types that each refer twice to the next, for the search for
# cyclic types), so it measures the amount of work, not the speed of the machine. The growth of
# the work on such inputs is also counted in instructions by tests/work.cmake.
#
# Hostile inputs that must not be committed (binary bytes, files of megabytes, deep nesting) are
# written at test time by tests/errors/gen_hostile.c into <build>/tests/errors-gen; their
# .expected files sit in tests/errors like the others, with no .yaml next to them.
#
# To accept the current output after a deliberate change of the checker, re-bless and review:
#
#   EVENTC_BLESS=1 ctest --test-dir <build> -L errors    # or -R '^errors\.12-' for one case
#   git diff tests/errors
#
# A failing case prints a unified diff and the command that re-blesses it.

set(_err_src ${CMAKE_CURRENT_SOURCE_DIR}/errors)
set(_err_gen ${CMAKE_CURRENT_BINARY_DIR}/errors-gen)
set(_err_out ${CMAKE_CURRENT_BINARY_DIR}/errors-out)
set(_err_driver ${_err_src}/run_case.cmake)
file(MAKE_DIRECTORY ${_err_gen})

# Sanitizer builds reserve terabytes of address space for their shadow memory: no address-space
# bound there.
if(EVENTC_SANITIZE)
  set(_err_limit "")
else()
  find_program(EVENTC_PRLIMIT prlimit)
  if(EVENTC_PRLIMIT)
    set(_err_limit "${EVENTC_PRLIMIT}|--as=268435456|--")
  else()
    # Without prlimit, ulimit in a shell: sh -c 'ulimit -v 262144 && exec "$0" "$@"' eventc ...
    set(_err_limit "sh|-c|ulimit -v 262144 && exec \"$0\" \"$@\"")
  endif()
endif()

add_executable(gen_hostile ${_err_src}/gen_hostile.c)
target_compile_options(gen_hostile PRIVATE ${EVENTC_WARNINGS})
set_target_properties(gen_hostile PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_test(NAME errors.generate COMMAND gen_hostile ${_err_gen})
set_tests_properties(errors.generate PROPERTIES LABELS "errors" FIXTURES_SETUP errors_hostile)

file(GLOB _err_cases CONFIGURE_DEPENDS ${_err_src}/*.expected)
foreach(_expected IN LISTS _err_cases)
  get_filename_component(_case ${_expected} NAME_WLE)
  if(EXISTS ${_err_src}/${_case}.yaml)
    set(_dir ${_err_src})
  else()
    set(_dir ${_err_gen})
  endif()
  add_test(NAME errors.${_case}
           COMMAND ${CMAKE_COMMAND} -DMODE=error -DEVENTC=$<TARGET_FILE:eventc> -DDIR=${_dir}
                   -DOUT=${_err_out} -DCASE=${_case} -DEXPECTED=${_expected}
                   "-DLIMIT_CMD=${_err_limit}" -P ${_err_driver})
  set_tests_properties(errors.${_case} PROPERTIES LABELS "errors" TIMEOUT 60)
  if(_dir STREQUAL _err_gen)
    set_tests_properties(errors.${_case} PROPERTIES FIXTURES_REQUIRED errors_hostile)
  endif()
endforeach()

# Valid catalogs check clean, with the exact summary line.
# The last two are written by gen_hostile: a chain of 1,500 object types that each hold the next
# inline and in an array, which the search for cyclic types must get through in linear time; and
# a catalog saved with a UTF-8 byte order mark.
foreach(_ok IN ITEMS "messaging_ok|../../catalog/messaging.yaml|messaging: 5 aggregates, 21 events, 72 fields, 3 types"
                     "library_ok|../../docs/examples/library.yaml|library: 2 aggregates, 5 events, 31 fields, 3 types"
                     "type_chain_ok|type-chain-ok.yaml|shop: 1 aggregate, 1 event, 3007 fields, 1500 types"
                     "bom_ok|bom-ok.yaml|shop: 1 aggregate, 1 event, 7 fields, 0 types")
  string(REPLACE "|" ";" _ok "${_ok}")
  list(GET _ok 0 _name)
  list(GET _ok 1 _catalog)
  list(GET _ok 2 _summary)
  set(_dir ${_err_src})
  if(_name MATCHES "^(type_chain|bom)_ok$")
    set(_dir ${_err_gen})
  endif()
  add_test(NAME errors.${_name}
           COMMAND ${CMAKE_COMMAND} -DMODE=ok -DEVENTC=$<TARGET_FILE:eventc> -DDIR=${_dir}
                   -DOUT=${_err_out} -DCATALOG=${_catalog} "-DSTDOUT=${_summary}"
                   "-DLIMIT_CMD=${_err_limit}" -P ${_err_driver})
  set_tests_properties(errors.${_name} PROPERTIES LABELS "errors" TIMEOUT 60)
  if(_dir STREQUAL _err_gen)
    set_tests_properties(errors.${_name} PROPERTIES FIXTURES_REQUIRED errors_hostile)
  endif()
endforeach()

# Command-line usage: exit status, the stream that must match a regex, the stream that must stay
# empty, then the arguments.
function(_eventc_cli_test name status stream match empty)
  list(JOIN ARGN "|" _args)
  add_test(NAME errors.usage.${name}
           COMMAND ${CMAKE_COMMAND} -DMODE=cli -DEVENTC=$<TARGET_FILE:eventc> -DDIR=${_err_src}
                   -DOUT=${_err_out} "-DARGS=${_args}" -DSTATUS=${status} -DSTREAM=${stream}
                   "-DMATCH=${match}" -DEMPTY=${empty} -P ${_err_driver})
  set_tests_properties(errors.usage.${name} PROPERTIES LABELS "errors" TIMEOUT 10)
endfunction()
_eventc_cli_test(no_args 2 err "^usage: eventc <command>" out)
_eventc_cli_test(unknown_command 2 err "^eventc: unknown command 'frobnicate'" out frobnicate)
_eventc_cli_test(check_no_file 2 err "^eventc: check: missing CATALOG" out check)
_eventc_cli_test(check_two_files 2 err "more than one catalog" out check a.yaml b.yaml)
_eventc_cli_test(check_unknown_option 2 err "unknown option '--frobnicate'" out
                 check --frobnicate a.yaml)
_eventc_cli_test(version 0 out "^eventc [0-9]+[.][0-9]+[.][0-9]+" err --version)
_eventc_cli_test(help 0 out "^usage: eventc <command>.*check CATALOG" err --help)
_eventc_cli_test(help_short 0 out "^usage: eventc <command>" err -h)
_eventc_cli_test(help_check 0 out "^usage: eventc check CATALOG" err help check)
_eventc_cli_test(check_help 0 out "^usage: eventc check CATALOG" err check --help)
_eventc_cli_test(help_unknown 2 err "no help for unknown command 'frobnicate'" out help frobnicate)
# A catalog path that is empty or names a folder gets a message of its own.
# (EMPTY stands for an empty argument, which a CMake list cannot hold.)
_eventc_cli_test(check_empty_path 1 err "^eventc: error: the catalog path is empty" out check EMPTY)
_eventc_cli_test(check_directory 1 err
                 "^108-example-envelope: error: cannot read file: it is a directory, not a file"
                 out check 108-example-envelope)
# --list-outputs prints what generate would write, in order, and writes nothing.
_eventc_cli_test(generate_list_outputs 0 out
                 "^[^ ]*/list/docs/index[.]md.[^ ]*/list/docs/book[.]md.[^ ]*/list/docs/loan[.]md.$"
                 err generate ../../docs/examples/library.yaml -o ${_err_out}/list --target docs
                 --list-outputs)
_eventc_cli_test(generate_check_and_list 2 err "--check and --list-outputs exclude each other" out
                 generate ../../docs/examples/library.yaml -o ${_err_out}/list --check
                 --list-outputs)
# A catalog that cannot be read is an input error (1), not a usage error.
_eventc_cli_test(check_missing_file 1 err "^no-such-catalog[.]yaml: error: cannot read file: .*1 error" out
                 check no-such-catalog.yaml)
