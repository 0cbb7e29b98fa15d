package dev.slipway.deploy.monitor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One CloudWatch metric data query: either a metric (namespace, name, dimensions, statistic, period) or a metric-math
 * expression over other queries' ids. Dimension values may name {@code {loadBalancer}} and {@code {targetGroup}},
 * which MONITOR replaces with the service's own load balancer and target group.
 */
public record MetricQuery(String id, String expression, String namespace, String metricName,
    Map<String, String> dimensions, String stat, int period, String label, boolean returnData) {

  public MetricQuery {
    dimensions = dimensions == null ? Map.of() : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
    stat = stat == null || stat.isBlank() ? "Sum" : stat;
    period = period <= 0 ? 60 : period;
  }

  public static MetricQuery metric(String id, String namespace, String name, Map<String, String> dimensions) {
    return new MetricQuery(id, null, namespace, name, dimensions, "Sum", 60, null, true);
  }

  public boolean isExpression() {
    return expression != null && !expression.isBlank();
  }

  /** This query with {@code {loadBalancer}} and {@code {targetGroup}} in dimension values replaced. */
  public MetricQuery resolve(String loadBalancer, String targetGroup) {
    Map<String, String> dims = new LinkedHashMap<>();
    dimensions.forEach((k, v) -> dims.put(k, v.replace("{loadBalancer}", String.valueOf(loadBalancer))
        .replace("{targetGroup}", String.valueOf(targetGroup))));
    return new MetricQuery(id, expression, namespace, metricName, dims, stat, period, label, returnData);
  }

  /** Whether a dimension value still names a placeholder. */
  public boolean needsLoadBalancer() {
    return dimensions.values().stream().anyMatch(v -> v.contains("{loadBalancer}") || v.contains("{targetGroup}"));
  }
}
