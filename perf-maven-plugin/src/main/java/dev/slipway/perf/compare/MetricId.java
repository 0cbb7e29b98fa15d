package dev.slipway.perf.compare;

/** One measurement of one endpoint or benchmark, e.g. {@code GET /orders} + {@code latency.p99}. */
public record MetricId(String endpoint, String metric) implements Comparable<MetricId> {
  @Override
  public String toString() {
    return endpoint + " / " + metric;
  }

  @Override
  public int compareTo(MetricId o) {
    int c = endpoint.compareTo(o.endpoint);
    return c != 0 ? c : metric.compareTo(o.metric);
  }
}
