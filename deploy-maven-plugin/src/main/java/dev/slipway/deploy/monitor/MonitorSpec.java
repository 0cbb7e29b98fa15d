package dev.slipway.deploy.monitor;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How MONITOR watches a deployment after SMOKE: for {@code window}, every {@code interval}, it asks CloudWatch for
 * the {@code queries} since the monitor started and sums the ids in {@code errorIds} and {@code requestIds}; an error
 * rate (errors / requests, in percent) above {@code thresholdPercent} rolls back, as does any of {@code alarms} in
 * ALARM. With fewer than {@code minRequests} requests the rate is not judged, and the report says so.
 *
 * @param loadBalancer the LoadBalancer dimension ({@code app/name/id}); null: the service's target group's
 * @param targetGroup the TargetGroup dimension ({@code targetgroup/name/id}); null: the service's
 */
public record MonitorSpec(Duration window, Duration interval, double thresholdPercent, long minRequests,
    String loadBalancer, String targetGroup, List<MetricQuery> queries, List<String> errorIds,
    List<String> requestIds, List<String> alarms) {

  public static final Duration PRODUCTION_WINDOW = Duration.ofMinutes(5);
  public static final Duration DEFAULT_INTERVAL = Duration.ofMinutes(1);
  public static final double DEFAULT_THRESHOLD = 1.0;
  public static final long DEFAULT_MIN_REQUESTS = 100;

  public MonitorSpec {
    if (window == null || window.isNegative()) {
      throw new IllegalArgumentException("<monitor><window> must not be negative");
    }
    interval = interval == null ? DEFAULT_INTERVAL : interval;
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException("<monitor><interval> must be longer than zero");
    }
    queries = queries == null || queries.isEmpty() ? defaultQueries() : List.copyOf(queries);
    errorIds = errorIds == null || errorIds.isEmpty() ? List.of("e5xx", "elb5xx") : List.copyOf(errorIds);
    requestIds = requestIds == null || requestIds.isEmpty() ? List.of("requests") : List.copyOf(requestIds);
    alarms = alarms == null ? List.of() : List.copyOf(alarms);
  }

  /** Whether there is anything to watch: a window, or alarms to look at (then for the window's length). */
  public boolean enabled() {
    return !window.isZero();
  }

  /**
   * The ALB's target 5xx and request counts for the service's target group, and the load balancer's own 5xx, each
   * summed per minute: what the old pipeline watched.
   */
  public static List<MetricQuery> defaultQueries() {
    Map<String, String> tg = new java.util.LinkedHashMap<>();
    tg.put("LoadBalancer", "{loadBalancer}");
    tg.put("TargetGroup", "{targetGroup}");
    return List.of(
        MetricQuery.metric("e5xx", "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", tg),
        MetricQuery.metric("elb5xx", "AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count",
            Map.of("LoadBalancer", "{loadBalancer}")),
        MetricQuery.metric("requests", "AWS/ApplicationELB", "RequestCount", tg));
  }
}
