# The generated C code, compiled and run:
#
#   codegen.<case>.<cc>.<std>  the generated source (and so its header) compiles warning-free with
#                              gcc and clang at -std=c99, c11, gnu11, c2x and gnu2x and the
#                              project's warnings
#   codegen.<case>.cxx         the header compiles as C++17 in a file that uses its structs
#   codegen.<case>.format      the generated files are clang-format clean (root .clang-format)
#   codegen.messaging.run      decodes, re-encodes, copies and compares every example of the
#                              messaging catalog through the event union, and builds events with
#                              the constructors (only once runtime/src has the codec)
#   codegen.adversarial.run    prints the catalog texts and enum spellings of the adversarial golden
#                              case and compares them with tests/golden/adversarial/run.expected
#   codegen.versioned.run      decodes events of earlier versions of the versioned golden case
#                              and compares their current form with its run.expected
#   cli.generate.*             the command line of `eventc generate` and `eventc model`
#   memcheck.generate/.model   the generator under valgrind
#
# The messaging catalog is generated at build time (target codegen_messaging); the golden cases
# are compiled from their expected files (tests/golden.cmake keeps those current). Compilation is
# a direct compiler call from this file in script mode, so one broken case fails one test, not
# the build.

if(NOT CMAKE_SCRIPT_MODE_FILE)
  include(${CMAKE_CURRENT_LIST_DIR}/codegen/tool.cmake)
  set(_cg_out ${CMAKE_CURRENT_BINARY_DIR}/codegen)
  set(_cg_script ${CMAKE_CURRENT_LIST_FILE})
  set(_cg_runtime_inc ${PROJECT_SOURCE_DIR}/runtime/include)

  # The messaging catalog, generated when the catalog or the generator changes. The stamp file
  # records the run: the generator leaves unchanged outputs untouched.
  set(_cg_msg ${_cg_out}/messaging)
  file(GLOB _cg_catalog CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/catalog/*.yaml)
  add_custom_command(
    OUTPUT ${_cg_msg}/generated.stamp
    BYPRODUCTS ${_cg_msg}/c/messaging.h ${_cg_msg}/c/messaging.c
               ${_cg_msg}/messaging/messaging_messaging.h ${_cg_msg}/messaging/messaging_messaging.c
    COMMAND ${EVENTC_GEN_TOOL} generate catalog/messaging.yaml -o ${_cg_msg} --target c,messaging
    COMMAND ${CMAKE_COMMAND} -E touch ${_cg_msg}/generated.stamp
    WORKING_DIRECTORY ${PROJECT_SOURCE_DIR}
    DEPENDS ${EVENTC_GEN_TOOL_TARGET} ${_cg_catalog}
    COMMENT "Generating the C code of the messaging catalog"
    VERBATIM)
  add_custom_target(codegen_messaging ALL DEPENDS ${_cg_msg}/generated.stamp)
  # clang-format looks for the style next to the files; the build folder may be anywhere.
  configure_file(${PROJECT_SOURCE_DIR}/.clang-format ${_cg_out}/.clang-format COPYONLY)

  find_program(EVENTC_GCC gcc)
  find_program(EVENTC_CLANG clang)
  find_program(EVENTC_CXX NAMES g++ clang++)
  find_program(EVENTC_CLANG_FORMAT clang-format)
  set(_cg_extra "")
  if(EVENTC_SANITIZE)
    set(_cg_extra "-fsanitize=address,undefined;-fno-omit-frame-pointer")
  endif()

  # name: test prefix; dir: folder holding c/<file>.h and .c; prefix: the catalog's c_prefix
  function(_cg_compile_tests name dir file prefix)
    foreach(_cc IN ITEMS GCC CLANG)
      if(NOT EVENTC_${_cc})
        continue()
      endif()
      string(TOLOWER ${_cc} _ccname)
      foreach(_std IN ITEMS c99 c11 gnu11 c2x gnu2x)
        add_test(NAME codegen.${name}.${_ccname}.${_std}
                 COMMAND ${CMAKE_COMMAND} -DMODE=compile -DCC=${EVENTC_${_cc}} -DSTD=${_std}
                         -DDIR=${dir}/c -DFILE=${file} -DINC=${_cg_runtime_inc}
                         -DOUT=${_cg_out}/${name}-${_ccname}-${_std} -P ${_cg_script})
        set_tests_properties(codegen.${name}.${_ccname}.${_std} PROPERTIES LABELS "codegen")
      endforeach()
    endforeach()
    if(EVENTC_CXX)
      add_test(NAME codegen.${name}.cxx
               COMMAND ${CMAKE_COMMAND} -DMODE=cxx -DCXX=${EVENTC_CXX} -DDIR=${dir}/c
                       -DFILE=${file} -DPREFIX=${prefix} -DINC=${_cg_runtime_inc}
                       -DOUT=${_cg_out}/${name}-cxx -P ${_cg_script})
      set_tests_properties(codegen.${name}.cxx PROPERTIES LABELS "codegen")
    endif()
    if(EVENTC_CLANG_FORMAT)
      add_test(NAME codegen.${name}.format
               COMMAND ${CMAKE_COMMAND} -DMODE=format -DCLANG_FORMAT=${EVENTC_CLANG_FORMAT}
                       -DDIR=${dir}/c -DFILE=${file} -P ${_cg_script})
      set_tests_properties(codegen.${name}.format PROPERTIES LABELS "codegen")
    endif()
  endfunction()

  _cg_compile_tests(messaging ${_cg_msg} messaging msg)
  file(GLOB _cg_cases LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/golden
       CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/golden/*)
  foreach(_case IN LISTS _cg_cases)
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
    _cg_compile_tests(${_case} ${_dir}/expected ${_catalog} ${_prefix})
  endforeach()

  # Link and run once the codec exists in the runtime.
  file(GLOB_RECURSE _cg_codec ${PROJECT_SOURCE_DIR}/runtime/src/codec*.c)
  set(_cg_has_codec FALSE)
  foreach(_f IN LISTS _cg_codec)
    file(STRINGS ${_f} _def REGEX "^eventc_status eventc_decode\\(")
    if(_def)
      set(_cg_has_codec TRUE)
    endif()
  endforeach()
  set(_cg_cc ${EVENTC_GCC})
  if(NOT _cg_cc)
    set(_cg_cc ${EVENTC_CLANG})
  endif()
  if(_cg_has_codec AND _cg_cc)
    file(GLOB _cg_examples ${PROJECT_SOURCE_DIR}/catalog/examples/*.json)
    add_test(NAME codegen.messaging.run
             COMMAND ${CMAKE_COMMAND} -DMODE=run -DCC=${_cg_cc} -DDIR=${_cg_msg}/c -DFILE=messaging
                     -DMAIN=${CMAKE_CURRENT_SOURCE_DIR}/codegen/roundtrip.c
                     -DINC=${_cg_runtime_inc} -DLIB=$<TARGET_FILE:eventc_runtime>
                     "-DEXTRA=${_cg_extra}" "-DARGS=${_cg_examples}"
                     -DOUT=${_cg_out}/messaging-run -P ${_cg_script})
    set_tests_properties(codegen.messaging.run PROPERTIES LABELS "codegen")
    set(_adv ${CMAKE_CURRENT_SOURCE_DIR}/golden/adversarial)
    add_test(NAME codegen.adversarial.run
             COMMAND ${CMAKE_COMMAND} -DMODE=run -DCC=${_cg_cc} -DDIR=${_adv}/expected/c
                     -DFILE=adversarial -DMAIN=${_adv}/run.c -DINC=${_cg_runtime_inc}
                     -DLIB=$<TARGET_FILE:eventc_runtime> "-DEXTRA=${_cg_extra}"
                     -DEXPECT=${_adv}/run.expected -DOUT=${_cg_out}/adversarial-run
                     -P ${_cg_script})
    set_tests_properties(codegen.adversarial.run PROPERTIES LABELS "codegen")
    # Events of earlier catalog versions read by the generated decoders (upcasting).
    set(_ver ${CMAKE_CURRENT_SOURCE_DIR}/golden/versioned)
    add_test(NAME codegen.versioned.run
             COMMAND ${CMAKE_COMMAND} -DMODE=run -DCC=${_cg_cc} -DDIR=${_ver}/expected/c
                     -DFILE=shop -DMAIN=${_ver}/run.c -DINC=${_cg_runtime_inc}
                     -DLIB=$<TARGET_FILE:eventc_runtime> "-DEXTRA=${_cg_extra}"
                     -DEXPECT=${_ver}/run.expected -DOUT=${_cg_out}/versioned-run
                     -P ${_cg_script})
    set_tests_properties(codegen.versioned.run PROPERTIES LABELS "codegen")
  endif()

  # The generator itself under valgrind: every target, a depfile, template overrides, the model.
  find_program(EVENTC_VALGRIND valgrind)
  if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE)
    set(_vg ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
            --errors-for-leak-kinds=definite,indirect)
    add_test(NAME memcheck.generate
             COMMAND ${_vg} ${EVENTC_GEN_TOOL} generate tests/golden/adversarial/catalog.yaml
                     -o ${_cg_out}/memcheck --depfile ${_cg_out}/memcheck/deps.d
                     --templates ${CMAKE_CURRENT_SOURCE_DIR}/golden
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    add_test(NAME memcheck.model
             COMMAND ${_vg} ${EVENTC_GEN_TOOL} model tests/golden/all_types/catalog.yaml
             WORKING_DIRECTORY ${PROJECT_SOURCE_DIR})
    set_tests_properties(memcheck.generate memcheck.model PROPERTIES LABELS "memcheck" TIMEOUT 120)
  endif()

  # The command line.
  foreach(_cli IN ITEMS usage unknown_target bad_catalog write_check templates targets model
                       orphans template_report)
    add_test(NAME cli.generate.${_cli}
             COMMAND ${CMAKE_COMMAND} -DMODE=cli -DCASE=${_cli} -DTOOL=${EVENTC_GEN_TOOL}
                     -DSOURCE_DIR=${PROJECT_SOURCE_DIR} -DOUT=${_cg_out}/cli-${_cli}
                     -P ${_cg_script})
    set_tests_properties(cli.generate.${_cli} PROPERTIES LABELS "cli")
  endforeach()
  return()
endif()

cmake_minimum_required(VERSION 3.25)

# ---- script mode ----
set(_warn -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Werror)

function(_cg_run)
  execute_process(COMMAND ${ARGN} OUTPUT_VARIABLE _o ERROR_VARIABLE _e RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    string(REPLACE ";" " " _cmd "${ARGN}")
    message(FATAL_ERROR "failed (${_rc}): ${_cmd}\n${_o}${_e}")
  endif()
endfunction()

if(MODE STREQUAL "compile")
  file(MAKE_DIRECTORY ${OUT})
  # MORE_INC: more include folders, separated by '|' (the messaging files need the messaging
  # library's and the C target's folder).
  string(REPLACE "|" ";" _more "${MORE_INC}")
  list(TRANSFORM _more PREPEND -I)
  _cg_run(${CC} -std=${STD} ${_warn} -I${INC} ${_more} -I${DIR} -c ${DIR}/${FILE}.c
          -o ${OUT}/${FILE}.o)
  if(EXISTS ${DIR}/${FILE}_cloudevents.c)
    _cg_run(${CC} -std=${STD} ${_warn} -I${INC} ${_more} -I${DIR} -c ${DIR}/${FILE}_cloudevents.c
            -o ${OUT}/${FILE}_cloudevents.o)
  endif()
elseif(MODE STREQUAL "cxx")
  # A C++ file that includes the header and uses its structs (aggregate and value initialisation,
  # the event union, the kind enum).
  file(MAKE_DIRECTORY ${OUT})
  string(TOUPPER ${PREFIX} _up)
  file(WRITE ${OUT}/use.cpp
       "#include \"${FILE}.h\"\n"
       "#include <cstdio>\n\n"
       "int main()\n{\n"
       "    ${PREFIX}_envelope env{};\n"
       "    ${PREFIX}_event ev = ${PREFIX}_event();\n"
       "    ev.kind = ${_up}_EVENT_NONE;\n"
       "    std::printf(\"%zu %zu %d\\n\", sizeof env, sizeof ev, static_cast<int>(ev.kind));\n"
       "    return 0;\n}\n")
  string(REPLACE "|" ";" _more "${MORE_INC}")
  list(TRANSFORM _more PREPEND -I)
  _cg_run(${CXX} -std=c++17 -Wall -Wextra -Werror -I${INC} ${_more} -I${DIR} -c ${OUT}/use.cpp
          -o ${OUT}/use.o)
elseif(MODE STREQUAL "format")
  _cg_run(${CLANG_FORMAT} --dry-run --Werror ${DIR}/${FILE}.h ${DIR}/${FILE}.c)
elseif(MODE STREQUAL "run")
  file(MAKE_DIRECTORY ${OUT})
  _cg_run(${CC} -std=c11 ${_warn} ${EXTRA} -I${INC} -I${DIR} ${MAIN} ${DIR}/${FILE}.c ${LIB} -lm
          -o ${OUT}/run)
  execute_process(COMMAND ${OUT}/run ${ARGS} OUTPUT_VARIABLE _o ERROR_VARIABLE _e
                  RESULT_VARIABLE _rc)
  if(NOT _rc EQUAL 0)
    message(FATAL_ERROR "the program exited with ${_rc}:\n${_o}${_e}")
  endif()
  if(EXPECT)
    file(WRITE ${OUT}/run.out "${_o}")
    execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/run.out ${EXPECT}
                    RESULT_VARIABLE _differ)
    if(_differ)
      file(READ ${EXPECT} _want)
      message(FATAL_ERROR "output differs from ${EXPECT}\n--- got:\n${_o}\n--- want:\n${_want}")
    endif()
  endif()
elseif(MODE STREQUAL "cli")
  file(REMOVE_RECURSE ${OUT})
  file(MAKE_DIRECTORY ${OUT})
  macro(_cli)
    execute_process(COMMAND ${TOOL} ${ARGN} WORKING_DIRECTORY ${SOURCE_DIR}
                    OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc)
  endmacro()
  set(_h ${OUT}/c/messaging.h)
  set(_c ${OUT}/c/messaging.c)
  if(CASE STREQUAL "usage")
    _cli(generate catalog/messaging.yaml)
    if(NOT rc EQUAL 2 OR NOT err MATCHES "-o DIR")
      message(FATAL_ERROR "missing -o: want status 2; got ${rc}\n${err}")
    endif()
    _cli(generate -o ${OUT})
    if(NOT rc EQUAL 2 OR NOT err MATCHES "missing CATALOG")
      message(FATAL_ERROR "missing catalog: want status 2; got ${rc}\n${err}")
    endif()
    _cli(generate catalog/messaging.yaml -o ${OUT} --frobnicate)
    if(NOT rc EQUAL 2 OR NOT err MATCHES "unknown option '--frobnicate'")
      message(FATAL_ERROR "unknown option: want status 2; got ${rc}\n${err}")
    endif()
    _cli(generate --help)
    if(NOT rc EQUAL 0 OR NOT out MATCHES "usage: eventc generate"
       OR NOT out MATCHES "<catalog>_cloudevents.h")
      message(FATAL_ERROR "--help: want status 0 and the usage; got ${rc}\n${out}")
    endif()
    # --depfile-target only names the target of a depfile.
    _cli(generate catalog/messaging.yaml -o ${OUT} --depfile-target stamp)
    if(NOT rc EQUAL 2 OR NOT err MATCHES "give --depfile FILE" OR EXISTS ${OUT}/c)
      message(FATAL_ERROR "--depfile-target alone: want status 2; got ${rc}\n${err}")
    endif()
  elseif(CASE STREQUAL "unknown_target")
    _cli(generate catalog/messaging.yaml -o ${OUT} --target c,nosuch)
    if(NOT rc EQUAL 2 OR NOT err MATCHES "unknown target 'nosuch'" OR EXISTS ${_h})
      message(FATAL_ERROR "unknown target: want status 2 and no output; got ${rc}\n${err}")
    endif()
  elseif(CASE STREQUAL "bad_catalog")
    file(WRITE ${OUT}/bad.yaml "catalog: bad\nversion: 1\nenvelope: {fields: {a: strng}}\n")
    _cli(generate ${OUT}/bad.yaml -o ${OUT})
    if(NOT rc EQUAL 1 OR NOT err MATCHES "bad.yaml:[0-9]+:[0-9]+: error: " OR EXISTS ${OUT}/c)
      message(FATAL_ERROR "bad catalog: want status 1, diagnostics, no output; got ${rc}\n${err}")
    endif()
    # Valid for the checker, but event None would declare the union's own MSG_EVENT_NONE.
    file(WRITE ${OUT}/clash.yaml
         "catalog: clash\nversion: 1\nenvelope:\n  fields:\n"
         "    event_name: { type: string, role: event_name }\n"
         "    event_id: { type: string, role: event_id }\n"
         "    aggregate_type: { type: string, role: aggregate_type }\n"
         "    aggregate_id: { type: string, role: aggregate_id }\n"
         "    occurred_at: { type: timestamp, role: occurred_at }\n"
         "    version: { type: integer, role: version }\n"
         "aggregates:\n  Thing:\n    id: thing_id\n    events:\n"
         "      None:\n        summary: Nothing.\n        fields: { thing_id: string }\n")
    _cli(generate ${OUT}/clash.yaml -o ${OUT})
    set(_want "clash.yaml:[0-9]+:[0-9]+: error: event 'None' would generate the C identifier")
    if(NOT rc EQUAL 1 OR NOT err MATCHES "${_want} 'CLASH_EVENT_NONE'" OR EXISTS ${OUT}/c)
      message(FATAL_ERROR "identifier clash: want status 1 and a diagnostic; got ${rc}\n${err}")
    endif()
  elseif(CASE STREQUAL "write_check")
    # A first run writes both files; a second run with the same input leaves them alone (same
    # inode: nothing was replaced); --check finds them current.
    _cli(generate catalog/messaging.yaml -o ${OUT})
    if(NOT rc EQUAL 0 OR NOT EXISTS ${_h} OR NOT EXISTS ${_c})
      message(FATAL_ERROR "generate: want status 0 and two files; got ${rc}\n${err}")
    endif()
    find_program(_stat stat)
    if(_stat)
      execute_process(COMMAND ${_stat} -c %i ${_h} OUTPUT_VARIABLE _inode1)
    endif()
    file(READ ${_h} _first)
    _cli(generate catalog/messaging.yaml -o ${OUT})
    if(_stat)
      execute_process(COMMAND ${_stat} -c %i ${_h} OUTPUT_VARIABLE _inode2)
      if(NOT _inode1 STREQUAL _inode2)
        message(FATAL_ERROR "an unchanged file was rewritten")
      endif()
    endif()
    file(READ ${_h} _second)
    if(NOT rc EQUAL 0 OR NOT _first STREQUAL _second)
      message(FATAL_ERROR "second run: want status 0 and the same bytes; got ${rc}\n${err}")
    endif()
    _cli(generate catalog/messaging.yaml -o ${OUT} --check)
    if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
      message(FATAL_ERROR "--check on current files: want status 0, no output; got ${rc}\n${err}")
    endif()
    # An edited header is out of date; --check says so and writes nothing.
    file(APPEND ${_h} "/* edited */\n")
    file(REMOVE ${_c})
    _cli(generate catalog/messaging.yaml -o ${OUT} --check)
    if(NOT rc EQUAL 1 OR NOT err MATCHES "c/messaging.h: out of date"
       OR NOT err MATCHES "c/messaging.c: out of date" OR EXISTS ${_c})
      message(FATAL_ERROR "--check on stale files: want status 1 and both listed; got ${rc}\n${err}")
    endif()
    _cli(generate catalog/messaging.yaml -o ${OUT})
    file(READ ${_h} _third)
    if(NOT rc EQUAL 0 OR NOT _third STREQUAL _first OR NOT EXISTS ${_c})
      message(FATAL_ERROR "regenerate: want the original files back; got ${rc}\n${err}")
    endif()
    file(GLOB _left ${OUT}/c/.*)
    if(_left)
      message(FATAL_ERROR "temporary files left behind: ${_left}")
    endif()
  elseif(CASE STREQUAL "templates")
    # A same-named file replaces the built-in template; the others stay built in.
    file(WRITE ${OUT}/tpl/c/header.mustache "/* {{{guard}}} for {{catalog.name}} */\n")
    _cli(generate catalog/messaging.yaml -o ${OUT}/gen --templates ${OUT}/tpl)
    file(READ ${OUT}/gen/c/messaging.h _hdr)
    if(NOT rc EQUAL 0 OR NOT _hdr STREQUAL "/* EVENTC_GEN_MSG_MESSAGING_H for messaging */\n"
       OR NOT EXISTS ${OUT}/gen/c/messaging.c)
      message(FATAL_ERROR "--templates: want the custom header; got ${rc}\n${err}\n${_hdr}")
    endif()
    _cli(generate catalog/messaging.yaml -o ${OUT}/gen --templates ${OUT}/nosuch)
    if(NOT rc EQUAL 1 OR NOT err MATCHES "nosuch: no such template folder")
      message(FATAL_ERROR "missing template folder: want status 1; got ${rc}\n${err}")
    endif()
    file(WRITE ${OUT}/tpl/c/header.mustache "{{#events}}\n")
    _cli(generate catalog/messaging.yaml -o ${OUT}/gen --templates ${OUT}/tpl)
    if(NOT rc EQUAL 1 OR NOT err MATCHES "tpl/c/header.mustache:[0-9]+:[0-9]+: error: ")
      message(FATAL_ERROR "broken template: want status 1 and its position; got ${rc}\n${err}")
    endif()
  elseif(CASE STREQUAL "targets")
    # One target at a time; a depfile names the catalog files and the examples.
    _cli(generate catalog/messaging.yaml -o ${OUT} --target schema --depfile ${OUT}/deps.d
         --depfile-target stamp)
    if(NOT rc EQUAL 0 OR NOT EXISTS ${OUT}/schemas/catalog.schema.json OR EXISTS ${OUT}/c)
      message(FATAL_ERROR "--target schema: want only schemas; got ${rc}\n${err}")
    endif()
    file(READ ${OUT}/deps.d _deps)
    if(NOT _deps MATCHES "^stamp: " OR NOT _deps MATCHES "/catalog/messaging.yaml"
       OR NOT _deps MATCHES "/catalog/conversation.yaml"
       OR NOT _deps MATCHES "/catalog/examples/customer_created.example.json")
      message(FATAL_ERROR "depfile: unexpected content:\n${_deps}")
    endif()
    _cli(generate catalog/messaging.yaml -o ${OUT} --target c)
    if(NOT rc EQUAL 0 OR NOT EXISTS ${_h})
      message(FATAL_ERROR "--target c: want the C files; got ${rc}\n${err}")
    endif()
  elseif(CASE STREQUAL "orphans")
    # Outputs of a removed event are orphans: --check lists them, generate removes them; files
    # generate never wrote, and the outputs of targets a run does not run, stay.
    string(CONCAT _env "envelope:\n  fields:\n"
             "    event_name: { type: string, role: event_name }\n"
             "    event_id: { type: string, role: event_id }\n"
             "    aggregate_type: { type: string, role: aggregate_type }\n"
             "    aggregate_id: { type: string, role: aggregate_id }\n"
             "    occurred_at: { type: timestamp, role: occurred_at }\n"
             "    version: { type: integer, role: version }\n")
    string(CONCAT _two "catalog: shop\nversion: 1\n${_env}aggregates:\n  Order:\n    id: order_id\n"
             "    events:\n      OrderPlaced:\n        summary: Placed.\n"
             "        fields: { order_id: string }\n      OrderPaid:\n        summary: Paid.\n"
             "        fields: { order_id: string }\n")
    string(REPLACE "      OrderPaid:\n        summary: Paid.\n        fields: { order_id: string }\n"
           "" _one "${_two}")
    file(WRITE ${OUT}/shop.yaml "${_two}")
    _cli(generate ${OUT}/shop.yaml -o ${OUT}/gen)
    set(_paid ${OUT}/gen/schemas/order_paid.schema.json)
    if(NOT rc EQUAL 0 OR NOT EXISTS ${_paid} OR NOT EXISTS ${OUT}/gen/.shop.eventc-outputs)
      message(FATAL_ERROR "first run: want the schema of OrderPaid and the record; got ${rc}\n${err}")
    endif()
    file(WRITE ${OUT}/gen/schemas/mine.json "{}\n")
    file(WRITE ${OUT}/shop.yaml "${_one}")
    _cli(generate ${OUT}/shop.yaml -o ${OUT}/gen --check)
    if(NOT rc EQUAL 1 OR NOT err MATCHES "order_paid.schema.json: orphaned" OR NOT EXISTS ${_paid})
      message(FATAL_ERROR "--check: want the orphan listed and kept; got ${rc}\n${err}")
    endif()
    # A run of another target leaves the schemas alone.
    _cli(generate ${OUT}/shop.yaml -o ${OUT}/gen --target c)
    if(NOT rc EQUAL 0 OR NOT EXISTS ${_paid})
      message(FATAL_ERROR "--target c: want the schemas untouched; got ${rc}\n${err}")
    endif()
    _cli(generate ${OUT}/shop.yaml -o ${OUT}/gen)
    if(NOT rc EQUAL 0 OR EXISTS ${_paid} OR EXISTS ${OUT}/gen/docs/order_paid.md
       OR NOT EXISTS ${OUT}/gen/schemas/mine.json)
      message(FATAL_ERROR "generate: want the orphan removed and other files kept; got ${rc}\n${err}")
    endif()
    file(READ ${OUT}/gen/.shop.eventc-outputs _record)
    if(_record MATCHES "order_paid" OR NOT _record MATCHES "schema schemas/order_placed.schema.json")
      message(FATAL_ERROR "the record still lists the orphan:\n${_record}")
    endif()
    _cli(generate ${OUT}/shop.yaml -o ${OUT}/gen --check)
    if(NOT rc EQUAL 0 OR NOT err STREQUAL "")
      message(FATAL_ERROR "--check after: want status 0 and nothing listed; got ${rc}\n${err}")
    endif()
    # A record naming files outside the targets' folders is not obeyed.
    file(WRITE ${OUT}/gen/.shop.eventc-outputs "schema ../shop.yaml\nschema schemas/../../shop.yaml\n")
    _cli(generate ${OUT}/shop.yaml -o ${OUT}/gen)
    if(NOT rc EQUAL 0 OR NOT EXISTS ${OUT}/shop.yaml)
      message(FATAL_ERROR "a hostile record removed a file outside the output; got ${rc}\n${err}")
    endif()
  elseif(CASE STREQUAL "template_report")
    # An override file that is no template and that no template includes is an error, with the
    # closest template name; a partial that an override includes is fine.
    file(WRITE ${OUT}/tpl/c/haeder.mustache "/* misspelled */\n")
    _cli(generate catalog/messaging.yaml -o ${OUT}/gen --templates ${OUT}/tpl)
    if(NOT rc EQUAL 1 OR NOT err MATCHES "tpl/c/haeder.mustache: error: no template of eventc"
       OR NOT err MATCHES "did you mean 'c/header.mustache'" OR EXISTS ${OUT}/gen/c)
      message(FATAL_ERROR "misspelled override: want status 1 and a suggestion; got ${rc}\n${err}")
    endif()
    file(REMOVE ${OUT}/tpl/c/haeder.mustache)
    file(WRITE ${OUT}/tpl/header.mustache "/* not in a target's folder */\n")
    _cli(generate catalog/messaging.yaml -o ${OUT}/gen --templates ${OUT}/tpl)
    if(NOT rc EQUAL 1 OR NOT err MATCHES "tpl/header.mustache: error: ")
      message(FATAL_ERROR "override outside c/: want status 1; got ${rc}\n${err}")
    endif()
    file(REMOVE ${OUT}/tpl/header.mustache)
    file(WRITE ${OUT}/tpl/c/header.mustache "{{> banner}}\n")
    file(WRITE ${OUT}/tpl/c/banner.mustache "/* {{catalog.name}} */\n")
    file(WRITE ${OUT}/tpl/README "notes are not templates\n")
    _cli(generate catalog/messaging.yaml -o ${OUT}/gen --templates ${OUT}/tpl --target c)
    file(READ ${OUT}/gen/c/messaging.h _hdr)
    if(NOT rc EQUAL 0 OR NOT _hdr STREQUAL "/* messaging */\n")
      message(FATAL_ERROR "a partial of an override: want it used; got ${rc}\n${err}\n${_hdr}")
    endif()
  elseif(CASE STREQUAL "model")
    _cli(model catalog/messaging.yaml)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "model: want status 0; got ${rc}\n${err}")
    endif()
    string(JSON _guard GET "${out}" guard)
    string(JSON _n LENGTH "${out}" events)
    string(JSON _name GET "${out}" events 0 name)
    string(JSON _ctype GET "${out}" events 0 c_type)
    if(NOT _guard STREQUAL "EVENTC_GEN_MSG_MESSAGING_H" OR NOT _n EQUAL 21
       OR NOT _name STREQUAL "CustomerCreated" OR NOT _ctype STREQUAL "msg_customer_created")
      message(FATAL_ERROR "model: unexpected content (${_guard}, ${_n}, ${_name}, ${_ctype})")
    endif()
    _cli(model)
    if(NOT rc EQUAL 2)
      message(FATAL_ERROR "model without a catalog: want status 2; got ${rc}")
    endif()
  else()
    message(FATAL_ERROR "unknown CASE '${CASE}'")
  endif()
else()
  message(FATAL_ERROR "unknown MODE '${MODE}'")
endif()
