package dev.slipway.perf.results;

/**
 * How load was offered. Only {@link #OPEN} latencies are free of coordinated omission: requests were due at fixed
 * times whatever the server did. {@link #CLOSED} numbers come from N connections sending as fast as responses return,
 * so a stalled server also stalls the measurement. Ingested results whose tool does not say are {@link #UNKNOWN}.
 */
public enum WorkloadModel {
  OPEN,
  CLOSED,
  UNKNOWN
}
