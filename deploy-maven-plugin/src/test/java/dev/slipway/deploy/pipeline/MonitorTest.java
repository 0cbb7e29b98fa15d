package dev.slipway.deploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.InvalidInputException;
import dev.slipway.deploy.journal.Journal;
import dev.slipway.deploy.journal.JournalRecord;
import dev.slipway.deploy.monitor.MetricQuery;
import dev.slipway.deploy.monitor.MonitorSpec;
import dev.slipway.ecssim.CallRecord;
import dev.slipway.ecssim.Scenario;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * MONITOR against CloudWatch in the simulator (the SDK's CBOR protocol), with metric and alarm timelines counted from
 * the deployment's UpdateService. On the virtual clock the rollout completes at 45 s and SMOKE ends at 75 s, so the
 * five-minute window starts at 75 s and CloudWatch's minute buckets from 60 s count.
 */
class MonitorTest {
  static final String TG = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-staging/0123456789abcdef";
  static final String LB = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shop/50dc6c495c0c9188";
  static final Map<String, String> DIMS = Map.of("LoadBalancer", "app/shop/50dc6c495c0c9188",
      "TargetGroup", "targetgroup/web-staging/0123456789abcdef");

  @TempDir Path journals;

  /** Staging behind an ALB target group, {@code requests} a minute, and {@code errors} a minute in [from, to). */
  static Scenario scenario(double requests, double errors, int from, int to) {
    Scenario s = SimWorld.scenario();
    s.clusters.get(0).services.get(0).loadBalancers.add(SimWorld.JSON.createObjectNode()
        .put("targetGroupArn", TG).put("containerName", "web").put("containerPort", 8080));
    Scenario.TargetGroup group = new Scenario.TargetGroup();
    group.arn = TG;
    group.loadBalancerArn = LB;
    s.targetGroups.add(group);
    s.metrics.add(series("RequestCount", DIMS, 0, 900, requests));
    if (errors > 0) {
      s.metrics.add(series("HTTPCode_Target_5XX_Count", DIMS, from, to, errors));
    }
    return s;
  }

  static Scenario.MetricSeries series(String name, Map<String, String> dims, int from, int to, double value) {
    Scenario.MetricSeries m = new Scenario.MetricSeries();
    m.metricName = name;
    m.dimensions = dims;
    Scenario.Segment seg = new Scenario.Segment();
    seg.from = from;
    seg.to = to;
    seg.value = value;
    m.points.add(seg);
    return m;
  }

  static Scenario.Rollout rollout() {
    return SimWorld.rollout(Scenario.Outcome.SUCCESS);
  }

  static MonitorSpec fiveMinutes(List<String> alarms) {
    return new MonitorSpec(Duration.ofMinutes(5), Duration.ofMinutes(1), 1.0, 100, null, null, null, null, null,
        alarms);
  }

  @Test
  void aHealthyWindowPassesWithAProgressLineEveryMinute() throws Exception {
    try (SimWorld w = new SimWorld(scenario(1000, 3, 0, 900))) {
      JournalRecord r = w.deployer().deploy(w.request(w.staging().withMonitor(fiveMinutes(List.of())), journals));
      assertThat(r.outcome).isEqualTo("SUCCEEDED");
      assertThat(r.monitor.verdict).isEqualTo("PASSED");
      assertThat(r.monitor.samples).hasSize(5);
      assertThat(r.monitor.errorRatePercent).isCloseTo(0.3, org.assertj.core.data.Offset.offset(0.001));
      assertThat(r.steps).extracting(e -> e.step).containsSubsequence("SMOKE", "MONITOR", "DONE");
      assertThat(w.log()).contains("PREFLIGHT monitor: load balancer app/shop/50dc6c495c0c9188, target group "
          + "targetgroup/web-staging/0123456789abcdef").contains("MONITOR 1 min of 5 min: ")
          .contains("MONITOR 5 min of 5 min: ").contains("MONITOR passed: error rate 0.30 %");
      // the default query: target 5xx and requests per target group, ELB 5xx per load balancer, each a Sum per minute
      JsonNode query = SimWorld.JSON.readTree(w.sim.calls("GetMetricData").get(1).requestBody());
      assertThat(query.path("MetricDataQueries")).extracting(q -> q.path("Id").asText())
          .containsExactly("e5xx", "elb5xx", "requests");
      assertThat(query.path("MetricDataQueries").get(1).path("MetricStat").path("Metric").path("Dimensions"))
          .hasSize(1);
      assertThat(w.sim.calls("GetMetricData")).extracting(CallRecord::status).containsOnly(200);
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:2");
    }
  }

  @Test
  void aBurstOf5xxInsideTheWindowRollsBack() throws Exception {
    try (SimWorld w = new SimWorld(scenario(1000, 80, 180, 240))) {
      assertThatThrownBy(() -> w.deployer().deploy(w.request(w.staging().withMonitor(fiveMinutes(List.of())),
          journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("failed at MONITOR: error rate 2.67 % (80 errors in 3000 requests")
          .hasMessageContaining("over the 1.00 % threshold")
          .hasMessageContaining("Rolled back with UpdateService to web:1");
      JournalRecord last = Journal.readLast(journals, "staging");
      assertThat(last.monitor.verdict).isEqualTo("FAILED");
      // decided at the first poll that saw the burst: at 195 s (window from 75 s, buckets from 60 s)
      assertThat(last.monitor.samples).hasSize(2);
      assertThat(last.outcome).isEqualTo("FAILED_ROLLED_BACK");
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:1");
    }
  }

  @Test
  void lowTrafficIsReportedAsNotJudgedNotAsHealthy() throws Exception {
    try (SimWorld w = new SimWorld(scenario(2, 1, 120, 180))) { // 1 error in 12 requests: 8 %, but too few
      JournalRecord r = w.deployer().deploy(w.request(w.staging().withMonitor(fiveMinutes(List.of())), journals));
      assertThat(r.outcome).isEqualTo("SUCCEEDED");
      assertThat(r.monitor.verdict).isEqualTo("NOT_JUDGED");
      assertThat(r.monitor.detail).contains("NOT JUDGED: only 12 requests in 5 min, fewer than the 100 needed")
          .contains("missing data is not health");
      assertThat(w.log()).contains("[WARN] MONITOR NOT JUDGED").doesNotContain("MONITOR passed");
    }
  }

  @Test
  void aNamedAlarmInAlarmRollsBack() throws Exception {
    Scenario s = scenario(1000, 0, 0, 0);
    Scenario.Alarm alarm = new Scenario.Alarm();
    alarm.name = "web-p99-latency";
    Scenario.AlarmChange fire = new Scenario.AlarmChange();
    fire.at = 200;
    fire.state = "ALARM";
    fire.reason = "Threshold Crossed: 2 datapoints were greater than the threshold (1.5)";
    alarm.changes.add(fire);
    s.alarms.add(alarm);
    try (SimWorld w = new SimWorld(s)) {
      assertThatThrownBy(() -> w.deployer().deploy(w.request(
          w.staging().withMonitor(fiveMinutes(List.of("web-p99-latency"))), journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("failed at MONITOR: CloudWatch alarm in ALARM: web-p99-latency (Threshold Crossed")
          .hasMessageContaining("Rolled back");
      JournalRecord last = Journal.readLast(journals, "staging");
      assertThat(last.monitor.samples.get(0).alarms).containsEntry("web-p99-latency", "OK");
      assertThat(last.monitor.samples.get(last.monitor.samples.size() - 1).alarms)
          .containsEntry("web-p99-latency", "ALARM");
    }
  }

  @Test
  void customQueriesAndExpressionsFromThePom() throws Exception {
    Scenario s = scenario(500, 0, 0, 0);
    s.metrics.add(series("HTTPCode_Target_4XX_Count", DIMS, 120, 240, 40)); // the POM counts 4xx as errors too
    try (SimWorld w = new SimWorld(s)) {
      Map<String, String> dims = Map.of("LoadBalancer", "{loadBalancer}", "TargetGroup", "{targetGroup}");
      List<MetricQuery> queries = List.of(
          new MetricQuery("e4xx", null, "AWS/ApplicationELB", "HTTPCode_Target_4XX_Count", dims, "Sum", 60, null,
              false),
          new MetricQuery("e5xx", null, "AWS/ApplicationELB", "HTTPCode_Target_5XX_Count", dims, "Sum", 60, null,
              false),
          new MetricQuery("req", null, "AWS/ApplicationELB", "RequestCount", dims, "Sum", 60, null, true),
          new MetricQuery("bad", "FILL(e4xx,0)+FILL(e5xx,0)", null, null, null, null, 60, "4xx+5xx", true));
      MonitorSpec spec = new MonitorSpec(Duration.ofMinutes(5), Duration.ofMinutes(1), 5.0, 100, null, null, queries,
          List.of("bad"), List.of("req"), List.of());
      assertThatThrownBy(() -> w.deployer().deploy(w.request(w.staging().withMonitor(spec), journals)))
          .hasMessageContaining("failed at MONITOR: error rate 5.33 % (80 errors in 1500 requests");
    }
  }

  @Test
  void preflightChecksTheAlarmsAndTheLoadBalancerBeforeAnyChange() throws Exception {
    try (SimWorld w = new SimWorld(scenario(1000, 0, 0, 0))) {
      assertThatThrownBy(() -> w.deployer().deploy(w.request(
          w.staging().withMonitor(fiveMinutes(List.of("no-such-alarm"))), journals)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("<monitor><alarms>: [no-such-alarm] do(es) not exist");
      assertThat(w.sim.mutatingCalls()).isEmpty();
    }
    try (SimWorld w = new SimWorld(SimWorld.scenario())) { // no target group to take the dimensions from
      assertThatThrownBy(() -> w.deployer().deploy(w.request(
          w.staging().withMonitor(fiveMinutes(List.of())), journals)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("has no target group; set <loadBalancer> and <targetGroup>");
      assertThat(w.sim.mutatingCalls()).isEmpty();
    }
    Scenario denied = scenario(1000, 0, 0, 0);
    denied.denied.add("cloudwatch:GetMetricData");
    try (SimWorld w = new SimWorld(denied)) {
      assertThatThrownBy(() -> w.deployer().deploy(w.request(
          w.staging().withMonitor(fiveMinutes(List.of())), journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("cloudwatch:GetMetricData (for the MONITOR step)");
      assertThat(w.sim.mutatingCalls()).isEmpty();
    }
  }

  @Test
  void ecsDeploymentAlarmsArePassedToTheServiceAndEcsRollsBackOnThem() throws Exception {
    Scenario s = scenario(1000, 0, 0, 0);
    Scenario.Alarm alarm = new Scenario.Alarm();
    alarm.name = "web-5xx";
    Scenario.AlarmChange fire = new Scenario.AlarmChange();
    fire.at = 15;
    fire.state = "ALARM";
    alarm.changes.add(fire);
    s.alarms.add(alarm);
    try (SimWorld w = new SimWorld(s)) {
      EnvironmentSpec env = w.staging().withDeploymentAlarms(
          new EnvironmentSpec.DeploymentAlarms(List.of("web-5xx"), true));
      assertThatThrownBy(() -> w.deployer().deploy(w.request(env, journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("ECS rolled it back by itself");
      JsonNode sent = SimWorld.JSON.readTree(w.firstCall("UpdateService", 0).requestBody())
          .path("deploymentConfiguration").path("alarms");
      assertThat(sent.path("alarmNames").toString()).isEqualTo("[\"web-5xx\"]");
      assertThat(sent.path("enable").asBoolean()).isTrue();
      assertThat(sent.path("rollback").asBoolean()).isTrue();
      assertThat(Journal.readLast(journals, "staging").outcome).isEqualTo("ROLLED_BACK_BY_ECS");
    }
  }
}
