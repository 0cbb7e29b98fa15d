package dev.slipway.perf.memory;

/**
 * One periodic reading, whatever the collector is doing: drawn as the saw-tooth behind the post-GC samples.
 *
 * @param t seconds since the load started
 * @param heapUsedBytes heap in use at that moment (live and garbage)
 * @param heapCommittedBytes heap the JVM has reserved from the OS
 * @param rssBytes resident set size of the process, when it can be read (a local process); else {@code null}
 */
public record MemoryPoint(double t, long heapUsedBytes, long heapCommittedBytes, Long rssBytes) {}
