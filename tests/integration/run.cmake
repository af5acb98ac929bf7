# Driver of the integration tests registered by tests/integration.cmake; run with
# `cmake -DMODE=<mode> ... -P run.cmake`. Modes:
#
#   install    install the build into PREFIX and check the installed tree
#   consumer   configure, build and run examples/consumer against PREFIX
#   cqrs       configure, build and run examples/cqrs against PREFIX: its exact output
#   pkgconfig  compile and run a small program with the flags `pkg-config eventc` gives
#   noop       rebuild behaviour of eventc_generate(): what reruns eventc and what does not
#   validate   messaging-events validate on every file of DIR: all ok
#   normalize  messaging-events normalize is a fixed point on every file of DIR
#   invalid    messaging-events validate on one bad file: the exact error line
#   cli        messaging-events usage: exit status and output of one command line
#   doc        a document contains a source file verbatim

cmake_minimum_required(VERSION 3.25)

function(fail)
  string(JOIN "" msg ${ARGN})
  message(FATAL_ERROR "${msg}")
endfunction()

# Runs a command; sets <prefix>_rc, <prefix>_out and <prefix>_err in the caller.
function(run prefix)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "WORKING_DIRECTORY;INPUT_FILE" "COMMAND")
  set(extra "")
  if(arg_WORKING_DIRECTORY)
    list(APPEND extra WORKING_DIRECTORY "${arg_WORKING_DIRECTORY}")
  endif()
  if(arg_INPUT_FILE)
    list(APPEND extra INPUT_FILE "${arg_INPUT_FILE}")
  endif()
  execute_process(COMMAND ${arg_COMMAND} ${extra} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  set(${prefix}_rc "${rc}" PARENT_SCOPE)
  set(${prefix}_out "${out}" PARENT_SCOPE)
  set(${prefix}_err "${err}" PARENT_SCOPE)
endfunction()

# Runs a command that must succeed.
function(run_ok what)
  run(r COMMAND ${ARGN})
  if(NOT r_rc EQUAL 0)
    fail("${what} failed (${r_rc}):\n${r_out}\n${r_err}")
  endif()
  set(ok_out "${r_out}" PARENT_SCOPE)
endfunction()

# Flags of a sanitizer build, which projects linking its libeventc.a need as well.
set(san_c_flags "-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all")
set(san_ld_flags "-fsanitize=address,undefined")

# Configure arguments shared by the projects built against the installed package.
function(project_args out)
  set(args -G "${GENERATOR}" "-DCMAKE_PREFIX_PATH=${PREFIX}" "-DCMAKE_C_COMPILER=${C_COMPILER}"
           -DCMAKE_BUILD_TYPE=Debug)
  if(WARNINGS)
    string(REPLACE "|" ";" w "${WARNINGS}")
    list(APPEND args "-DEVENTC_WARNINGS=${w}")
  endif()
  if(SANITIZE)
    list(APPEND args "-DCMAKE_C_FLAGS=${san_c_flags}" "-DCMAKE_EXE_LINKER_FLAGS=${san_ld_flags}")
  endif()
  set(${out} "${args}" PARENT_SCOPE)
endfunction()

if(MODE STREQUAL "install")
  file(REMOVE_RECURSE "${PREFIX}")
  run_ok("cmake --install" "${CMAKE_COMMAND}" --install "${BUILD}" --prefix "${PREFIX}"
         --config "${CONFIG}")
  foreach(f IN ITEMS bin/eventc ${LIBDIR}/libeventc.a include/eventc/eventc.h
                     include/eventc/codec.h ${LIBDIR}/cmake/eventc/eventcConfig.cmake
                     ${LIBDIR}/cmake/eventc/eventcConfigVersion.cmake
                     ${LIBDIR}/cmake/eventc/eventcTargets.cmake
                     ${LIBDIR}/cmake/eventc/EventcGenerate.cmake ${LIBDIR}/pkgconfig/eventc.pc)
    if(NOT EXISTS "${PREFIX}/${f}")
      fail("not installed: ${f}")
    endif()
  endforeach()
  # Every public header and every template.
  file(GLOB headers RELATIVE "${SOURCE}/runtime/include" "${SOURCE}/runtime/include/eventc/*.h")
  foreach(h IN LISTS headers)
    if(NOT EXISTS "${PREFIX}/include/${h}")
      fail("header not installed: include/${h}")
    endif()
  endforeach()
  file(GLOB_RECURSE templates RELATIVE "${SOURCE}/templates" "${SOURCE}/templates/*")
  foreach(t IN LISTS templates)
    if(NOT EXISTS "${PREFIX}/share/eventc/templates/${t}")
      fail("template not installed: share/eventc/templates/${t}")
    endif()
  endforeach()
  run_ok("installed eventc --version" "${PREFIX}/bin/eventc" --version)
  if(NOT ok_out MATCHES "^eventc ${VERSION}\n$")
    fail("installed eventc --version printed '${ok_out}', want 'eventc ${VERSION}'")
  endif()

elseif(MODE STREQUAL "consumer")
  file(REMOVE_RECURSE "${OUT}")
  project_args(args)
  run_ok("configuring the consumer" "${CMAKE_COMMAND}" -S "${SOURCE}" -B "${OUT}" ${args})
  run_ok("building the consumer" "${CMAKE_COMMAND}" --build "${OUT}")
  run(r COMMAND "${OUT}/consumer")
  if(NOT r_rc EQUAL 0 OR NOT r_err STREQUAL "")
    fail("consumer exited with ${r_rc}\nstdout:\n${r_out}\nstderr:\n${r_err}")
  endif()
  set(ulid "[0-9A-HJKMNP-TV-Z][0-9A-HJKMNP-TV-Z]+")
  set(ts "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9:.]+Z")
  string(CONCAT want
      "^{\"event_name\":\"OrderPlaced\",\"event_id\":\"${ulid}\",\"aggregate_type\":\"Order\","
      "\"aggregate_id\":\"ord_1001\",\"occurred_at\":\"${ts}\",\"version\":1,"
      "\"actor\":\"user_42\",\"order_id\":\"ord_1001\","
      "\"skus\":\\[\"BOOK-0131103627\",\"PEN-BLUE\"\\],\"total_cents\":4599,"
      "\"note\":\"Please leave it at the door.\"}\n"
      "decoded OrderPlaced of aggregate Order with 2 items: equal\n"
      "shipped by courier; \"pickup\" is carrier 2 of 3\n"
      "carrier drone: \\$\\.carrier: [^\n]+ \\[enum\\]\n"
      "lenient: OrderShipped accepted with gift_wrap\n"
      "strict: \\$\\.gift_wrap: [^\n]+ \\[unknown_field\\]\n"
      "ok\n$")
  if(NOT r_out MATCHES "${want}")
    fail("unexpected consumer output:\n${r_out}\nwant (regex):\n${want}")
  endif()

elseif(MODE STREQUAL "cqrs")
  file(REMOVE_RECURSE "${OUT}")
  project_args(args)
  run_ok("configuring the CQRS example" "${CMAKE_COMMAND}" -S "${SOURCE}" -B "${OUT}" ${args})
  run_ok("building the CQRS example" "${CMAKE_COMMAND}" --build "${OUT}")
  run(r COMMAND "${OUT}/cqrs")
  file(READ "${SOURCE}/expected.txt" want)
  if(NOT r_rc EQUAL 0 OR NOT r_err STREQUAL "" OR NOT r_out STREQUAL want)
    fail("cqrs exited with ${r_rc}\nstdout:\n${r_out}\nstderr:\n${r_err}\nwant:\n${want}")
  endif()

elseif(MODE STREQUAL "pkgconfig")
  file(REMOVE_RECURSE "${OUT}")
  file(MAKE_DIRECTORY "${OUT}")
  set(pc_env "${CMAKE_COMMAND}" -E env "PKG_CONFIG_PATH=${PREFIX}/${LIBDIR}/pkgconfig")
  run_ok("pkg-config --cflags --libs eventc" ${pc_env} "${PKG_CONFIG}" --cflags --libs eventc)
  string(STRIP "${ok_out}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run_ok("pkg-config --modversion eventc" ${pc_env} "${PKG_CONFIG}" --modversion eventc)
  if(NOT ok_out STREQUAL "${VERSION}\n")
    fail("pkg-config --modversion eventc gave '${ok_out}', want ${VERSION}")
  endif()
  run_ok("pkg-config --variable=eventc eventc" ${pc_env} "${PKG_CONFIG}" --variable=eventc eventc)
  string(STRIP "${ok_out}" tool)
  if(NOT EXISTS "${tool}")
    fail("pkg-config variable eventc points to '${tool}', which does not exist")
  endif()
  file(WRITE "${OUT}/pc.c" [[
#include <eventc/eventc.h>

#include <stdio.h>

int main(void)
{
    eventc_buf b;
    eventc_buf_init(&b, NULL);
    if (eventc_buf_append_double(&b, 0.1) != EVENTC_OK)
        return 1;
    eventc_error err;
    eventc_error_set(&err, EVENTC_E_MAX_LENGTH, "$.name", "too long");
    char line[128];
    eventc_error_format(&err, line, sizeof line);
    printf("%s %s abi %d\n", eventc_buf_cstr(&b), line, EVENTC_ABI_VERSION);
    eventc_buf_free(&b);
    return 0;
}
]])
  set(cflags -std=c99 -Wall -Wextra -Wpedantic -Werror)
  if(SANITIZE)
    separate_arguments(san UNIX_COMMAND "${san_c_flags}")
    list(APPEND cflags ${san})
  endif()
  run_ok("compiling with pkg-config flags" "${C_COMPILER}" ${cflags} "${OUT}/pc.c" -o
         "${OUT}/pc" ${flags})
  run_ok("running the pkg-config program" "${OUT}/pc")
  if(NOT ok_out STREQUAL "0.1 $.name: too long [max_length] abi 1\n")
    fail("unexpected output of the pkg-config program: '${ok_out}'")
  endif()

elseif(MODE STREQUAL "noop")
  # Copies the project, since the test touches and edits its files.
  file(REMOVE_RECURSE "${OUT}")
  file(COPY "${SOURCE}/" DESTINATION "${OUT}/src")
  project_args(args)
  run_ok("configuring the rebuild project" "${CMAKE_COMMAND}" -S "${OUT}/src" -B "${OUT}/build"
         ${args})
  set(header "${OUT}/build/out/c/tiny.h")

  # Builds and checks whether eventc ran; `label` names the step in messages.
  function(build label want_run)
    run(r COMMAND "${CMAKE_COMMAND}" --build "${OUT}/build")
    if(NOT r_rc EQUAL 0)
      fail("${label}: build failed:\n${r_out}\n${r_err}")
    endif()
    if(r_out MATCHES "Running eventc generate --target [a-z,]+ on catalog tiny")
      set(ran 1)
    else()
      set(ran 0)
    endif()
    if(want_run AND NOT ran)
      fail("${label}: eventc should have run but did not:\n${r_out}")
    elseif(NOT want_run AND ran)
      fail("${label}: eventc ran although nothing changed:\n${r_out}")
    endif()
  endfunction()

  # Make and Ninja compare dates: make sure a touched file is strictly newer than the outputs.
  macro(touch_later path)
    execute_process(COMMAND "${CMAKE_COMMAND}" -E sleep 1.1)
    file(TOUCH "${OUT}/src/${path}")
  endmacro()

  build("first build" 1)
  foreach(f IN ITEMS out/c/tiny.h out/c/tiny.c out/schemas/ping_sent.schema.json
                     schemas-only/schemas/catalog.schema.json docs-only/docs/index.md
                     docs-only/docs/probe.md docs-only/schemas/ping_sent.schema.json)
    if(NOT EXISTS "${OUT}/build/${f}")
      fail("eventc_generate did not produce ${f}")
    endif()
  endforeach()
  if(EXISTS "${OUT}/build/schemas-only/c")
    fail("eventc_generate with TARGETS schema generated C code")
  endif()
  build("second build" 0)
  build("third build" 0)
  touch_later(more/pings.yaml)
  build("after touching an included file" 1)
  build("rebuild after the included file" 0)
  touch_later(more/ping_sent.example.json)
  build("after touching an example" 1)
  build("rebuild after the example" 0)
  touch_later(tiny.yaml)
  build("after touching the catalog" 1)
  build("rebuild after the catalog" 0)

  # An edit of an included file that changes the output reaches the generated header.
  file(READ "${header}" before)
  execute_process(COMMAND "${CMAKE_COMMAND}" -E sleep 1.1)
  file(READ "${OUT}/src/more/pings.yaml" yaml)
  string(REPLACE "summary: A probe sent a ping." "summary: A probe sent a ping to its peer."
                 yaml "${yaml}")
  file(WRITE "${OUT}/src/more/pings.yaml" "${yaml}")
  build("after editing an included file" 1)
  file(READ "${header}" after)
  if(before STREQUAL after)
    fail("editing the summary of PingSent did not change ${header}")
  endif()
  build("rebuild after the edit" 0)

  # A file the catalog names later (a second example) is tracked from then on, without
  # configuring again: eventc's depfile lists it.
  file(COPY_FILE "${OUT}/src/more/ping_sent.example.json" "${OUT}/src/more/ping_again.example.json")
  execute_process(COMMAND "${CMAKE_COMMAND}" -E sleep 1.1)
  file(READ "${OUT}/src/more/pings.yaml" yaml)
  string(REPLACE "examples: [ping_sent.example.json]"
                 "examples: [ping_sent.example.json, ping_again.example.json]" yaml "${yaml}")
  file(WRITE "${OUT}/src/more/pings.yaml" "${yaml}")
  build("after naming a second example" 1)
  build("rebuild after the second example" 0)
  touch_later(more/ping_again.example.json)
  build("after touching the second example" 1)
  build("rebuild after touching the second example" 0)

  # A generated file that went missing is made again.
  file(REMOVE "${OUT}/build/out/c/tiny.c")
  build("after deleting the generated source" 1)
  if(NOT EXISTS "${OUT}/build/out/c/tiny.c")
    fail("the deleted generated source was not made again")
  endif()
  build("rebuild after the deletion" 0)

  # The docs pages and schemas are declared outputs: a new aggregate (from an included file)
  # adds its page to them, and cleaning removes every one.
  file(APPEND "${OUT}/src/more/pings.yaml"
       "  Sensor:\n"
       "    id: sensor_id\n"
       "    events:\n"
       "      ReadingTaken:\n"
       "        summary: A sensor took a reading.\n"
       "        fields:\n"
       "          sensor_id: { type: string, min_length: 1 }\n")
  build("after adding an aggregate" 1)
  set(declared docs-only/docs/index.md docs-only/docs/probe.md docs-only/docs/sensor.md
               docs-only/schemas/reading_taken.schema.json docs-only/schemas/ping_sent.schema.json)
  foreach(f IN LISTS declared)
    if(NOT EXISTS "${OUT}/build/${f}")
      fail("eventc_generate did not produce ${f}")
    endif()
  endforeach()
  build("rebuild after the aggregate" 0)
  run(r COMMAND "${CMAKE_COMMAND}" --build "${OUT}/build" --target clean)
  if(NOT r_rc EQUAL 0)
    fail("cleaning failed:\n${r_out}\n${r_err}")
  endif()
  foreach(f IN LISTS declared)
    if(EXISTS "${OUT}/build/${f}")
      fail("cleaning left ${f}: eventc_generate did not declare it as an output")
    endif()
  endforeach()

elseif(MODE STREQUAL "validate")
  file(GLOB files "${DIR}/*.json")
  list(LENGTH files n)
  if(n EQUAL 0)
    fail("no JSON files in ${DIR}")
  endif()
  run(r COMMAND "${TOOL}" validate ${files})
  set(want "")
  foreach(f IN LISTS files)
    string(APPEND want "${f}: ok\n")
  endforeach()
  if(NOT r_rc EQUAL 0 OR NOT r_out STREQUAL want OR NOT r_err STREQUAL "")
    fail("messaging-events validate exited with ${r_rc}\nstdout:\n${r_out}\nstderr:\n${r_err}")
  endif()

elseif(MODE STREQUAL "normalize")
  file(MAKE_DIRECTORY "${OUT}")
  file(GLOB files "${DIR}/*.json")
  foreach(f IN LISTS files)
    get_filename_component(name "${f}" NAME_WE)
    run(r COMMAND "${TOOL}" normalize "${f}")
    if(NOT r_rc EQUAL 0 OR NOT r_err STREQUAL "" OR NOT r_out MATCHES "^{[^\n]*}\n$")
      fail("normalize ${f} exited with ${r_rc}\nstdout:\n${r_out}\nstderr:\n${r_err}")
    endif()
    file(WRITE "${OUT}/${name}.json" "${r_out}")
    run(again COMMAND "${TOOL}" normalize --strict "${OUT}/${name}.json")
    if(NOT again_rc EQUAL 0 OR NOT again_out STREQUAL r_out)
      fail("normalize is not a fixed point on ${f}:\nonce:  ${r_out}twice: ${again_out}"
           "${again_err}")
    endif()
    # Reading from standard input gives the same.
    run(stdin COMMAND "${TOOL}" normalize - INPUT_FILE "${f}")
    if(NOT stdin_rc EQUAL 0 OR NOT stdin_out STREQUAL r_out)
      fail("normalize - < ${f} differs:\n${stdin_out}${stdin_err}")
    endif()
  endforeach()

elseif(MODE STREQUAL "invalid")
  file(STRINGS "${DIR}/${CASE}.expected" want)
  set(args validate)
  if(CASE MATCHES "^strict-")
    list(APPEND args --strict)
  endif()
  run(r COMMAND "${TOOL}" ${args} "${CASE}.json" WORKING_DIRECTORY "${DIR}")
  if(NOT r_rc EQUAL 1 OR NOT r_out STREQUAL "${want}\n" OR NOT r_err STREQUAL "")
    fail("want status 1 and\n${want}\ngot status ${r_rc}\nstdout:\n${r_out}\nstderr:\n${r_err}"
         "\nto accept it: (cd ${DIR} && ${TOOL} ${args} ${CASE}.json > ${CASE}.expected)")
  endif()

elseif(MODE STREQUAL "cli")
  string(REPLACE "|" ";" args "${ARGS}")
  run(r COMMAND "${TOOL}" ${args} WORKING_DIRECTORY "${DIR}" INPUT_FILE "${INPUT}")
  if(NOT r_rc EQUAL STATUS)
    fail("'${ARGS}': want status ${STATUS}, got ${r_rc}\nstdout:\n${r_out}\nstderr:\n${r_err}")
  endif()
  if(NOT r_${STREAM} MATCHES "${MATCH}")
    fail("'${ARGS}': std${STREAM} does not match '${MATCH}':\nstdout:\n${r_out}\nstderr:\n${r_err}")
  endif()
  if(EMPTY AND NOT r_${EMPTY} STREQUAL "")
    fail("'${ARGS}': std${EMPTY} should be empty:\n${r_${EMPTY}}")
  endif()

elseif(MODE STREQUAL "doc")
  file(READ "${DOC}" doc)
  file(READ "${FILE}" text)
  string(FIND "${doc}" "${text}" pos)
  if(pos EQUAL -1)
    fail("${DOC} does not contain ${FILE} verbatim; copy the file into its code block again")
  endif()

else()
  fail("unknown MODE '${MODE}'")
endif()
