# Script-mode driver of tests/ce_domain.cmake: one corpus or command-line case of
# `messaging-events to-cloudevent|from-cloudevent`. Set on the command line: KIND, TOOL, and
#   domain_invalid / domain_valid  BINDING, DIR (the corpus folder), CASE (file), NAME (stem)
#   cli                            CASE, SOURCE_DIR, OUT (a scratch folder)
#   mapping                        TOOL is eventc; OUT (a scratch folder): the catalog's
#                                  CloudEvents settings and the mapping's positioned errors
cmake_minimum_required(VERSION 3.25)

if(KIND STREQUAL "mapping")
  file(REMOVE_RECURSE ${OUT})
  file(MAKE_DIRECTORY ${OUT})
  # A catalog with `extra` envelope fields, `cloudevents` settings and `events` (YAML text).
  function(_catalog file extra settings events)
    file(WRITE ${OUT}/${file}
         "catalog: ce\nversion: 1\n${settings}envelope:\n  fields:\n"
         "    event_name: { type: string, role: event_name }\n"
         "    event_id: { type: string, role: event_id }\n"
         "    aggregate_type: { type: string, role: aggregate_type }\n"
         "    aggregate_id: { type: string, min_length: 1, role: aggregate_id }\n"
         "    occurred_at: { type: timestamp, role: occurred_at }\n"
         "    version: { type: integer, role: version }\n${extra}"
         "aggregates:\n  Thing:\n    id: thing_id\n    events:\n${events}")
  endfunction()
  set(one "      ThingCreated:\n        summary: Made.\n        fields: { thing_id: string }\n")
  # name | extra envelope fields | cloudevents settings | events | status | expected output
  set(cases
      "reserved|    source: { type: string }\n|||1|reserved.yaml:11:5: error: 'source', the CloudEvents extension attribute of envelope field 'source', is reserved: it is a core attribute of CloudEvents"
      "partitionkey|    partition_key: { type: string }\n|||1|partitionkey.yaml:11:5: error: 'partitionkey', the CloudEvents extension attribute of envelope field 'partition_key', is reserved: partitionkey carries the aggregate id"
      "clash|    trace_id: { type: string }\n    traceid: { type: string }\n|||1|clash.yaml:12:5: error: envelope fields 'traceid' and 'trace_id' \\(clash.yaml:11\\) would both be the CloudEvents extension attribute 'traceid'"
      "bad_name|    trace_id: { type: string }\n|cloudevents:\n  extensions: { trace_id: Trace-Id }\n||1|bad_name.yaml:4:17: error: 'Trace-Id', the CloudEvents extension attribute of envelope field 'trace_id', may hold only lower-case letters"
      "unknown_field||cloudevents:\n  extensions: { nosuch: x }\n||1|unknown_field.yaml:4:17: error: CloudEvents 'extensions' names 'nosuch', which is not an envelope field"
      "role_field||cloudevents:\n  extensions: { event_id: eid }\n||1|role_field.yaml:4:17: error: envelope field 'event_id' has role 'event_id': it travels as the CloudEvents id attribute, not as an extension"
      "same_type|||      Created:\n        summary: Made too.\n        fields: { thing_id: string }\n|1|same_type.yaml:[0-9]+:7: error: event 'Created' would have the CloudEvents type 'ce.thing.created', which event 'ThingCreated' \\(same_type.yaml:[0-9]+\\) already has"
      "bad_source||cloudevents:\n  source: '%zz'\n||1|bad_source.yaml:4:11: error: CloudEvents 'source' '%zz' is not a URI-reference"
      "override|    idempotency_key: { type: string, optional: true }\n|cloudevents:\n  source: /things\n  type_prefix: org.example\n  extensions: { idempotency_key: idem }\n||0|")
  foreach(c IN LISTS cases)
    string(REPLACE "|" ";" parts "${c}")
    list(GET parts 0 name)
    list(GET parts 1 extra)
    list(GET parts 2 settings)
    list(GET parts 3 events)
    list(GET parts 4 status)
    list(GET parts 5 want)
    _catalog(${name}.yaml "${extra}" "${settings}" "${one}${events}")
    execute_process(COMMAND ${TOOL} generate ${name}.yaml -o ${OUT}/${name} --target c
                    WORKING_DIRECTORY ${OUT} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                    ERROR_VARIABLE err)
    if(NOT rc EQUAL status OR NOT err MATCHES "${want}")
      message(FATAL_ERROR "${name}: want status ${status} and\n${want}\ngot ${rc}:\n${err}")
    endif()
  endforeach()
  file(READ ${OUT}/override/c/ce_cloudevents.c src)
  foreach(want IN ITEMS "\\.attribute = \"idem\"" "\\.source = \"/things\""
                        "\\.type = \"org\\.example\\.thing\\.created\"")
    if(NOT src MATCHES "${want}")
      message(FATAL_ERROR "override: ${want} not in the generated converters:\n${src}")
    endif()
  endforeach()
  return()
endif()

if(KIND STREQUAL "domain_invalid" OR KIND STREQUAL "domain_valid")
  # Run from the corpus folder so that messages name the file alone.
  execute_process(COMMAND ${TOOL} from-cloudevent --binding ${BINDING} ${CASE}
                  WORKING_DIRECTORY ${DIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
  file(READ ${DIR}/${NAME}.expected want)
  if(KIND STREQUAL "domain_invalid")
    if(NOT rc EQUAL 1 OR NOT out STREQUAL "" OR NOT err STREQUAL want)
      message(FATAL_ERROR "want status 1, no output and this error:\n${want}"
                          "got status ${rc}\nstdout: ${out}\nstderr: ${err}")
    endif()
  elseif(NOT rc EQUAL 0 OR NOT out STREQUAL want OR NOT err STREQUAL "")
    message(FATAL_ERROR "want status 0 and\n${want}got status ${rc}\nstdout: ${out}\nstderr: ${err}")
  endif()
  return()
endif()

if(NOT KIND STREQUAL "cli")
  message(FATAL_ERROR "unknown KIND '${KIND}'")
endif()

file(REMOVE_RECURSE ${OUT})
file(MAKE_DIRECTORY ${OUT})
macro(_run)
  execute_process(COMMAND ${TOOL} ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out
                  ERROR_VARIABLE err)
endmacro()

if(CASE STREQUAL "roundtrip")
  # Every example, through every binding and mode and back, equals the normalised event.
  file(GLOB examples ${SOURCE_DIR}/catalog/examples/*.json)
  set(count 0)
  foreach(ex IN LISTS examples)
    get_filename_component(stem ${ex} NAME_WE)
    _run(normalize ${ex})
    set(want "${out}")
    foreach(form IN ITEMS http:binary http:structured kafka:binary kafka:structured json:)
      string(REPLACE ":" ";" parts "${form}")
      list(GET parts 0 binding)
      list(LENGTH parts n)
      set(mode_args "")
      if(n EQUAL 2)
        list(GET parts 1 mode)
        if(mode)
          set(mode_args --mode ${mode})
        endif()
      endif()
      set(msg ${OUT}/${stem}.${binding}${mode})
      execute_process(COMMAND ${TOOL} to-cloudevent --binding ${binding} ${mode_args} ${ex}
                      RESULT_VARIABLE rc OUTPUT_FILE ${msg} ERROR_VARIABLE err)
      if(NOT rc EQUAL 0)
        message(FATAL_ERROR "to-cloudevent ${form} ${ex}: status ${rc}\n${err}")
      endif()
      _run(from-cloudevent --binding ${binding} ${msg})
      if(NOT rc EQUAL 0 OR NOT out STREQUAL want)
        message(FATAL_ERROR "${form} ${ex}: status ${rc}\n${err}\ngot:  ${out}\nwant: ${want}")
      endif()
      math(EXPR count "${count} + 1")
    endforeach()
  endforeach()
  if(count LESS 105)
    message(FATAL_ERROR "only ${count} round trips (want 21 examples x 5 forms)")
  endif()
elseif(CASE STREQUAL "usage")
  set(ex ${SOURCE_DIR}/catalog/examples/customer_created.example.json)
  foreach(c IN ITEMS
          "to-cloudevent ${ex}|missing --binding"
          "to-cloudevent --binding amqp ${ex}|unknown binding 'amqp'"
          "to-cloudevent --binding http --mode batch ${ex}|unknown mode 'batch'"
          "to-cloudevent --binding json --mode binary ${ex}|--mode is for the http and kafka"
          "to-cloudevent --binding http|missing FILE"
          "to-cloudevent --binding http ${ex} ${ex}|more than one FILE"
          "from-cloudevent --binding http --mode binary ${ex}|unknown option '--mode'"
          "from-cloudevent --binding kafka --fast ${ex}|unknown option '--fast'")
    string(REPLACE "|" ";" parts "${c}")
    list(GET parts 0 argv)
    list(GET parts 1 match)
    separate_arguments(argv UNIX_COMMAND "${argv}")
    _run(${argv})
    if(NOT rc EQUAL 2 OR NOT err MATCHES "${match}" OR NOT out STREQUAL "")
      message(FATAL_ERROR "${c}: want status 2 and '${match}'; got ${rc}\n${err}")
    endif()
  endforeach()
  _run(from-cloudevent --binding http ${OUT}/no-such-file)
  if(NOT rc EQUAL 2 OR NOT err MATCHES "cannot read")
    message(FATAL_ERROR "missing file: want status 2; got ${rc}\n${err}")
  endif()
  _run(--help)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "to-cloudevent" OR NOT out MATCHES "from-cloudevent")
    message(FATAL_ERROR "--help does not list the CloudEvents commands:\n${out}")
  endif()
elseif(CASE STREQUAL "invalid_event")
  # An event that breaks the catalog, and one that breaks CloudEvents, are refused with status 1.
  file(WRITE ${OUT}/bad.json
       "{\"event_name\":\"CustomerCreated\",\"event_id\":\"01HZYX3X9Q2F7J5V7KX9A1B2C3\","
       "\"aggregate_type\":\"Customer\",\"aggregate_id\":\"cust_123\","
       "\"occurred_at\":\"2025-11-05T14:00:00Z\",\"actor\":\"system\",\"version\":1,"
       "\"customer_id\":\"cust_123\",\"name\":\"\"}")
  _run(to-cloudevent --binding http ${OUT}/bad.json)
  if(NOT rc EQUAL 1 OR NOT err MATCHES "bad.json: error: \\$\\.name: .*\\[min_length\\]")
    message(FATAL_ERROR "catalog rule: want status 1; got ${rc}\n${err}")
  endif()
  file(WRITE ${OUT}/big.json
       "{\"event_name\":\"CustomerCreated\",\"event_id\":\"01HZYX3X9Q2F7J5V7KX9A1B2C3\","
       "\"aggregate_type\":\"Customer\",\"aggregate_id\":\"cust_123\","
       "\"occurred_at\":\"2025-11-05T14:00:00Z\",\"actor\":\"system\",\"version\":4294967296,"
       "\"customer_id\":\"cust_123\",\"name\":\"Acme\"}")
  _run(to-cloudevent --binding kafka --mode structured ${OUT}/big.json)
  string(CONCAT want "big.json: error: \\$\\.version: cannot be the CloudEvents attribute "
         "version: 4294967296 does not fit a CloudEvents Integer")
  if(NOT rc EQUAL 1 OR NOT err MATCHES "${want}" OR NOT out STREQUAL "")
    message(FATAL_ERROR "version beyond 32 bits: want status 1; got ${rc}\n${err}")
  endif()
else()
  message(FATAL_ERROR "unknown CASE '${CASE}'")
endif()
