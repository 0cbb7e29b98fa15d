package dev.slipway.deploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.InvalidInputException;
import dev.slipway.ecssim.Scenario;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ECS-native strategies are passed to UpdateService, and services that cannot run them are refused in PREFLIGHT. */
class StrategiesTest {
  @TempDir Path journals;

  private static EnvironmentSpec canary(EnvironmentSpec e) {
    return new EnvironmentSpec(e.name(), e.region(), e.cluster(), e.service(), e.containers(), 3,
        EnvironmentSpec.Strategy.CANARY, null, null, 10, 10.0, 5, true, true, null, null, null, false, e.timeouts());
  }

  @Test
  void canaryNeedsAnAdvancedLoadBalancerConfiguration() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      assertThatThrownBy(() -> w.deployer().deploy(w.request(canary(w.staging()), journals)))
          .isInstanceOf(InvalidInputException.class)
          .hasMessageContaining("strategy CANARY needs a load balancer with advancedConfiguration");
      assertThat(w.sim.mutatingCalls()).isEmpty();
    }
  }

  @Test
  void canarySettingsReachUpdateService() throws Exception {
    Scenario s = SimWorld.scenario();
    String tg = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-blue/1";
    var lb = SimWorld.JSON.createObjectNode().put("targetGroupArn", tg).put("containerName", "web")
        .put("containerPort", 8080);
    lb.putObject("advancedConfiguration")
        .put("alternateTargetGroupArn", "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-green/2")
        .put("productionListenerRule", "arn:aws:elasticloadbalancing:eu-west-1:123456789012:listener-rule/app/x/1/2/3")
        .put("roleArn", "arn:aws:iam::123456789012:role/ecsInfrastructure");
    s.clusters.get(0).services.get(0).loadBalancers.add(lb);
    Scenario.TargetGroup group = new Scenario.TargetGroup();
    group.arn = tg;
    s.targetGroups.add(group);
    try (SimWorld w = new SimWorld(s)) {
      long start = w.virtual.nowMillis();
      assertThat(w.deployer().deploy(w.request(canary(w.staging()), journals)).outcome).isEqualTo("SUCCEEDED");
      // ECS bakes for 10 minutes after the tasks run: success is not declared before the bake is over
      Long baked = w.sim.eventTime("shop-staging", "web", "has reached a steady state.");
      assertThat(baked - start).isGreaterThanOrEqualTo(10 * 60_000L);
      assertThat(w.log()).contains("is baking for 10 minutes");
      JsonNode update = SimWorld.JSON.readTree(w.firstCall("UpdateService", 0).requestBody());
      JsonNode config = update.path("deploymentConfiguration");
      assertThat(config.path("strategy").asText()).isEqualTo("CANARY");
      assertThat(config.path("bakeTimeInMinutes").asInt()).isEqualTo(10);
      assertThat(config.path("canaryConfiguration").path("canaryPercent").asDouble()).isEqualTo(10.0);
      assertThat(config.path("canaryConfiguration").path("canaryBakeTimeInMinutes").asInt()).isEqualTo(5);
      assertThat(update.path("desiredCount").asInt()).isEqualTo(3);
      assertThat(w.sim.service("shop-staging", "web").path("runningCount").asInt()).isEqualTo(3);
    }
  }

  @Test
  void codeDeployControlledServicesAreRefused() throws Exception {
    Scenario s = SimWorld.scenario();
    s.clusters.get(0).services.get(0).deploymentController = "CODE_DEPLOY";
    try (SimWorld w = new SimWorld(s)) {
      assertThatThrownBy(() -> w.deployer().deploy(w.request(w.staging(), journals)))
          .hasMessageContaining("CODE_DEPLOY deployment controller");
      assertThat(w.sim.mutatingCalls()).isEmpty();
    }
  }
}
