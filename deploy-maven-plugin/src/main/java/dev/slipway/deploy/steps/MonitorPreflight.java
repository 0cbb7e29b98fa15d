package dev.slipway.deploy.steps;

import dev.slipway.common.InvalidInputException;
import dev.slipway.deploy.ecs.EcsGateway;
import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.monitor.CloudWatch;
import dev.slipway.deploy.monitor.MetricQuery;
import dev.slipway.deploy.monitor.MonitorSpec;
import dev.slipway.deploy.pipeline.DeployContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * PREFLIGHT for MONITOR, before anything changes: fills in the service's load balancer and target group where the
 * queries name {@code {loadBalancer}} / {@code {targetGroup}}, runs the queries once over the last minutes (so a
 * query CloudWatch rejects fails now, not after the rollout), and checks that every named alarm exists.
 */
final class MonitorPreflight {
  private MonitorPreflight() {}

  /** Returns the permissions found missing; configuration that cannot work is an {@link InvalidInputException}. */
  static List<Permissions.Missing> check(DeployContext ctx) throws InvalidInputException, AwsException {
    MonitorSpec spec = ctx.env.monitor();
    String where = "environment " + ctx.env.name() + " <monitor>";
    if (ctx.cloudWatch == null) {
      throw new InvalidInputException(where + ": this deployment has no CloudWatch client");
    }
    String lb = spec.loadBalancer();
    String tg = spec.targetGroup();
    if (spec.queries().stream().anyMatch(MetricQuery::needsLoadBalancer) && (lb == null || tg == null)) {
      EcsGateway.LoadBalancerView view = ctx.service.loadBalancers().stream()
          .filter(l -> l.targetGroupArn() != null).findFirst().orElse(null);
      if (view == null) {
        throw new InvalidInputException(where + ": the queries name {loadBalancer}/{targetGroup} but service "
            + ctx.env.service() + " has no target group; set <loadBalancer> and <targetGroup>, or your own <queries>");
      }
      if (tg == null) {
        tg = dimension(view.targetGroupArn(), "targetgroup/");
      }
      if (lb == null) {
        List<String> lbs = ctx.gateway.loadBalancersOf(view.targetGroupArn());
        if (lbs.isEmpty()) {
          throw new InvalidInputException(where + ": target group " + view.targetGroupArn() + " is not attached to a "
              + "load balancer; set <loadBalancer> (app/name/id)");
        }
        lb = dimension(lbs.get(0), "app/");
      }
    }
    List<MetricQuery> resolved = new ArrayList<>();
    for (MetricQuery q : spec.queries()) {
      resolved.add(q.resolve(lb, tg));
    }
    ctx.monitorQueries = resolved;
    List<Permissions.Missing> missing = new ArrayList<>();
    try {
      var now = ctx.clock.now();
      ctx.cloudWatch.metricData(resolved, now.minus(Duration.ofMinutes(5)), now);
    } catch (AwsException e) {
      if (!e.accessDenied()) {
        throw new InvalidInputException(where + ": CloudWatch rejects the queries: " + e.getMessage());
      }
      missing.add(new Permissions.Missing("cloudwatch:GetMetricData", "for the MONITOR step", true));
    }
    if (!spec.alarms().isEmpty()) {
      try {
        Set<String> found = new TreeSet<>();
        ctx.cloudWatch.alarms(spec.alarms()).forEach(a -> found.add(a.name()));
        Set<String> absent = new TreeSet<>(spec.alarms());
        absent.removeAll(found);
        if (!absent.isEmpty()) {
          throw new InvalidInputException(where + "<alarms>: " + absent + " do(es) not exist in CloudWatch"
              + (ctx.env.region() == null ? "" : " in " + ctx.env.region()) + "; alarms found: " + found);
        }
      } catch (AwsException e) {
        if (!e.accessDenied()) {
          throw e;
        }
        missing.add(new Permissions.Missing("cloudwatch:DescribeAlarms", "for the MONITOR step's alarms", true));
      }
    }
    ctx.log.info("PREFLIGHT monitor: " + (lb == null ? "" : "load balancer " + lb + ", target group " + tg + ", ")
        + resolved.size() + " quer" + (resolved.size() == 1 ? "y" : "ies")
        + (spec.alarms().isEmpty() ? "" : ", alarms " + spec.alarms()));
    return missing;
  }

  /** The CloudWatch dimension value of an ELB ARN: what follows {@code loadbalancer/} or the resource part. */
  static String dimension(String arn, String prefix) {
    int i = arn.indexOf(":" + prefix);
    if (i >= 0) {
      return arn.substring(i + 1);
    }
    int lb = arn.indexOf(":loadbalancer/");
    return lb >= 0 ? arn.substring(lb + ":loadbalancer/".length()) : arn.substring(arn.lastIndexOf(':') + 1);
  }

}
