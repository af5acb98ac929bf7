/* Reading callgrind's dumps: both benchmarks count the instructions of a measured loop by
 * dumping callgrind's counters around it (scripts/bench.sh --instructions). */
#ifndef EVENTC_BENCH_CALLGRIND_DUMP_H
#define EVENTC_BENCH_CALLGRIND_DUMP_H

/** The total of callgrind's dump number @p n ("<base>.<n>"), or -1 when it cannot be read. */
double bench_callgrind_total(const char *base, unsigned n);

#endif
