package dev.slipway.deploy.monitor;

import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataRequest;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.ScanBy;

/** {@link CloudWatch} on the SDK's CloudWatch client (Smithy RPC v2 CBOR on the wire), paging through the results. */
public final class AwsCloudWatch implements CloudWatch {
  private final CloudWatchClient client;

  public AwsCloudWatch(CloudWatchClient client) {
    this.client = client;
  }

  @Override
  public Map<String, List<Datapoint>> metricData(List<MetricQuery> queries, Instant start, Instant end)
      throws AwsException {
    List<MetricDataQuery> sdk = new ArrayList<>();
    for (MetricQuery q : queries) {
      MetricDataQuery.Builder b = MetricDataQuery.builder().id(q.id()).returnData(q.returnData());
      if (q.label() != null) {
        b.label(q.label());
      }
      if (q.isExpression()) {
        b.expression(q.expression()).period(q.period());
      } else {
        List<Dimension> dims = new ArrayList<>();
        q.dimensions().forEach((k, v) -> dims.add(Dimension.builder().name(k).value(v).build()));
        b.metricStat(s -> s.stat(q.stat()).period(q.period())
            .metric(m -> m.namespace(q.namespace()).metricName(q.metricName()).dimensions(dims)));
      }
      sdk.add(b.build());
    }
    Map<String, List<Datapoint>> out = new LinkedHashMap<>();
    String token = null;
    do {
      GetMetricDataRequest.Builder req = GetMetricDataRequest.builder().metricDataQueries(sdk).startTime(start)
          .endTime(end).scanBy(ScanBy.TIMESTAMP_ASCENDING);
      if (token != null) {
        req.nextToken(token);
      }
      GetMetricDataRequest request = req.build();
      var r = call("CloudWatch GetMetricData", () -> client.getMetricData(request));
      for (var result : r.metricDataResults()) {
        List<Datapoint> points = out.computeIfAbsent(result.id(), k -> new ArrayList<>());
        for (int i = 0; i < result.timestamps().size() && i < result.values().size(); i++) {
          points.add(new Datapoint(result.timestamps().get(i), result.values().get(i)));
        }
      }
      token = r.nextToken();
    } while (token != null);
    out.values().forEach(p -> p.sort(Comparator.comparing(Datapoint::timestamp)));
    return out;
  }

  @Override
  public List<Alarm> alarms(List<String> names) throws AwsException {
    if (names.isEmpty()) {
      return List.of();
    }
    var r = call("CloudWatch DescribeAlarms", () -> client.describeAlarms(b -> b.alarmNames(names)));
    List<Alarm> out = new ArrayList<>();
    r.metricAlarms().forEach(a -> out.add(new Alarm(a.alarmName(), a.stateValueAsString(), a.stateReason(),
        a.stateUpdatedTimestamp())));
    r.compositeAlarms().forEach(a -> out.add(new Alarm(a.alarmName(), a.stateValueAsString(), a.stateReason(),
        a.stateUpdatedTimestamp())));
    return out;
  }

  private static <T> T call(String what, Supplier<T> action) throws AwsException {
    try {
      return action.get();
    } catch (AwsServiceException e) {
      String code = e.awsErrorDetails() == null ? "Unknown" : e.awsErrorDetails().errorCode();
      String message = e.awsErrorDetails() == null ? e.getMessage() : e.awsErrorDetails().errorMessage();
      throw new AwsException(code, what + " failed: " + code + ": " + message + " (HTTP " + e.statusCode() + ")", e);
    } catch (SdkException e) {
      throw new AwsException("ClientError", what + " failed: " + e.getMessage(), e);
    }
  }
}
