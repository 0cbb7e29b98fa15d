package dev.slipway.deploy.mojo;

import dev.slipway.deploy.pipeline.EnvironmentFactory;
import java.util.ArrayList;
import java.util.List;

/** {@code <monitor>} of an environment: CloudWatch after SMOKE. */
public class Monitor {
  /** How long to watch, e.g. 5m; default 5m in production, 0 (none) elsewhere. */
  String window;
  /** How often to poll CloudWatch (default 1m). */
  String interval;
  /** Highest acceptable error rate in percent (default 1.0). */
  Double errorRateThreshold;
  /** Requests needed before the rate is judged (default 100); below it the report says NOT JUDGED. */
  Long minRequests;
  /** LoadBalancer dimension (app/name/id); default: the load balancer of the service's target group. */
  String loadBalancer;
  /** TargetGroup dimension (targetgroup/name/id); default: the service's target group. */
  String targetGroup;
  /** Metric queries and expressions; default: the ALB's target 5xx, ELB 5xx and request counts. */
  List<Query> queries = new ArrayList<>();
  /** Comma-separated query ids whose values are errors (default e5xx,elb5xx). */
  String errors;
  /** Comma-separated query ids whose values are requests (default requests). */
  String requests;
  /** CloudWatch alarms that roll the deployment back when in ALARM during the window. */
  List<String> alarms = new ArrayList<>();

  EnvironmentFactory.MonitorInput toInput() {
    List<EnvironmentFactory.QueryInput> q = new ArrayList<>();
    for (Query query : queries) {
      q.add(new EnvironmentFactory.QueryInput(query.id, query.expression, query.namespace, query.metricName,
          query.dimensions, query.stat, query.period, query.label, query.returnData));
    }
    return new EnvironmentFactory.MonitorInput(window, interval, errorRateThreshold, minRequests, loadBalancer,
        targetGroup, q, errors, requests, alarms);
  }

  /** {@code <query>}: a metric or an expression, as in CloudWatch's GetMetricData. */
  public static class Query {
    /** Id, lower-case first letter (e.g. e5xx). */
    String id;
    /** Metric math over other ids, e.g. {@code FILL(e5xx,0)+FILL(elb5xx,0)}. */
    String expression;
    String namespace;
    String metricName;
    /** Dimension name to value; {loadBalancer} and {targetGroup} are filled in from the service. */
    java.util.Map<String, String> dimensions = new java.util.LinkedHashMap<>();
    /** Sum (default), Average, Maximum, Minimum, SampleCount. */
    String stat;
    /** Seconds, a multiple of 60 (default 60). */
    Integer period;
    String label;
    Boolean returnData;
  }
}
