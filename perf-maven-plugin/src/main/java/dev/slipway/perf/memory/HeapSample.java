package dev.slipway.perf.memory;

/**
 * Heap in use right after a full (old-generation) collection: the live set plus whatever was in flight.
 *
 * @param t seconds since the load started
 * @param heapBytes heap in use after the collection (all heap pools)
 * @param collector the collector's name, e.g. {@code G1 Old Generation}
 * @param cause why it ran, e.g. {@code System.gc()} for the samples perf:memory asks for
 */
public record HeapSample(double t, long heapBytes, String collector, String cause) {
  public double mb() {
    return heapBytes / (1024.0 * 1024.0);
  }
}
