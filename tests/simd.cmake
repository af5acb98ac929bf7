# The vector string scanners against the scalar one (tests/simd/test_simd_scan.c), at every level
# the machine runs: natively (SSE2 and AVX2 on x86-64, NEON on arm64), and, on an x86-64 machine,
# the NEON code built for arm64 by the cross compiler (statically) and run under qemu's user-mode
# emulation. scripts/setup.sh installs both (gcc-aarch64-linux-gnu, qemu-user); without them the
# emulated test is skipped. The fuzz harness fuzz_simd compares the levels on any bytes.
add_executable(test_simd_scan ${CMAKE_CURRENT_SOURCE_DIR}/simd/test_simd_scan.c)
target_compile_options(test_simd_scan PRIVATE ${EVENTC_WARNINGS})
target_include_directories(test_simd_scan PRIVATE ${PROJECT_SOURCE_DIR}/runtime/src)
target_link_libraries(test_simd_scan PRIVATE eventc_runtime)
if(EVENTC_SCALAR)
  # The runtime's private headers must agree with it on which levels exist (then none: skipped).
  target_compile_definitions(test_simd_scan PRIVATE EVENTC_SCALAR)
endif()
set_target_properties(test_simd_scan PROPERTIES RUNTIME_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/tests)
add_test(NAME unit.test_simd_scan COMMAND test_simd_scan)
set_tests_properties(unit.test_simd_scan PROPERTIES LABELS "unit" SKIP_RETURN_CODE 77)

find_program(EVENTC_ARM64_CC aarch64-linux-gnu-gcc)
find_program(EVENTC_QEMU_ARM64 qemu-aarch64)
if(EVENTC_ARM64_CC AND EVENTC_QEMU_ARM64 AND NOT EVENTC_SCALAR)
  file(GLOB _arm64_runtime CONFIGURE_DEPENDS ${PROJECT_SOURCE_DIR}/runtime/src/core/*.c
       ${PROJECT_SOURCE_DIR}/runtime/src/json/*.c)
  set(_arm64_bin ${CMAKE_BINARY_DIR}/tests/test_simd_scan.arm64)
  add_custom_command(
    OUTPUT ${_arm64_bin}
    COMMAND ${EVENTC_ARM64_CC} -std=c11 -O2 -static -Wall -Wextra -Wpedantic -Wshadow
            -Wstrict-prototypes -Werror -I${PROJECT_SOURCE_DIR}/runtime/src
            -I${PROJECT_SOURCE_DIR}/runtime/include ${CMAKE_CURRENT_SOURCE_DIR}/simd/test_simd_scan.c
            ${_arm64_runtime} -lm -o ${_arm64_bin}
    DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/simd/test_simd_scan.c ${_arm64_runtime}
    COMMENT "Building the vector scanner test for arm64 (NEON)"
    VERBATIM)
  add_custom_target(test_simd_scan_arm64 ALL DEPENDS ${_arm64_bin})
  add_test(NAME unit.test_simd_scan_arm64 COMMAND ${EVENTC_QEMU_ARM64} ${_arm64_bin})
else()
  add_test(NAME unit.test_simd_scan_arm64
           COMMAND sh -c "echo 'SKIPPED: needs aarch64-linux-gnu-gcc and qemu-aarch64'; exit 77")
endif()
set_tests_properties(unit.test_simd_scan_arm64 PROPERTIES LABELS "unit" SKIP_RETURN_CODE 77)
