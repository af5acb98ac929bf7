# The HTTP adapter (adapters/http, eventc::http): the libcurl publisher and the libmicrohttpd
# webhook receiver, against each other and against the official CloudEvents SDK, all over real
# HTTP on 127.0.0.1 (free ports; the tests start and stop every server themselves).
#
#   conformance.http           the conformance suite on the pair (labels messaging, conformance)
#   memcheck.conformance.http  the same, --quick, under valgrind
#
# Without libcurl or libmicrohttpd (eventc_http not built), each test reports SKIPPED.
if(NOT TARGET eventc_http)
  foreach(_name IN ITEMS conformance.http unit.http.publisher unit.http.receiver)
    add_test(NAME ${_name} COMMAND ${CMAKE_COMMAND} -E echo
                                   "SKIPPED: libcurl and libmicrohttpd are needed (eventc_http)")
    set_tests_properties(${_name} PROPERTIES LABELS "messaging" SKIP_REGULAR_EXPRESSION "SKIPPED")
  endforeach()
  return()
endif()

set(_http_dir ${CMAKE_CURRENT_SOURCE_DIR}/http)

add_executable(test_conformance_http ${_http_dir}/test_conformance_http.c)
target_compile_options(test_conformance_http PRIVATE ${EVENTC_WARNINGS})
target_link_libraries(test_conformance_http PRIVATE eventc_conformance eventc_http)
set_target_properties(test_conformance_http PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                       ${CMAKE_BINARY_DIR}/tests)
add_dependencies(eventc_messaging_tests test_conformance_http)
add_test(NAME conformance.http COMMAND test_conformance_http)
set_tests_properties(conformance.http PROPERTIES LABELS "messaging;conformance" TIMEOUT 600)

find_program(EVENTC_VALGRIND valgrind)
if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE AND NOT EVENTC_TSAN)
  add_test(NAME memcheck.conformance.http
           COMMAND ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                   --errors-for-leak-kinds=definite,indirect
                   $<TARGET_FILE:test_conformance_http> --quick)
  set_tests_properties(memcheck.conformance.http PROPERTIES LABELS "memcheck" TIMEOUT 900)
endif()

# The scripted server the publisher tests answer from (fault injection).
add_library(eventc_test_script_server STATIC ${_http_dir}/script_server.c)
target_compile_options(eventc_test_script_server PRIVATE ${EVENTC_WARNINGS})
target_include_directories(eventc_test_script_server PUBLIC ${_http_dir})
find_package(Threads REQUIRED)
target_link_libraries(eventc_test_script_server PUBLIC Threads::Threads)

# The raw client the receiver tests send exact bytes with (hostile ones included).
add_library(eventc_test_raw_client STATIC ${_http_dir}/raw_client.c)
target_compile_options(eventc_test_raw_client PRIVATE ${EVENTC_WARNINGS})
target_include_directories(eventc_test_raw_client PUBLIC ${_http_dir})
target_link_libraries(eventc_test_raw_client PUBLIC Threads::Threads)

# Unit tests: test_http_<name>.c, each a program of its own, also under valgrind.
foreach(_name IN ITEMS publisher receiver)
  add_executable(test_http_${_name} ${_http_dir}/test_http_${_name}.c)
  target_compile_options(test_http_${_name} PRIVATE ${EVENTC_WARNINGS})
  target_include_directories(test_http_${_name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
  target_link_libraries(test_http_${_name} PRIVATE eventc_http eventc_test_script_server
                                                  eventc_test_raw_client)
  set_target_properties(test_http_${_name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                      ${CMAKE_BINARY_DIR}/tests)
  add_dependencies(eventc_messaging_tests test_http_${_name})
  add_test(NAME unit.http.${_name} COMMAND test_http_${_name})
  set_tests_properties(unit.http.${_name} PROPERTIES LABELS "unit;messaging" TIMEOUT 300)
  if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE AND NOT EVENTC_TSAN)
    add_test(NAME memcheck.http.${_name}
             COMMAND ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                     --errors-for-leak-kinds=definite,indirect $<TARGET_FILE:test_http_${_name}>)
    set_tests_properties(memcheck.http.${_name} PROPERTIES LABELS "memcheck" TIMEOUT 600)
  endif()
endforeach()
