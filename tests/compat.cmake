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

# ---- the command line -------------------------------------------------------------------------
# name, exit status, stream (out/err), regex, then the arguments (run in the pairs folder).
function(_compat_cli name status stream match)
  list(JOIN ARGN "|" _args)
  add_test(NAME compat.cli.${name}
           COMMAND ${CMAKE_COMMAND} -DMODE=cli -DEVENTC=$<TARGET_FILE:eventc> -DDIR=${_compat_src}/pairs
                   "-DARGS=${_args}" -DSTATUS=${status} -DSTREAM=${stream} "-DMATCH=${match}"
                   "-DJSON_RULE=${COMPAT_JSON_RULE}" -P ${_compat_run})
  set_tests_properties(compat.cli.${name} PROPERTIES LABELS "compat" TIMEOUT 60)
endfunction()
# The pairs used, by name (their numbers may change).
foreach(_name IN ITEMS identical max-length-tightened max-length-removed enum-value-added accepted)
  file(GLOB _dir RELATIVE ${_compat_src}/pairs ${_compat_src}/pairs/[0-9][0-9]-${_name})
  string(REPLACE "-" "_" _var ${_name})
  set(_p_${_var} ${_dir})
endforeach()
set(_p_same ${_p_identical})
set(_p_len ${_p_max_length_tightened})
set(_p_enum ${_p_enum_value_added})
_compat_cli(compatible 0 out "^compatible\n$" compat ${_p_same}/old.yaml ${_p_same}/new.yaml)
_compat_cli(text 1 out
            "^${_p_len}/new.yaml:[0-9]+:[0-9]+: error: \\[MAX_LENGTH_TIGHTENED\\] [^\n]*\\(backward\\)\n${_p_len}/old.yaml:[0-9]+:[0-9]+: note: the old definition\n[^\n]*: note: witness \\(backward\\): {\"event_name\":\"OrderPlaced\"[^\n]* is accepted by the old catalog and refused by the new one: [$][.]code: [^\n]*\\[max_length\\]\n1 breaking change\n$"
            compat ${_p_len}/old.yaml ${_p_len}/new.yaml)
_compat_cli(forward_compatible 0 out "^compatible" compat ${_p_len}/old.yaml ${_p_len}/new.yaml --mode forward)
_compat_cli(full 1 out "\\[ENUM_VALUE_ADDED\\][^\n]*\\(forward\\)" compat ${_p_enum}/old.yaml ${_p_enum}/new.yaml
            --mode=full)
_compat_cli(none 0 out "note: \\[ENUM_VALUE_ADDED\\].*1 difference that would break readers \\(mode none: not checked\\)"
            compat ${_p_enum}/old.yaml ${_p_enum}/new.yaml --mode none)
set(COMPAT_JSON_RULE MAX_LENGTH_TIGHTENED)
_compat_cli(json 1 out "\"mode\": \"backward\"" compat ${_p_len}/old.yaml ${_p_len}/new.yaml --format json)
set(COMPAT_JSON_RULE "")
_compat_cli(github 1 out
            "^::error file=${_p_len}/new.yaml,line=[0-9]+,col=[0-9]+,title=eventc compat%3A MAX_LENGTH_TIGHTENED::[^\n]*%0Aold definition: [^\n]*%0Awitness \\(backward\\)"
            compat ${_p_len}/old.yaml ${_p_len}/new.yaml --format github)
_compat_cli(accepted 0 out "note: \\[FIELD_REMOVED\\].*note: accepted: No producer ever set it[.].*compatible \\(with accepted breaks\\)"
            compat ${_p_accepted}/old.yaml ${_p_accepted}/new.yaml)
_compat_cli(transitive 1 out "MAX_LENGTH_TIGHTENED.*${_p_same}/old.yaml[^\n]*note: the old definition.*MAX_LENGTH_ADDED.*${_p_max_length_removed}/new.yaml[^\n]*note: the old definition.*4 breaking changes"
            compat ${_p_same}/old.yaml ${_p_len}/new.yaml --transitive ${_p_max_length_removed}/new.yaml)
_compat_cli(help 0 out "^usage: eventc compat OLD NEW" help compat)
_compat_cli(help_option 0 out "^usage: eventc compat OLD NEW" compat --help)
_compat_cli(missing_new 2 err "compat: missing NEW" compat a.yaml)
_compat_cli(unknown_mode 2 err "unknown mode 'sideways'" compat a.yaml b.yaml --mode sideways)
_compat_cli(unknown_format 2 err "unknown format 'xml'" compat a.yaml b.yaml --format xml)
_compat_cli(unknown_option 2 err "unknown option '--frobnicate'" compat a.yaml b.yaml --frobnicate)
_compat_cli(extra_argument 2 err "unexpected argument 'c.yaml'" compat a.yaml b.yaml c.yaml)
_compat_cli(transitive_empty 2 err "--transitive needs at least one OLDER" compat a.yaml b.yaml
            --transitive)
# Bad input: a positioned error and exit 2, never a crash.
_compat_cli(unreadable_old 2 err "^no-such[.]yaml: error: cannot read file: [^\n]+\neventc: compat: cannot use the old catalog"
            compat no-such.yaml ${_p_same}/new.yaml)
_compat_cli(old_with_errors 2 err "error: .*cannot use the old catalog" compat
            ../../errors/01-event-not-pascal.yaml ${_p_same}/new.yaml)
_compat_cli(git_unknown_revision 2 err "^git:no-such-revision-0:catalog/messaging.yaml: error: [^\n]+\neventc: compat: cannot read the old catalog"
            compat git:no-such-revision-0:catalog/messaging.yaml ${_p_same}/new.yaml)
_compat_cli(git_bad_spec 2 err "^git:HEAD: error: expected git:REV:path" compat git:HEAD ${_p_same}/new.yaml)

# ---- the guard of the messaging catalog --------------------------------------------------------
add_test(NAME compat.guard
         COMMAND sh ${_compat_src}/guard.sh $<TARGET_FILE:eventc> ${CMAKE_SOURCE_DIR})
set_tests_properties(compat.guard PROPERTIES LABELS "compat" SKIP_RETURN_CODE 77 TIMEOUT 120)

# ---- eventc_generate(... COMPAT_AGAINST), with the installed package --------------------------
add_test(NAME compat.build
         COMMAND ${CMAKE_COMMAND} -DMODE=build -DDIR=${_compat_src}/build_project
                 -DPAIRS=${_compat_src}/pairs -DOUT=${CMAKE_CURRENT_BINARY_DIR}/compat-build
                 -DPREFIX=${CMAKE_CURRENT_BINARY_DIR}/integration/prefix
                 "-DGENERATOR=${CMAKE_GENERATOR}" -DC_COMPILER=${CMAKE_C_COMPILER}
                 -DSANITIZE=${EVENTC_SANITIZE} -P ${_compat_run})
set_tests_properties(compat.build PROPERTIES LABELS "integration" TIMEOUT 300
                     FIXTURES_REQUIRED eventc_installed)

# ---- a version 2 of the messaging catalog ------------------------------------------------------
# tests/compat/messaging_v2 renames a field of CustomerCreated and adds one, with the history that
# reads version 1 events. messaging-events built against it normalizes the catalog's (version 1)
# examples into version 2 events; the build itself checks it against catalog/messaging.yaml.
# Built exactly as tools/CMakeLists.txt builds messaging-events.
eventc_generate(TARGET messaging_v2_c CATALOG compat/messaging_v2/messaging.yaml NAME messaging
                TARGETS c messaging OUTPUT_DIR ${CMAKE_CURRENT_BINARY_DIR}/generated-v2
                COMPAT_AGAINST ../catalog/messaging.yaml)
eventc_messaging_events_tool(messaging-events-v2 messaging_v2_c)
set_target_properties(messaging-events-v2 PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                     ${CMAKE_BINARY_DIR}/tests)
add_test(NAME compat.messaging_v2.normalize
         COMMAND ${CMAKE_COMMAND} -DMODE=normalize -DTOOL=$<TARGET_FILE:messaging-events-v2>
                 -DINPUT=${PROJECT_SOURCE_DIR}/catalog/examples/customer_created.example.json
                 -DEXPECTED=${_compat_src}/messaging_v2/customer_created.v2.json -P ${_compat_run})
set_tests_properties(compat.messaging_v2.normalize PROPERTIES LABELS "compat" TIMEOUT 60)
file(GLOB _compat_examples ${PROJECT_SOURCE_DIR}/catalog/examples/*.json)
add_test(NAME compat.messaging_v2.validate
         COMMAND $<TARGET_FILE:messaging-events-v2> validate ${_compat_examples})
set_tests_properties(compat.messaging_v2.validate PROPERTIES LABELS "compat" TIMEOUT 60)
_compat_cli(messaging_v2_backward 0 out "^compatible\n$" compat ../../../catalog/messaging.yaml
            ../messaging_v2/messaging.yaml)
_compat_cli(messaging_v2_forward 1 out "error: \\[FIELD_RENAMED\\] field 'name' of CustomerCreated"
            compat ../../../catalog/messaging.yaml ../messaging_v2/messaging.yaml --mode forward)

# ---- docs/compatibility.md documents every rule --------------------------------------------------
add_test(NAME compat.docs
         COMMAND ${CMAKE_COMMAND} -DMODE=docs -DEVENTC=$<TARGET_FILE:eventc>
                 -DDOC=${PROJECT_SOURCE_DIR}/docs/compatibility.md -P ${_compat_run})
set_tests_properties(compat.docs PROPERTIES LABELS "docs" TIMEOUT 60)

# ---- eventc compat under valgrind ----------------------------------------------------------------
find_program(EVENTC_VALGRIND valgrind)
if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE)
  set(_compat_vg ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                 --errors-for-leak-kinds=definite,indirect)
  foreach(_name IN ITEMS event-renamed-declared field-renamed-history enum-value-mapped
                         transition-removed lifecycle-added role-changed aggregate-renamed
                         pattern-changed unique-added nested-maximum-tightened accepted)
    file(GLOB _dir RELATIVE ${_compat_src}/pairs ${_compat_src}/pairs/[0-9][0-9]-${_name})
    add_test(NAME memcheck.compat.${_name}
             COMMAND ${CMAKE_COMMAND} -DMODE=memcheck "-DCMD=${_compat_vg};$<TARGET_FILE:eventc>"
                     "-DARGS=compat|${_dir}/old.yaml|${_dir}/new.yaml|--mode|full|--format|json"
                     -DDIR=${_compat_src}/pairs -P ${_compat_run})
    set_tests_properties(memcheck.compat.${_name} PROPERTIES LABELS "memcheck" TIMEOUT 300)
  endforeach()
  add_test(NAME memcheck.compat.git
           COMMAND ${CMAKE_COMMAND} -DMODE=memcheck "-DCMD=${_compat_vg};$<TARGET_FILE:eventc>"
                   "-DARGS=compat|git:HEAD:catalog/messaging.yaml|tests/compat/messaging_v2/messaging.yaml|--mode|full|--format|github"
                   -DDIR=${PROJECT_SOURCE_DIR} -P ${_compat_run})
  set_tests_properties(memcheck.compat.git PROPERTIES LABELS "memcheck" TIMEOUT 300)
  add_test(NAME memcheck.compat.bad_revision
           COMMAND ${CMAKE_COMMAND} -DMODE=memcheck "-DCMD=${_compat_vg};$<TARGET_FILE:eventc>"
                   "-DARGS=compat|git:no-such-revision-0:catalog/messaging.yaml|catalog/messaging.yaml"
                   -DDIR=${PROJECT_SOURCE_DIR} -P ${_compat_run})
  set_tests_properties(memcheck.compat.bad_revision PROPERTIES LABELS "memcheck" TIMEOUT 300)
endif()
