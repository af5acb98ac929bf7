# The traps of the generated C API (tests/api/traps.c), on the messaging catalog's bindings:
#
#   api.traps                     copies, eventc_own on a shallow copy, an event union built
#                                 without its kind, constructors and decoders on values that hold
#                                 one, typed lifecycle applies and replays over an iterator,
#                                 injected stamps, kinds
#   memcheck.api.test_api_traps   the same under valgrind: no leak, no use of freed or
#                                 uninitialised memory (label "memcheck")
#   memcheck.api.test_ownership   the runtime's ownership unit test (unit.test_ownership) under
#                                 valgrind

if(NOT TARGET messaging_events_c)
  return()
endif()

add_executable(test_api_traps ${CMAKE_CURRENT_SOURCE_DIR}/api/traps.c)
target_link_libraries(test_api_traps PRIVATE messaging_events_c)
target_include_directories(test_api_traps PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
target_compile_options(test_api_traps PRIVATE ${EVENTC_WARNINGS})
set_target_properties(test_api_traps PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_test(NAME api.traps COMMAND test_api_traps)
set_tests_properties(api.traps PROPERTIES LABELS "api")

find_program(EVENTC_VALGRIND valgrind)
if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE)
  foreach(_exe IN ITEMS test_api_traps test_ownership)
    add_test(NAME memcheck.api.${_exe}
             COMMAND ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                     --errors-for-leak-kinds=definite,indirect $<TARGET_FILE:${_exe}>)
    set_tests_properties(memcheck.api.${_exe} PROPERTIES LABELS "memcheck" TIMEOUT 300)
  endforeach()
endif()
