# eventc_store_bench: the event store and outbox against bare INSERTs, and the relay
# (bench/store_bench.c; docs/benchmarks.md, "Event store"). Built with the store.
if(TARGET eventc_store AND TARGET messaging_events_c)
  add_executable(eventc_store_bench ${CMAKE_CURRENT_SOURCE_DIR}/store_bench.c)
  target_link_libraries(eventc_store_bench PRIVATE eventc_store messaging_events_c)
  target_compile_options(eventc_store_bench PRIVATE ${EVENTC_WARNINGS})
endif()
