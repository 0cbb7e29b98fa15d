package dev.slipway.perf.results;

/**
 * Latency summary in milliseconds. Fields are {@code null} when the source did not report them (e.g. Artillery v1
 * has no p90, Gatling's default percentiles are 50/75/95/99); Slipway's own runs fill every field.
 */
public record Latency(Double p50, Double p90, Double p99, Double p999, Double max, Double mean) {}
