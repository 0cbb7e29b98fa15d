package dev.slipway.ecssim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * CloudWatch as the scenario scripts it: metrics whose datapoints appear minute by minute and alarms whose state
 * changes at given seconds, both counted from the simulator's start or from the first deployment of a newly
 * registered revision. Only datapoints up to the clock's present exist, so a monitor polling every minute sees the
 * window fill up. Answers GetMetricData (metric stats and {@link MetricMath} expressions) and DescribeAlarms as plain
 * JSON trees; {@link CloudWatchApi} puts them on the wire. Called under the simulator's lock.
 */
final class CloudWatchModel {
  private final Scenario scenario;
  private final SimClock clock;
  private final long startMillis;
  private Long deploymentMillis;

  CloudWatchModel(Scenario scenario, SimClock clock) {
    this.scenario = scenario;
    this.clock = clock;
    this.startMillis = clock.nowMillis();
  }

  /** The first deployment of a newly registered revision started: DEPLOYMENT-anchored timelines begin. */
  void deploymentStarted(long atMillis) {
    if (deploymentMillis == null) {
      deploymentMillis = atMillis;
    }
  }

  private Long anchor(Scenario.Anchor a) {
    return a == Scenario.Anchor.START ? Long.valueOf(startMillis) : deploymentMillis;
  }

  // ------------------------------------------------------------------ alarms

  /** The alarm's state at {@code atMillis}: its initial state, then each change that happened by then. */
  String alarmState(Scenario.Alarm alarm, long atMillis) {
    return latestChange(alarm, atMillis).map(c -> c.state).orElse(alarm.initialState);
  }

  /** Whether alarm {@code name} exists and is in ALARM at {@code atMillis}. */
  boolean inAlarm(String name, long atMillis) {
    return scenario.alarms.stream().anyMatch(a -> a.name.equals(name) && "ALARM".equals(alarmState(a, atMillis)));
  }

  private java.util.Optional<Scenario.AlarmChange> latestChange(Scenario.Alarm alarm, long atMillis) {
    Long anchor = anchor(alarm.anchor);
    if (anchor == null) {
      return java.util.Optional.empty();
    }
    return alarm.changes.stream().filter(c -> anchor + c.at * 1000L <= atMillis)
        .max(Comparator.comparingInt(c -> c.at));
  }

  ObjectNode describeAlarms(JsonNode req) {
    long now = clock.nowMillis();
    List<String> names = new ArrayList<>();
    req.path("AlarmNames").forEach(n -> names.add(n.asText()));
    String stateFilter = req.path("StateValue").asText(null);
    ObjectNode out = EcsModel.JSON.createObjectNode();
    ArrayNode alarms = out.putArray("MetricAlarms");
    for (Scenario.Alarm a : scenario.alarms) {
      String state = alarmState(a, now);
      if ((!names.isEmpty() && !names.contains(a.name)) || (stateFilter != null && !stateFilter.equals(state))) {
        continue;
      }
      var change = latestChange(a, now);
      long updated = change.map(c -> anchor(a.anchor) + c.at * 1000L).orElse(startMillis);
      ObjectNode o = alarms.addObject();
      o.put("AlarmName", a.name);
      o.put("AlarmArn", "arn:aws:cloudwatch:" + scenario.region + ":" + scenario.account + ":alarm:" + a.name);
      o.put("ActionsEnabled", true);
      o.put("StateValue", state);
      o.put("StateReason", change.map(c -> c.reason).orElse("Scenario start: " + a.initialState));
      o.put("StateUpdatedTimestamp", updated / 1000.0);
      o.put("StateTransitionedTimestamp", updated / 1000.0);
      o.put("AlarmConfigurationUpdatedTimestamp", startMillis / 1000.0);
      o.put("MetricName", a.metricName);
      o.put("Namespace", a.namespace);
      o.put("Statistic", "Sum");
      o.put("Period", 60);
      o.put("EvaluationPeriods", 1);
      o.put("Threshold", 1.0);
      o.put("ComparisonOperator", "GreaterThanOrEqualToThreshold");
    }
    out.putArray("CompositeAlarms");
    return out;
  }

  // ------------------------------------------------------------------ metrics

  /** Datapoints of the series matching namespace, name and exactly these dimensions, up to now: epoch s -> value. */
  private Map<Long, Double> datapoints(String namespace, String name, Map<String, String> dims, long fromMillis,
      long toMillis) {
    Map<Long, Double> out = new TreeMap<>();
    long now = clock.nowMillis();
    for (Scenario.MetricSeries s : scenario.metrics) {
      Long anchor = anchor(s.anchor);
      if (anchor == null || !s.namespace.equals(namespace) || !s.metricName.equals(name)
          || !s.dimensions.equals(dims)) {
        continue;
      }
      for (Scenario.Segment seg : s.points) {
        for (long sec = seg.from - Math.floorMod(seg.from, 60); sec < seg.to; sec += 60) {
          if (sec < seg.from) {
            continue;
          }
          long t = anchor + sec * 1000L;
          if (t >= fromMillis && t < toMillis && t <= now) {
            out.merge(t / 1000, seg.value, Double::sum);
          }
        }
      }
    }
    return out;
  }

  ObjectNode getMetricData(JsonNode req) {
    long start = Math.round(req.path("StartTime").asDouble() * 1000);
    long end = Math.round(req.path("EndTime").asDouble() * 1000);
    if (!req.has("StartTime") || !req.has("EndTime") || end <= start) {
      throw AwsError.client("InvalidParameterValue", "StartTime and EndTime are required and EndTime must be after "
          + "StartTime.");
    }
    JsonNode queries = req.path("MetricDataQueries");
    if (!queries.isArray() || queries.isEmpty()) {
      throw AwsError.client("InvalidParameterValue", "MetricDataQueries must contain at least one query.");
    }
    Map<String, Map<Long, Double>> byId = new LinkedHashMap<>();
    Map<String, JsonNode> expressions = new LinkedHashMap<>();
    for (JsonNode q : queries) {
      String id = q.path("Id").asText("");
      if (!id.matches("[a-z][A-Za-z0-9_]*")) {
        throw AwsError.client("InvalidParameterValue", "The Id '" + id + "' must start with a lowercase letter and "
            + "contain only letters, numbers and underscores.");
      }
      if (q.has("MetricStat")) {
        JsonNode stat = q.get("MetricStat");
        JsonNode metric = stat.path("Metric");
        Map<String, String> dims = new LinkedHashMap<>();
        metric.path("Dimensions").forEach(d -> dims.put(d.path("Name").asText(), d.path("Value").asText()));
        int period = stat.path("Period").asInt(60);
        byId.put(id, aggregate(datapoints(metric.path("Namespace").asText(), metric.path("MetricName").asText(), dims,
            start, end), period, stat.path("Stat").asText("Sum")));
      } else if (q.has("Expression")) {
        expressions.put(id, q);
      } else {
        throw AwsError.client("InvalidParameterValue", "Query " + id + " needs MetricStat or Expression.");
      }
    }
    // expressions may name each other: evaluate in passes until all are done
    while (!expressions.isEmpty()) {
      boolean progress = false;
      for (var it = expressions.entrySet().iterator(); it.hasNext(); ) {
        var e = it.next();
        String expression = e.getValue().path("Expression").asText();
        if (byId.keySet().containsAll(MetricMath.ids(expression))) {
          byId.put(e.getKey(), MetricMath.evaluate(expression, byId));
          it.remove();
          progress = true;
        }
      }
      if (!progress) {
        Map<String, java.util.Set<String>> unknown = new LinkedHashMap<>();
        expressions.forEach((id, q) -> {
          var names = new java.util.TreeSet<>(MetricMath.ids(q.path("Expression").asText()));
          names.removeAll(byId.keySet());
          names.removeAll(expressions.keySet());
          unknown.put(id, names);
        });
        throw AwsError.client("InvalidParameterValue", "Expressions name unknown ids or each other in a circle: "
            + unknown);
      }
    }
    boolean ascending = "TimestampAscending".equals(req.path("ScanBy").asText());
    ObjectNode out = EcsModel.JSON.createObjectNode();
    ArrayNode results = out.putArray("MetricDataResults");
    for (JsonNode q : queries) {
      if (!q.path("ReturnData").asBoolean(true)) {
        continue;
      }
      String id = q.path("Id").asText();
      List<Map.Entry<Long, Double>> points = new ArrayList<>(byId.get(id).entrySet());
      if (!ascending) {
        java.util.Collections.reverse(points);
      }
      ObjectNode r = results.addObject();
      r.put("Id", id);
      r.put("Label", q.path("Label").asText(id));
      ArrayNode ts = r.putArray("Timestamps");
      ArrayNode vs = r.putArray("Values");
      for (var p : points) {
        ts.add((double) p.getKey());
        vs.add(p.getValue());
      }
      r.put("StatusCode", "Complete");
    }
    out.putArray("Messages");
    return out;
  }

  /** Buckets datapoints into periods aligned to the epoch and applies the statistic. */
  private static Map<Long, Double> aggregate(Map<Long, Double> points, int period, String stat) {
    if (period <= 0 || period % 60 != 0 && period > 60) {
      throw AwsError.client("InvalidParameterValue", "The parameter Period must be a multiple of 60.");
    }
    Map<Long, List<Double>> buckets = new TreeMap<>();
    points.forEach((t, v) -> buckets.computeIfAbsent(t - Math.floorMod(t, period), k -> new ArrayList<>()).add(v));
    Map<Long, Double> out = new TreeMap<>();
    buckets.forEach((t, vs) -> out.put(t, switch (stat) {
      case "Sum" -> vs.stream().mapToDouble(Double::doubleValue).sum();
      case "Average" -> vs.stream().mapToDouble(Double::doubleValue).average().orElse(0);
      case "Maximum" -> vs.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      case "Minimum" -> vs.stream().mapToDouble(Double::doubleValue).min().orElse(0);
      case "SampleCount" -> (double) vs.size();
      default -> throw AwsError.client("InvalidParameterValue", "The simulator does not compute statistic " + stat);
    }));
    return out;
  }
}
