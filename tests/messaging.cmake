# The messaging library: unit tests (tests/unit/messaging/test_*.c, labels "unit" and
# "messaging"), the same under valgrind (label "memcheck"), and the conformance suite run on the
# in-memory bus (tests/conformance/, label "messaging" and "conformance").
#
# Every test here is also run by the ThreadSanitizer stage of scripts/test.sh
# (-DEVENTC_TSAN=ON, ctest -L messaging).

file(GLOB MESSAGING_UNIT_TESTS CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/unit/messaging/test_*.c)
foreach(src IN LISTS MESSAGING_UNIT_TESTS)
  get_filename_component(name ${src} NAME_WE)
  add_executable(${name} ${src})
  target_compile_options(${name} PRIVATE ${EVENTC_WARNINGS})
  target_include_directories(${name} PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
  target_link_libraries(${name} PRIVATE eventc_messaging)
  if(name STREQUAL "test_dedupe_sqlite")
    if(NOT TARGET eventc_messaging_sqlite)
      add_test(NAME unit.${name} COMMAND ${CMAKE_COMMAND} -E echo "SKIPPED: no SQLite")
      set_tests_properties(unit.${name} PROPERTIES LABELS "unit;messaging"
                           SKIP_REGULAR_EXPRESSION "SKIPPED")
      set_target_properties(${name} PROPERTIES EXCLUDE_FROM_ALL ON)
      continue()
    endif()
    target_link_libraries(${name} PRIVATE eventc_messaging_sqlite)
  endif()
  if(name STREQUAL "test_signing")
    if(NOT TARGET eventc_messaging_signing)
      add_test(NAME unit.${name} COMMAND ${CMAKE_COMMAND} -E echo "SKIPPED: no libcrypto")
      set_tests_properties(unit.${name} PROPERTIES LABELS "unit;messaging"
                           SKIP_REGULAR_EXPRESSION "SKIPPED")
      set_target_properties(${name} PROPERTIES EXCLUDE_FROM_ALL ON)
      continue()
    endif()
    target_link_libraries(${name} PRIVATE eventc_messaging_signing)
  endif()
  set_target_properties(${name} PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_dependencies(eventc_messaging_tests ${name})
  add_test(NAME unit.${name} COMMAND ${name} ${CMAKE_SOURCE_DIR}
           WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
  set_tests_properties(unit.${name} PROPERTIES LABELS "unit;messaging" TIMEOUT 300)
  find_program(EVENTC_VALGRIND valgrind)
  if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE AND NOT EVENTC_TSAN)
    add_test(NAME memcheck.messaging.${name}
             COMMAND ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                     --errors-for-leak-kinds=definite,indirect $<TARGET_FILE:${name}>
                     ${CMAKE_SOURCE_DIR}
             WORKING_DIRECTORY ${CMAKE_CURRENT_BINARY_DIR})
    set_tests_properties(memcheck.messaging.${name} PROPERTIES LABELS "memcheck" TIMEOUT 600)
  endif()
endforeach()
