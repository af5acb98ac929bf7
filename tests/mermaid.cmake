# Mermaid diagrams rendered by the real mermaid package in headless Chromium (see
# docs/testing-diagrams.md). The fixtures check the checker: the valid ones must render, the
# invalid ones must fail with the errors annotated in them. Other suites add their own Markdown
# with eventc_add_mermaid_test() from tests/mermaid/EventcMermaid.cmake.
include(${CMAKE_CURRENT_LIST_DIR}/mermaid/EventcMermaid.cmake)

eventc_add_mermaid_test(NAME referee.mermaid_samples
                        FILES_OR_DIR mermaid/fixtures/valid
                        PNG_DIR mermaid-png)
# The pictures of the first diagram of each sample, for a look by eye (and CDash).
set(_mermaid_png ${CMAKE_CURRENT_BINARY_DIR}/mermaid-png)
set_tests_properties(referee.mermaid_samples PROPERTIES
  ATTACHED_FILES "${_mermaid_png}/conversation.png;${_mermaid_png}/lifecycles.png")

eventc_add_mermaid_test(NAME referee.mermaid_negative
                        FILES_OR_DIR mermaid/fixtures/invalid
                        EXPECT_ERRORS)
