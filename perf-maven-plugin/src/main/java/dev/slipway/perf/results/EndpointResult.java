package dev.slipway.perf.results;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The result of one endpoint (HTTP request name) or one benchmark. {@code requests} counts every completed or
 * failed request in the measured window (warm-up excluded), {@code errors} the failed ones by cause;
 * {@code throughput} is requests per second over the measured window. For JMH benchmarks the HTTP fields are zero or
 * absent and the score lives in {@link #metrics()}. {@code statusCodes} counts the responses by HTTP status (all of
 * them, expected or not), when the source knows them.
 */
public record EndpointResult(
    String name,
    long requests,
    Errors errors,
    Double throughput,
    Latency latency,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Metric> metrics,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, Long> statusCodes) {

  /** Names of the standard measurements {@link #allMetrics()} derives from the HTTP fields. */
  public static final String THROUGHPUT = "throughput";
  public static final String ERROR_RATE = "errorRate";
  public static final String P50 = "latency.p50";
  public static final String P90 = "latency.p90";
  public static final String P99 = "latency.p99";
  public static final String P999 = "latency.p999";
  public static final String MAX = "latency.max";
  public static final String MEAN = "latency.mean";

  public EndpointResult {
    errors = errors == null ? Errors.NONE : errors;
    metrics = metrics == null ? Map.of() : Map.copyOf(new LinkedHashMap<>(metrics));
    statusCodes = statusCodes == null ? Map.of()
        : java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(statusCodes));
  }

  /** An endpoint without status counts. */
  public EndpointResult(String name, long requests, Errors errors, Double throughput, Latency latency,
      Map<String, Metric> metrics) {
    this(name, requests, errors, throughput, latency, metrics, null);
  }

  /**
   * Every measurement of this endpoint under one naming scheme, for a regression gate that compares like with
   * like: the standard HTTP ones (throughput req/s, error rate, latency percentiles in ms) when present, then the
   * tool-specific {@link #metrics()} (which win on a name clash).
   */
  @JsonIgnore
  public Map<String, Metric> allMetrics() {
    Map<String, Metric> all = new LinkedHashMap<>();
    if (throughput != null) {
      all.put(THROUGHPUT, new Metric(throughput, "req/s", true));
    }
    if (requests > 0) {
      all.put(ERROR_RATE, new Metric((double) errors.total() / requests, "ratio", false));
    }
    if (latency != null) {
      put(all, P50, latency.p50());
      put(all, P90, latency.p90());
      put(all, P99, latency.p99());
      put(all, P999, latency.p999());
      put(all, MAX, latency.max());
      put(all, MEAN, latency.mean());
    }
    all.putAll(metrics);
    return all;
  }

  private static void put(Map<String, Metric> all, String name, Double ms) {
    if (ms != null) {
      all.put(name, new Metric(ms, "ms", false));
    }
  }
}
