# Writes the seeds of fuzz_catalog: every single-file catalog of the project (no `include:`), with
# its `examples:` lines removed, since a catalog read from memory names no example file.
#   cmake -DSOURCE_DIR=<repo> -DOUT=<dir> -P seed_catalogs.cmake
file(MAKE_DIRECTORY ${OUT})
file(GLOB _catalogs ${SOURCE_DIR}/tests/golden/*/catalog.yaml ${SOURCE_DIR}/docs/examples/*.yaml
     ${SOURCE_DIR}/examples/*/*.yaml)
foreach(_c IN LISTS _catalogs)
  file(READ ${_c} _text)
  if(_text MATCHES "\ninclude:")
    continue()
  endif()
  string(REGEX REPLACE "\n *examples:[^\n]*" "" _text "${_text}")
  file(RELATIVE_PATH _rel ${SOURCE_DIR} ${_c})
  string(MAKE_C_IDENTIFIER "${_rel}" _name)
  file(WRITE ${OUT}/${_name}.yaml "${_text}")
endforeach()
