package dev.slipway.deploy.monitor;

import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What MONITOR needs from CloudWatch, in Slipway's own types: metric data for a set of queries over a window, and
 * the state of named alarms. One implementation talks to AWS through the SDK ({@link AwsCloudWatch}).
 */
public interface CloudWatch {

  /** GetMetricData: the datapoints of every query that returns data, by query id, oldest first. */
  Map<String, List<Datapoint>> metricData(List<MetricQuery> queries, Instant start, Instant end) throws AwsException;

  /** DescribeAlarms: the named alarms that exist (missing names are simply absent). */
  List<Alarm> alarms(List<String> names) throws AwsException;

  record Datapoint(Instant timestamp, double value) {}

  /** An alarm's state: OK, ALARM or INSUFFICIENT_DATA. */
  record Alarm(String name, String state, String reason, Instant updatedAt) {}
}
