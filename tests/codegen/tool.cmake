# Which program runs `eventc generate` and `eventc model` in the tests: the eventc binary once
# generator/cli/main.c dispatches those commands, else a small driver of the same functions.
# Sets EVENTC_GEN_TOOL (a generator expression) and EVENTC_GEN_TOOL_TARGET.
set(_eventc_main ${PROJECT_SOURCE_DIR}/generator/cli/main.c)
set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS ${_eventc_main})
file(READ ${_eventc_main} _eventc_main_text)
string(FIND "${_eventc_main_text}" "gen_cmd_generate" _eventc_wired)
if(_eventc_wired GREATER -1)
  set(EVENTC_GEN_TOOL_TARGET eventc)
else()
  if(NOT TARGET eventc_gen_driver)
    add_executable(eventc_gen_driver ${CMAKE_CURRENT_LIST_DIR}/driver.c)
    target_link_libraries(eventc_gen_driver PRIVATE eventc_gen)
    target_compile_options(eventc_gen_driver PRIVATE ${EVENTC_WARNINGS})
    set_target_properties(eventc_gen_driver PROPERTIES RUNTIME_OUTPUT_DIRECTORY
                                                       ${CMAKE_BINARY_DIR}/tests)
  endif()
  set(EVENTC_GEN_TOOL_TARGET eventc_gen_driver)
endif()
set(EVENTC_GEN_TOOL $<TARGET_FILE:${EVENTC_GEN_TOOL_TARGET}>)
