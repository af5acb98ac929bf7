# The typed messaging layer: the generated <catalog>_messaging.{h,c} (target messaging of
# `eventc generate`) and the library parts it stands on (messaging/src/catalog.c, typed.c,
# lifecycle_guard.c, state_memory.c).
#
#   codegen.<case>_messaging.<cc>.<std>  the generated messaging source of the messaging catalog
#                                        and of every golden case compiles warning-free with gcc
#                                        and clang, C11 and C99
#   codegen.<case>_messaging.cxx         its header compiles as C++17
#   codegen.<case>_messaging.format      both files are clang-format clean
#
# The messaging catalog is generated into <build>/tests/codegen/messaging by tests/codegen.cmake;
# golden cases are compiled from their expected folders (tests/golden.cmake keeps them current).

find_program(EVENTC_GCC gcc)
find_program(EVENTC_CLANG clang)
find_program(EVENTC_CXX NAMES g++ clang++)
find_program(EVENTC_CLANG_FORMAT clang-format)
set(_ty_script ${CMAKE_CURRENT_SOURCE_DIR}/codegen.cmake)
set(_ty_inc ${PROJECT_SOURCE_DIR}/runtime/include)
set(_ty_minc ${PROJECT_SOURCE_DIR}/messaging/include)
set(_ty_out ${CMAKE_CURRENT_BINARY_DIR}/codegen)

function(_ty_codegen_tests name dir catalog prefix)
  set(_file ${catalog}_messaging)
  foreach(_cc IN ITEMS GCC CLANG)
    if(NOT EVENTC_${_cc})
      continue()
    endif()
    string(TOLOWER ${_cc} _ccname)
    foreach(_std IN ITEMS c11 c99)
      add_test(NAME codegen.${name}_messaging.${_ccname}.${_std}
               COMMAND ${CMAKE_COMMAND} -DMODE=compile -DCC=${EVENTC_${_cc}} -DSTD=${_std}
                       -DDIR=${dir}/messaging -DFILE=${_file} -DINC=${_ty_inc}
                       "-DMORE_INC=${_ty_minc}|${dir}/c"
                       -DOUT=${_ty_out}/${name}-msg-${_ccname}-${_std} -P ${_ty_script})
      set_tests_properties(codegen.${name}_messaging.${_ccname}.${_std} PROPERTIES
                           LABELS "codegen;typed")
    endforeach()
  endforeach()
  if(EVENTC_CXX)
    add_test(NAME codegen.${name}_messaging.cxx
             COMMAND ${CMAKE_COMMAND} -DMODE=cxx -DCXX=${EVENTC_CXX} -DDIR=${dir}/messaging
                     -DFILE=${_file} -DPREFIX=${prefix} -DINC=${_ty_inc}
                     "-DMORE_INC=${_ty_minc}|${dir}/c" -DOUT=${_ty_out}/${name}-msg-cxx
                     -P ${_ty_script})
    set_tests_properties(codegen.${name}_messaging.cxx PROPERTIES LABELS "codegen;typed")
  endif()
  if(EVENTC_CLANG_FORMAT)
    add_test(NAME codegen.${name}_messaging.format
             COMMAND ${CMAKE_COMMAND} -DMODE=format -DCLANG_FORMAT=${EVENTC_CLANG_FORMAT}
                     -DDIR=${dir}/messaging -DFILE=${_file} -P ${_ty_script})
    set_tests_properties(codegen.${name}_messaging.format PROPERTIES LABELS "codegen;typed")
  endif()
endfunction()

_ty_codegen_tests(messaging ${_ty_out}/messaging messaging msg)
file(GLOB _ty_cases LIST_DIRECTORIES true RELATIVE ${CMAKE_CURRENT_SOURCE_DIR}/golden
     CONFIGURE_DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/golden/*)
foreach(_case IN LISTS _ty_cases)
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
  _ty_codegen_tests(${_case} ${_dir}/expected ${_catalog} ${_prefix})
endforeach()

# The typed layer of the messaging catalog, the library under it, and the lifecycle guard.
if(TARGET messaging_events_c)
  add_executable(test_typed ${CMAKE_CURRENT_SOURCE_DIR}/typed/test_typed.c)
  target_compile_options(test_typed PRIVATE ${EVENTC_WARNINGS})
  target_include_directories(test_typed PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
  target_link_libraries(test_typed PRIVATE messaging_events_c eventc_messaging)
  set_target_properties(test_typed PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
  add_dependencies(eventc_messaging_tests test_typed) # built by the ThreadSanitizer stage
  add_test(NAME unit.test_typed COMMAND test_typed ${CMAKE_SOURCE_DIR})
  set_tests_properties(unit.test_typed PROPERTIES LABELS "unit;typed;messaging")
  find_program(EVENTC_VALGRIND valgrind)
  if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE AND NOT EVENTC_TSAN)
    add_test(NAME memcheck.typed
             COMMAND ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                     --errors-for-leak-kinds=definite,indirect $<TARGET_FILE:test_typed>
                     ${CMAKE_SOURCE_DIR})
    set_tests_properties(memcheck.typed PROPERTIES LABELS "memcheck" TIMEOUT 300)
  endif()
endif()

# The SQLite state store, when the library is built.
if(TARGET messaging_events_c)
  if(TARGET eventc_messaging_sqlite)
    add_executable(test_state_sqlite ${CMAKE_CURRENT_SOURCE_DIR}/typed/test_state_sqlite.c)
    target_compile_options(test_state_sqlite PRIVATE ${EVENTC_WARNINGS})
    target_include_directories(test_state_sqlite PRIVATE ${CMAKE_CURRENT_SOURCE_DIR}/unit)
    target_link_libraries(test_state_sqlite PRIVATE messaging_events_c eventc_messaging_sqlite)
    set_target_properties(test_state_sqlite PROPERTIES
                          RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
    add_test(NAME unit.test_state_sqlite COMMAND test_state_sqlite ${CMAKE_SOURCE_DIR})
    set_tests_properties(unit.test_state_sqlite PROPERTIES LABELS "unit;typed;messaging")
    if(EVENTC_VALGRIND AND NOT EVENTC_SANITIZE AND NOT EVENTC_TSAN)
      add_test(NAME memcheck.state_sqlite
               COMMAND ${EVENTC_VALGRIND} -q --error-exitcode=99 --leak-check=full
                       --errors-for-leak-kinds=definite,indirect
                       $<TARGET_FILE:test_state_sqlite> ${CMAKE_SOURCE_DIR})
      set_tests_properties(memcheck.state_sqlite PROPERTIES LABELS "memcheck" TIMEOUT 600)
    endif()
  else()
    add_test(NAME unit.test_state_sqlite COMMAND ${CMAKE_COMMAND} -E echo "SKIPPED: no SQLite")
    set_tests_properties(unit.test_state_sqlite PROPERTIES LABELS "unit;typed;messaging"
                         SKIP_REGULAR_EXPRESSION "SKIPPED")
  endif()
endif()

# The delivery benchmark in smoke mode (no speed asserted): every path runs on two rounds of
# events, every event reaches its typed callback, no error; and its instruction mode under
# callgrind.
if(TARGET eventc_bench_delivery)
  add_test(NAME bench.delivery
           COMMAND eventc_bench_delivery --smoke --examples ${CMAKE_SOURCE_DIR}/catalog/examples
                   --out ${CMAKE_CURRENT_BINARY_DIR})
  set_tests_properties(bench.delivery PROPERTIES LABELS "bench;typed" TIMEOUT 120)
  find_program(EVENTC_VALGRIND valgrind)
  if(EVENTC_VALGRIND AND EVENTC_HAVE_CALLGRIND_H AND NOT EVENTC_SANITIZE AND NOT EVENTC_TSAN)
    set(_bd ${CMAKE_CURRENT_BINARY_DIR}/bench-delivery-instructions)
    file(MAKE_DIRECTORY ${_bd})
    add_test(NAME bench.delivery_instructions
             COMMAND ${EVENTC_VALGRIND} -q --tool=callgrind --collect-atstart=no
                     --callgrind-out-file=${_bd}/callgrind.out
                     $<TARGET_FILE:eventc_bench_delivery> --smoke
                     --examples ${CMAKE_SOURCE_DIR}/catalog/examples --out ${_bd}
                     --instructions ${_bd}/callgrind.out)
    set_tests_properties(bench.delivery_instructions PROPERTIES LABELS "bench;typed" TIMEOUT 300)
  endif()
endif()
