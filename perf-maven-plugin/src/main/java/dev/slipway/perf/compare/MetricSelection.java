package dev.slipway.perf.compare;

import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.stats.Direction;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Which measurements the gate compares and which way each is better.
 *
 * <p>The selected metrics are the ones the gate decides on, and they form the Holm family: by default throughput,
 * error rate, latency p50 and p99, and a benchmark's primary {@code score} (JMH). Everything else a tool reports
 * (p90, p95, p99.9, max, JMH secondary metrics, the generator's own send lag) is left out, so that extras neither
 * dilute the correction nor fail a build nobody asked them to gate. {@code include} patterns (globs on the metric
 * name, or on {@code endpoint/metric}) replace that default; {@code *} takes everything.
 * Direction overrides map a glob to {@code higher} or {@code lower}, else the result's own direction is used.
 */
public record MetricSelection(List<String> include, Map<String, Direction> directions) {

  /** The default gated metrics. */
  public static final List<String> DEFAULT = List.of(EndpointResult.THROUGHPUT, EndpointResult.ERROR_RATE,
      EndpointResult.P50, EndpointResult.P99, "score");

  public MetricSelection {
    include = List.copyOf(include);
    directions = Map.copyOf(new LinkedHashMap<>(directions));
  }

  public static MetricSelection defaults() {
    return new MetricSelection(List.of(), Map.of());
  }

  /**
   * Parses the user's settings: {@code metrics} a comma-separated list of globs (blank = default set), and
   * {@code directions} comma-separated {@code glob=higher|lower} pairs. Throws {@link IllegalArgumentException}
   * naming the property and the accepted form.
   */
  public static MetricSelection parse(String metrics, String directions) {
    List<String> include = new ArrayList<>();
    if (metrics != null) {
      for (String s : metrics.split(",")) {
        if (!s.isBlank()) {
          include.add(s.strip());
        }
      }
    }
    Map<String, Direction> dirs = new LinkedHashMap<>();
    if (directions != null) {
      for (String pair : directions.split(",")) {
        if (pair.isBlank()) {
          continue;
        }
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new IllegalArgumentException("perf.directions: '" + pair.strip() + "' is not of the form "
              + "<metric glob>=higher|lower, e.g. latency.*=lower,score=higher");
        }
        try {
          dirs.put(pair.substring(0, eq).strip(), Direction.parse(pair.substring(eq + 1)));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("perf.directions: " + e.getMessage(), e);
        }
      }
    }
    return new MetricSelection(include, dirs);
  }

  /** Whether {@code metric} of {@code endpoint} is compared. */
  public boolean includes(String endpoint, String metric) {
    if (include.isEmpty()) {
      return DEFAULT.contains(metric);
    }
    for (String glob : include) {
      if (matches(glob, endpoint, metric)) {
        return true;
      }
    }
    return false;
  }

  /** The direction of {@code metric}: the first matching override, else what the result says. */
  public Direction direction(String endpoint, String metric, boolean higherIsBetter) {
    for (Map.Entry<String, Direction> e : directions.entrySet()) {
      if (matches(e.getKey(), endpoint, metric)) {
        return e.getValue();
      }
    }
    return higherIsBetter ? Direction.HIGHER_IS_BETTER : Direction.LOWER_IS_BETTER;
  }

  /** Whether {@code glob} matches {@code metric} or {@code endpoint/metric}. */
  public static boolean matches(String glob, String endpoint, String metric) {
    Pattern p = glob(glob);
    return p.matcher(metric).matches() || p.matcher(endpoint + "/" + metric).matches();
  }

  /** Whether {@code glob} matches the whole of {@code name} (e.g. an endpoint). */
  public static boolean matchesName(String glob, String name) {
    return glob(glob).matcher(name).matches();
  }

  private static Pattern glob(String glob) {
    StringBuilder re = new StringBuilder();
    for (char c : glob.toCharArray()) {
      switch (c) {
        case '*' -> re.append(".*");
        case '?' -> re.append('.');
        default -> re.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(re.toString());
  }
}
