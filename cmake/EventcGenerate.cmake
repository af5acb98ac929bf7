# eventc_generate(): generate C bindings from an eventc catalog at build time and build them into a
# static library.
#
#   eventc_generate(TARGET <lib> CATALOG <catalog.yaml>
#                   [OUTPUT_DIR <dir>] [TEMPLATES <dir>] [TARGETS c ...] [NAME <catalog name>]
#                   [COMPAT_AGAINST <old catalog> [COMPAT_MODE <mode>]])
#
# TARGET      the static library to create; it links eventc::runtime and has the folder of the
#             generated header as a PUBLIC include directory, so `#include "<name>.h"` works for
#             everything that links it. Without the `c` back end, a custom target that generates.
# CATALOG     the root YAML file; relative to the current source directory.
# OUTPUT_DIR  where eventc writes (`<dir>/c/<name>.h` and `<dir>/c/<name>.c`); relative to the
#             current binary directory. Default: ${CMAKE_CURRENT_BINARY_DIR}/generated.
# TEMPLATES   a folder of mustache templates to use instead of the ones built into eventc
#             (eventc --templates); every *.mustache under it is a dependency.
# TARGETS     back ends to run: `c` (the default; `<dir>/c/<name>.{h,c}` and the CloudEvents
#             converters `<dir>/c/<name>_cloudevents.{h,c}`, all built into the library),
#             `messaging` (`<dir>/messaging/<name>_messaging.{h,c}`, the typed messaging layer: catalog
#             descriptor, typed publish helpers, handler table; built into the library too, which
#             then links eventc::messaging; implies `c`), `schema` (`<dir>/schemas/*.schema.json`,
#             JSON Schemas), `docs` (`<dir>/docs/*.md`, Markdown pages of the catalog with its
#             lifecycles as Mermaid diagrams) and `asyncapi` (`<dir>/asyncapi/<name>.asyncapi.yaml`,
#             the AsyncAPI 3.0 document, whose payloads refer to the `schema` target's files).
# NAME        the catalog's name (its `catalog:` key), which names the output files. Read from the
#             catalog when not given; CMake then reconfigures when the root catalog file changes,
#             so that a renamed catalog is noticed. Give NAME to avoid those reconfigurations.
# COMPAT_AGAINST  an earlier version of the catalog (a file, relative to the current source
#             directory, or `git:REV:path`): before generating, `eventc compat` checks the catalog
#             against it, and a break the catalog does not accept fails the build with its
#             messages (docs/compatibility.md).
# COMPAT_MODE backward (the default), forward, full or none: the directions COMPAT_AGAINST checks.
#
# Every file eventc writes is an output of the build step (`clean` removes them). The names of the
# schemas and docs pages come from the catalog: an installed eventc names them at configure time
# (`eventc generate --list-outputs`), and CMake configures again when a YAML file of the catalog
# changes. In eventc's own build the generator does not exist at configure time, and a stamp file
# stands for those files.
#
# eventc runs only when something it read changed: the catalog, the files it includes, the example
# payloads it checks (all listed in a depfile eventc writes), the templates, or eventc itself. It
# rewrites a generated file only when its content changes, so an edit that changes nothing in C
# recompiles nothing. A stamp file records the last run for Make, which judges by dates alone.
#
# The library is compiled with ${EVENTC_WARNINGS} when that variable is set (eventc's own build
# sets it, with -Werror when EVENTC_WERROR is on), else with -Wall -Wextra -Wpedantic -Wshadow
# -Wstrict-prototypes on GCC and Clang.
#
# The eventc executable is the target eventc::eventc: the imported one from find_package(eventc), or
# an alias of the tool being built when this file is part of eventc's own build.

cmake_policy(PUSH)
cmake_policy(VERSION 3.25)

# Whether the eventc behind eventc::eventc writes depfiles (`--depfile`): an installed eventc is
# asked for its help text (an older one may lack the option); the one being built has it. Set
# EVENTC_GENERATE_DEPFILE to ON or OFF to decide instead.
function(_eventc_supports_depfile out)
  if(DEFINED EVENTC_GENERATE_DEPFILE)
    set(${out} ${EVENTC_GENERATE_DEPFILE} PARENT_SCOPE)
    return()
  endif()
  get_target_property(imported eventc::eventc IMPORTED)
  set(found NO)
  if(imported)
    get_target_property(tool eventc::eventc LOCATION)
    execute_process(COMMAND "${tool}" help generate OUTPUT_VARIABLE help ERROR_QUIET
                    RESULT_VARIABLE rc)
    if(rc EQUAL 0 AND help MATCHES "--depfile")
      set(found YES)
    endif()
  else()
    set(found YES)
  endif()
  set(${out} ${found} PARENT_SCOPE)
endfunction()

# The files of the schema and docs targets, whose names come from the catalog's content (one
# schema per event, one page per aggregate): an installed eventc that has `--list-outputs` is run
# now, at configure time, to name them, and CMake configures again when a YAML file of the catalog
# changes, so that an added event or aggregate is declared too. Sets `out` to the list, or to
# nothing when they cannot be known now: the eventc being built in the same tree does not exist
# yet, an older one lacks the option, or the catalog has errors (the build then reports them).
function(_eventc_list_outputs out catalog_arg outdir backends templates work)
  set(${out} "" PARENT_SCOPE)
  get_target_property(imported eventc::eventc IMPORTED)
  if(NOT imported)
    return()
  endif()
  get_target_property(tool eventc::eventc LOCATION)
  set(args generate "${catalog_arg}" -o "${outdir}" --target ${backends} --list-outputs
           --depfile "${work}/list-outputs.d")
  if(templates)
    list(APPEND args --templates "${templates}")
  endif()
  execute_process(COMMAND "${tool}" ${args} WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
                  OUTPUT_VARIABLE listed ERROR_VARIABLE problems RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    if(NOT problems MATCHES "list-outputs")
      message(STATUS "eventc_generate: the schema and docs files of ${catalog_arg} are not "
                     "declared until its errors are fixed")
    endif()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS
                 "${CMAKE_CURRENT_SOURCE_DIR}/${catalog_arg}")
    return()
  endif()
  string(REGEX REPLACE "\n$" "" listed "${listed}")
  string(REPLACE "\n" ";" listed "${listed}")
  # What the run read: the catalog and its includes decide the names; examples do not.
  file(READ "${work}/list-outputs.d" deps)
  string(REPLACE "\\\n" " " deps "${deps}")
  string(REGEX REPLACE "^[^:]*: " "" deps "${deps}")
  string(REPLACE "\\ " "<eventc-space>" deps "${deps}")
  string(REGEX MATCHALL "[^ \t\n]+" deps "${deps}")
  foreach(dep IN LISTS deps)
    string(REPLACE "<eventc-space>" " " dep "${dep}")
    if(dep MATCHES "\\.(yaml|yml)$")
      set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${dep}")
    endif()
  endforeach()
  set(${out} ${listed} PARENT_SCOPE)
endfunction()

function(eventc_generate)
  cmake_parse_arguments(PARSE_ARGV 0 arg ""
                        "TARGET;CATALOG;OUTPUT_DIR;TEMPLATES;NAME;COMPAT_AGAINST;COMPAT_MODE" "TARGETS")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "eventc_generate: unexpected arguments: ${arg_UNPARSED_ARGUMENTS}")
  endif()
  foreach(required IN ITEMS TARGET CATALOG)
    if(NOT arg_${required})
      message(FATAL_ERROR "eventc_generate: ${required} is required")
    endif()
  endforeach()
  if(NOT TARGET eventc::eventc)
    message(FATAL_ERROR "eventc_generate: no eventc::eventc executable target; "
                        "call find_package(eventc CONFIG REQUIRED) first")
  endif()
  if(NOT arg_TARGETS)
    set(arg_TARGETS c)
  endif()
  foreach(backend IN LISTS arg_TARGETS)
    if(NOT backend MATCHES "^(c|schema|docs|messaging|asyncapi)$")
      message(FATAL_ERROR "eventc_generate: unknown target '${backend}' "
                          "(known: c, schema, docs, messaging, asyncapi)")
    endif()
  endforeach()
  # The messaging files include the C target's.
  if("messaging" IN_LIST arg_TARGETS)
    list(APPEND arg_TARGETS c)
    if(NOT TARGET eventc::messaging)
      message(FATAL_ERROR "eventc_generate: the messaging target needs libeventc-messaging "
                          "(eventc::messaging); find_package(eventc CONFIG REQUIRED) provides it "
                          "when it is installed")
    endif()
  endif()
  list(REMOVE_DUPLICATES arg_TARGETS)

  get_filename_component(catalog "${arg_CATALOG}" ABSOLUTE BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
  if(NOT EXISTS "${catalog}")
    message(FATAL_ERROR "eventc_generate: catalog '${catalog}' does not exist")
  endif()
  if(arg_OUTPUT_DIR)
    get_filename_component(outdir "${arg_OUTPUT_DIR}" ABSOLUTE
                           BASE_DIR "${CMAKE_CURRENT_BINARY_DIR}")
  else()
    set(outdir "${CMAKE_CURRENT_BINARY_DIR}/generated")
  endif()

  # The output files are named after the catalog, which CMake must know before eventc runs.
  set(name "${arg_NAME}")
  if(NOT name)
    file(STRINGS "${catalog}" line LIMIT_COUNT 1
         REGEX "^catalog:[ \t]*[\"']?[a-z][a-z0-9_]*[\"']?[ \t]*(#.*)?$")
    if(line MATCHES "^catalog:[ \t]*[\"']?([a-z][a-z0-9_]*)")
      set(name "${CMAKE_MATCH_1}")
    else()
      message(FATAL_ERROR "eventc_generate: no `catalog: <name>` line in '${catalog}'; "
                          "pass NAME <name>")
    endif()
    set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${catalog}")
  endif()

  set(args generate)
  # eventc runs from the current source directory with the catalog path relative to it: the path
  # appears in the banner of the generated files, which must not depend on where the tree is.
  file(RELATIVE_PATH catalog_arg "${CMAKE_CURRENT_SOURCE_DIR}" "${catalog}")
  list(APPEND args "${catalog_arg}" -o "${outdir}")
  list(JOIN arg_TARGETS "," backends)
  list(APPEND args --target ${backends})
  set(template_files "")
  set(templates "")
  if(arg_TEMPLATES)
    get_filename_component(templates "${arg_TEMPLATES}" ABSOLUTE
                           BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
    if(NOT IS_DIRECTORY "${templates}")
      message(FATAL_ERROR "eventc_generate: TEMPLATES '${templates}' is not a directory")
    endif()
    file(GLOB_RECURSE template_files CONFIGURE_DEPENDS "${templates}/*.mustache")
    list(APPEND args --templates "${templates}")
  endif()

  # The compatibility check runs first, in the same command: a break stops the build before
  # anything is generated.
  set(compat_command "")
  set(compat_inputs "")
  if(arg_COMPAT_MODE AND NOT arg_COMPAT_AGAINST)
    message(FATAL_ERROR "eventc_generate: COMPAT_MODE needs COMPAT_AGAINST")
  endif()
  if(arg_COMPAT_AGAINST)
    if(NOT arg_COMPAT_MODE)
      set(arg_COMPAT_MODE backward)
    endif()
    if(NOT arg_COMPAT_MODE MATCHES "^(backward|forward|full|none)$")
      message(FATAL_ERROR "eventc_generate: unknown COMPAT_MODE '${arg_COMPAT_MODE}' "
                          "(backward, forward, full or none)")
    endif()
    set(against "${arg_COMPAT_AGAINST}")
    if(NOT against MATCHES "^git:")
      get_filename_component(against_abs "${against}" ABSOLUTE
                             BASE_DIR "${CMAKE_CURRENT_SOURCE_DIR}")
      if(NOT EXISTS "${against_abs}")
        message(FATAL_ERROR "eventc_generate: COMPAT_AGAINST '${against_abs}' does not exist")
      endif()
      file(RELATIVE_PATH against "${CMAKE_CURRENT_SOURCE_DIR}" "${against_abs}")
      set(compat_inputs "${against_abs}")
    endif()
    set(compat_command COMMAND eventc::eventc compat "${against}" "${catalog_arg}" --mode
                       ${arg_COMPAT_MODE})
  endif()

  set(work "${CMAKE_CURRENT_BINARY_DIR}/CMakeFiles/${arg_TARGET}.eventc")
  set(stamp "${work}/${name}.stamp")
  set(depfile "${work}/${name}.d")
  file(MAKE_DIRECTORY "${work}")
  # The C files have fixed names; those of the schemas and docs pages are asked of eventc.
  set(outputs "")
  if("c" IN_LIST arg_TARGETS)
    set(header "${outdir}/c/${name}.h")
    set(source "${outdir}/c/${name}.c")
    set(ce_header "${outdir}/c/${name}_cloudevents.h")
    set(ce_source "${outdir}/c/${name}_cloudevents.c")
    set(outputs "${header}" "${source}" "${ce_header}" "${ce_source}")
  endif()
  set(msg_header "")
  set(msg_source "")
  if("messaging" IN_LIST arg_TARGETS)
    set(msg_header "${outdir}/messaging/${name}_messaging.h")
    set(msg_source "${outdir}/messaging/${name}_messaging.c")
    list(APPEND outputs "${msg_header}" "${msg_source}")
  endif()
  set(listed_targets "")
  foreach(backend IN ITEMS schema docs)
    if(backend IN_LIST arg_TARGETS)
      list(APPEND listed_targets ${backend})
    endif()
  endforeach()
  if(listed_targets)
    list(JOIN listed_targets "," listed_backends)
    _eventc_list_outputs(listed "${catalog_arg}" "${outdir}" ${listed_backends} "${templates}"
                         "${work}")
    list(APPEND outputs ${listed})
  endif()

  # The depfile lists exactly what eventc read. Without one, every YAML and JSON file next to the
  # catalog and below stands in for the included files and examples.
  _eventc_supports_depfile(with_depfile)
  set(depfile_args "")
  set(inputs "")
  if(with_depfile)
    list(APPEND args --depfile "${depfile}" --depfile-target "${stamp}")
    set(depfile_args DEPFILE "${depfile}")
  else()
    get_filename_component(catalog_dir "${catalog}" DIRECTORY)
    file(GLOB_RECURSE inputs CONFIGURE_DEPENDS "${catalog_dir}/*.yaml" "${catalog_dir}/*.yml"
         "${catalog_dir}/*.json")
  endif()

  add_custom_command(
    OUTPUT "${stamp}" ${outputs}
    ${compat_command}
    COMMAND eventc::eventc ${args}
    COMMAND "${CMAKE_COMMAND}" -E touch "${stamp}"
    ${depfile_args}
    DEPENDS eventc::eventc "${catalog}" ${inputs} ${template_files} ${compat_inputs}
    WORKING_DIRECTORY "${CMAKE_CURRENT_SOURCE_DIR}"
    COMMENT "Running eventc generate --target ${backends} on catalog ${name} (${catalog_arg})"
    VERBATIM)

  if(NOT "c" IN_LIST arg_TARGETS)
    add_custom_target(${arg_TARGET} ALL DEPENDS "${stamp}")
    set_target_properties(${arg_TARGET} PROPERTIES EVENTC_CATALOG_NAME "${name}")
    return()
  endif()
  add_library(${arg_TARGET} STATIC "${source}" "${header}" "${ce_source}" "${ce_header}"
                                  ${msg_source} ${msg_header})
  target_include_directories(${arg_TARGET} PUBLIC "${outdir}/c")
  target_link_libraries(${arg_TARGET} PUBLIC eventc::runtime)
  if(msg_source)
    target_include_directories(${arg_TARGET} PUBLIC "${outdir}/messaging")
    target_link_libraries(${arg_TARGET} PUBLIC eventc::messaging)
  endif()
  target_compile_features(${arg_TARGET} PUBLIC c_std_99)
  if(DEFINED EVENTC_WARNINGS)
    target_compile_options(${arg_TARGET} PRIVATE ${EVENTC_WARNINGS})
  elseif(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${arg_TARGET} PRIVATE -Wall -Wextra -Wpedantic -Wshadow
                                                 -Wstrict-prototypes)
  endif()
  set_target_properties(${arg_TARGET} PROPERTIES EVENTC_CATALOG_NAME "${name}"
                                                 EVENTC_HEADER "${header}" EVENTC_SOURCE "${source}"
                                                 EVENTC_CLOUDEVENTS_HEADER "${ce_header}"
                                                 EVENTC_MESSAGING_HEADER "${msg_header}")
endfunction()

cmake_policy(POP)
