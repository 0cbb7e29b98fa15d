package dev.slipway.ecssim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.CloudWatchException;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.StateValue;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * CloudWatch through the Java SDK's own client, which speaks Smithy RPC v2 CBOR: scripted metrics fill the window
 * minute by minute on the virtual clock, expressions are evaluated, alarms change state, and an ECS deployment with
 * deployment alarms is failed and rolled back by ECS when its alarm fires.
 */
class CloudWatchSimulatorTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00Z");
  private static final List<Dimension> DIMS = List.of(
      Dimension.builder().name("LoadBalancer").value("app/shop/50dc6c495c0c9188").build(),
      Dimension.builder().name("TargetGroup").value("targetgroup/web/abc").build());
  private SimClock.Virtual clock;
  private EcsSimulator sim;
  private CloudWatchClient cw;

  @BeforeEach
  void start() throws Exception {
    Scenario s = new Scenario();
    ObjectNode td = EcsModel.JSON.createObjectNode().put("family", "web");
    td.putArray("containerDefinitions").addObject().put("name", "web").put("image", "repo/web:1");
    s.taskDefinitions.add(td);
    Scenario.Cluster c = new Scenario.Cluster();
    c.name = "apps";
    Scenario.Service svc = new Scenario.Service();
    svc.name = "web";
    svc.taskDefinition = "web:1";
    svc.desiredCount = 2;
    c.services.add(svc);
    s.clusters.add(c);
    s.metrics.add(series("RequestCount", Scenario.Anchor.START, 0, 600, 200));
    s.metrics.add(series("HTTPCode_Target_5XX_Count", Scenario.Anchor.START, 120, 180, 20));
    Scenario.Alarm alarm = new Scenario.Alarm();
    alarm.name = "web-5xx";
    alarm.anchor = Scenario.Anchor.START;
    Scenario.AlarmChange fire = new Scenario.AlarmChange();
    fire.at = 30;
    fire.state = "ALARM";
    fire.reason = "Threshold Crossed";
    alarm.changes.add(fire);
    s.alarms.add(alarm);
    clock = new SimClock.Virtual(T0);
    sim = new EcsSimulator(s, clock).start(0);
    cw = CloudWatchClient.builder().endpointOverride(sim.endpoint()).region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDCWTEST", "x")))
        .build();
  }

  private static Scenario.MetricSeries series(String name, Scenario.Anchor anchor, int from, int to, double v) {
    Scenario.MetricSeries m = new Scenario.MetricSeries();
    m.metricName = name;
    m.anchor = anchor;
    m.dimensions = Map.of("LoadBalancer", "app/shop/50dc6c495c0c9188", "TargetGroup", "targetgroup/web/abc");
    Scenario.Segment seg = new Scenario.Segment();
    seg.from = from;
    seg.to = to;
    seg.value = v;
    m.points.add(seg);
    return m;
  }

  @AfterEach
  void stop() {
    cw.close();
    sim.close();
  }

  private static MetricDataQuery stat(String id, String metric) {
    return MetricDataQuery.builder().id(id).metricStat(s -> s.stat("Sum").period(60)
        .metric(m -> m.namespace("AWS/ApplicationELB").metricName(metric).dimensions(DIMS))).build();
  }

  private GetMetricDataResponse window() {
    return cw.getMetricData(b -> b.startTime(T0).endTime(T0.plus(Duration.ofMinutes(10)))
        .metricDataQueries(stat("req", "RequestCount"), stat("e5xx", "HTTPCode_Target_5XX_Count"),
            MetricDataQuery.builder().id("rate").expression("IF(req>0, 100*FILL(e5xx,0)/req, 0)").label("5xx %")
                .build()));
  }

  @Test
  void metricsAppearMinuteByMinuteAndExpressionsAreEvaluated() {
    GetMetricDataResponse first = window();
    assertThat(first.metricDataResults()).extracting(r -> r.id()).containsExactly("req", "e5xx", "rate");
    assertThat(first.metricDataResults().get(0).values()).containsExactly(200.0); // only the datapoint at T0 exists
    assertThat(first.metricDataResults().get(1).values()).isEmpty();

    clock.advance(Duration.ofMinutes(3));
    GetMetricDataResponse later = window();
    var req = later.metricDataResults().get(0);
    assertThat(req.values()).containsExactly(200.0, 200.0, 200.0, 200.0);
    // newest first, as CloudWatch answers by default; timestamps arrive as CBOR tag 1 and parse as Instants
    assertThat(req.timestamps()).containsExactly(T0.plusSeconds(180), T0.plusSeconds(120), T0.plusSeconds(60), T0);
    assertThat(later.metricDataResults().get(1).values()).containsExactly(20.0);
    assertThat(later.metricDataResults().get(2).label()).isEqualTo("5xx %");
    assertThat(later.metricDataResults().get(2).values()).containsExactly(0.0, 10.0, 0.0, 0.0);
  }

  @Test
  void alarmsChangeStateOnTheClockAndErrorsAreAwsErrors() {
    assertThat(cw.describeAlarms(b -> b.alarmNames("web-5xx")).metricAlarms().get(0).stateValue())
        .isEqualTo(StateValue.OK);
    clock.advance(Duration.ofSeconds(31));
    var alarm = cw.describeAlarms(b -> b.alarmNames("web-5xx", "missing")).metricAlarms();
    assertThat(alarm).hasSize(1);
    assertThat(alarm.get(0).stateValue()).isEqualTo(StateValue.ALARM);
    assertThat(alarm.get(0).stateUpdatedTimestamp()).isEqualTo(T0.plusSeconds(30));

    assertThatThrownBy(() -> cw.getMetricData(b -> b.startTime(T0).endTime(T0.plusSeconds(600))
        .metricDataQueries(MetricDataQuery.builder().id("x").expression("nope + 1").build())))
        .isInstanceOf(CloudWatchException.class).hasMessageContaining("nope");
    sim.deny("cloudwatch:DescribeAlarms");
    assertThatThrownBy(() -> cw.describeAlarms(b -> b.alarmNames("web-5xx")))
        .isInstanceOf(CloudWatchException.class).hasMessageContaining("not authorized");
    assertThat(sim.calls("GetMetricData")).extracting(CallRecord::service).containsOnly("monitoring");
  }

  @Test
  void ecsFailsAndRollsBackADeploymentWhoseDeploymentAlarmFires() throws Exception {
    try (EcsClient ecs = EcsClient.builder().endpointOverride(sim.endpoint()).region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDCWTEST", "x")))
        .build()) {
      clock.advance(Duration.ofSeconds(10));
      String td = ecs.registerTaskDefinition(b -> b.family("web").containerDefinitions(c -> c.name("web")
          .image("repo/web:2"))).taskDefinition().taskDefinitionArn();
      String arn = ecs.updateService(b -> b.cluster("apps").service("web").taskDefinition(td)
          .deploymentConfiguration(d -> d.alarms(a -> a.alarmNames("web-5xx").enable(true).rollback(true))))
          .service().currentServiceDeployment();
      clock.advance(Duration.ofSeconds(60)); // the alarm fires at 30 s on the simulator's clock
      var sd = ecs.describeServiceDeployments(b -> b.serviceDeploymentArns(arn)).serviceDeployments().get(0);
      assertThat(sd.statusAsString()).startsWith("ROLLBACK_");
      assertThat(sd.deploymentConfiguration().alarms().alarmNames()).containsExactly("web-5xx");
      clock.advance(Duration.ofSeconds(60));
      assertThat(ecs.describeServices(b -> b.cluster("apps").services("web")).services().get(0).taskDefinition())
          .endsWith("web:1");
    }
  }
}
