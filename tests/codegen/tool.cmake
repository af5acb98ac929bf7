# The program the golden and code generation tests run: the eventc binary of this build.
# Sets EVENTC_GEN_TOOL (a generator expression) and EVENTC_GEN_TOOL_TARGET.
set(EVENTC_GEN_TOOL_TARGET eventc)
set(EVENTC_GEN_TOOL $<TARGET_FILE:eventc>)
