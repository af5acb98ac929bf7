# The layout rules of docs/design.md ("Layout and dependencies"), checked by
# scripts/check_layout.py: folders include only from the folders below them, no include cycle
# between files or folders, no hand-written file much over 1,200 lines, and no call cycle between
# the object files of any library built from the tree. The libraries are collected once every
# directory has been read, so a new library is checked without being named here.
find_program(LAYOUT_PYTHON python3)

function(_layout_static_libraries dir out)
  get_property(_targets DIRECTORY ${dir} PROPERTY BUILDSYSTEM_TARGETS)
  set(_libs)
  foreach(_t IN LISTS _targets)
    get_target_property(_type ${_t} TYPE)
    if(NOT _type STREQUAL "STATIC_LIBRARY")
      continue()
    endif()
    # Libraries of generated code only (the catalogs' bindings) are not hand-written layout.
    get_target_property(_sources ${_t} SOURCES)
    set(_written FALSE)
    foreach(_s IN LISTS _sources)
      if(NOT _s MATCHES "^${CMAKE_BINARY_DIR}/")
        set(_written TRUE)
      endif()
    endforeach()
    if(NOT _written)
      continue()
    endif()
    list(APPEND _libs $<TARGET_FILE:${_t}>)
  endforeach()
  get_property(_subdirs DIRECTORY ${dir} PROPERTY SUBDIRECTORIES)
  foreach(_sub IN LISTS _subdirs)
    _layout_static_libraries(${_sub} _more)
    list(APPEND _libs ${_more})
  endforeach()
  set(${out} ${_libs} PARENT_SCOPE)
endfunction()

function(_layout_add_test)
  if(NOT LAYOUT_PYTHON)
    add_test(NAME layout.check
             COMMAND sh -c "echo 'SKIPPED: python3 not found; run scripts/setup.sh'; exit 77")
    set_tests_properties(layout.check PROPERTIES LABELS "layout" SKIP_RETURN_CODE 77)
    return()
  endif()
  _layout_static_libraries(${CMAKE_SOURCE_DIR} _libs)
  set(_nm nm)
  if(CMAKE_NM)
    set(_nm ${CMAKE_NM})
  endif()
  add_test(NAME layout.check
           COMMAND ${LAYOUT_PYTHON} ${CMAKE_SOURCE_DIR}/scripts/check_layout.py --root
                   ${CMAKE_SOURCE_DIR} --nm ${_nm} --archives ${_libs})
  set_tests_properties(layout.check PROPERTIES LABELS "layout" TIMEOUT 60)
endfunction()

cmake_language(DEFER DIRECTORY ${CMAKE_SOURCE_DIR} CALL _layout_add_test)
