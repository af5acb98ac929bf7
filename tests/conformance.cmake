# The conformance suite (tests/conformance/): a static library, eventc_conformance, that every
# messaging adapter links with a factory and a main of its own, and its run on the in-memory bus.
#
#   conformance.memory            the full suite (10,000 events, ...); labels messaging, conformance
#   memcheck.conformance.memory   the --quick suite under valgrind (label memcheck)
#
# An adapter's CMake adds, for its own test:
#   add_executable(test_conformance_kafka test_conformance_kafka.c)
#   target_link_libraries(test_conformance_kafka PRIVATE eventc_conformance eventc_kafka)
#   add_dependencies(eventc_messaging_tests test_conformance_kafka)
#   add_test(NAME conformance.kafka COMMAND test_conformance_kafka)
#   set_tests_properties(conformance.kafka PROPERTIES LABELS "messaging;conformance")
add_library(eventc_conformance STATIC ${CMAKE_CURRENT_SOURCE_DIR}/conformance/conformance.c)
target_include_directories(eventc_conformance PUBLIC ${CMAKE_CURRENT_SOURCE_DIR}/conformance)
target_compile_options(eventc_conformance PRIVATE ${EVENTC_WARNINGS})
target_link_libraries(eventc_conformance PUBLIC eventc_messaging)

add_executable(test_conformance_bus ${CMAKE_CURRENT_SOURCE_DIR}/conformance/test_conformance_bus.c)
target_compile_options(test_conformance_bus PRIVATE ${EVENTC_WARNINGS})
target_link_libraries(test_conformance_bus PRIVATE eventc_conformance)
set_target_properties(test_conformance_bus PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                      ${CMAKE_BINARY_DIR}/tests)
add_dependencies(eventc_messaging_tests test_conformance_bus)
add_test(NAME conformance.memory COMMAND test_conformance_bus)
set_tests_properties(conformance.memory PROPERTIES LABELS "messaging;conformance" TIMEOUT 600)

find_program(EVENTC_VALGRIND valgrind)
if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE AND NOT EVENTC_TSAN)
  add_test(NAME memcheck.conformance.memory
           COMMAND ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                   --errors-for-leak-kinds=definite,indirect $<TARGET_FILE:test_conformance_bus>
                   --quick)
  set_tests_properties(memcheck.conformance.memory PROPERTIES LABELS "memcheck" TIMEOUT 900)
endif()
