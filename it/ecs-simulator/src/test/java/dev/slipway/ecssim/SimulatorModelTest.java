package dev.slipway.ecssim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AccessDeniedException;
import software.amazon.awssdk.services.ecs.model.ServiceDeployment;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.PolicyEvaluationDecisionType;

/**
 * What the simulator models beyond plain rollouts, seen through the real SDK clients: a deployment superseded by a
 * newer one, denied actions and IAM's simulation of them, deployments behind a Classic Load Balancer, and the
 * deployment configuration each service deployment keeps.
 */
class SimulatorModelTest {
  private SimClock.Virtual clock;
  private EcsSimulator sim;
  private EcsClient ecs;

  private static Scenario scenario(boolean classic) {
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
    if (classic) {
      svc.loadBalancers.add(EcsModel.JSON.createObjectNode().put("loadBalancerName", "web-classic")
          .put("containerName", "web").put("containerPort", 8080));
    }
    c.services.add(svc);
    s.clusters.add(c);
    Scenario.Rollout stuck = new Scenario.Rollout();
    stuck.outcome = Scenario.Outcome.STUCK;
    s.rollouts.add(stuck);
    return s;
  }

  private void start(Scenario s) throws Exception {
    clock = new SimClock.Virtual(Instant.parse("2026-03-01T10:00:00Z"));
    sim = new EcsSimulator(s, clock).start(0);
    ecs = EcsClient.builder().endpointOverride(sim.endpoint()).region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDMODELTEST", "x")))
        .build();
  }

  @AfterEach
  void stop() {
    if (ecs != null) {
      ecs.close();
    }
    if (sim != null) {
      sim.close();
    }
  }

  private String register(String image) {
    return ecs.registerTaskDefinition(b -> b.family("web").containerDefinitions(c -> c.name("web").image(image)))
        .taskDefinition().taskDefinitionArn();
  }

  @Test
  void aDeploymentStillRollingOutIsStoppedWhenANewerOneStarts() throws Exception {
    start(scenario(false));
    String first = ecs.updateService(b -> b.cluster("apps").service("web").taskDefinition(register("repo/web:2")))
        .service().currentServiceDeployment();
    clock.advance(Duration.ofSeconds(30));
    String second = ecs.updateService(b -> b.cluster("apps").service("web").taskDefinition(register("repo/web:3")))
        .service().currentServiceDeployment();
    ServiceDeployment stopped = ecs.describeServiceDeployments(b -> b.serviceDeploymentArns(first))
        .serviceDeployments().get(0);
    assertThat(stopped.statusAsString()).isEqualTo("STOPPED");
    assertThat(stopped.statusReason()).contains("superseded").contains(second);
    var deployments = ecs.describeServices(b -> b.cluster("apps").services("web")).services().get(0).deployments();
    assertThat(deployments).extracting(d -> d.status()).containsExactly("PRIMARY", "ACTIVE", "ACTIVE");
    assertThat(deployments.get(0).taskDefinition()).endsWith("web:3");
    // the superseded deployment makes no more progress; the newer one completes and drains it
    clock.advance(Duration.ofMinutes(2));
    var after = ecs.describeServices(b -> b.cluster("apps").services("web")).services().get(0);
    assertThat(after.deployments()).hasSize(1);
    assertThat(after.taskDefinition()).endsWith("web:3");
  }

  @Test
  void deniedActionsAnswerAccessDeniedAndIamSimulatesThem() throws Exception {
    Scenario s = scenario(false);
    s.denied.add("ecs:DescribeServiceDeployments");
    start(s);
    assertThatThrownBy(() -> ecs.describeServiceDeployments(b -> b.serviceDeploymentArns("arn:x")))
        .isInstanceOf(AccessDeniedException.class)
        .hasMessageContaining("is not authorized to perform: ecs:DescribeServiceDeployments");
    sim.allow("ecs:DescribeServiceDeployments");
    sim.deny("ecs:UpdateService");
    assertThat(ecs.describeServiceDeployments(b -> b.serviceDeploymentArns("arn:x")).failures()).hasSize(1);
    try (IamClient iam = IamClient.builder().endpointOverride(sim.endpoint()).region(Region.AWS_GLOBAL)
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDMODELTEST", "x")))
        .build()) {
      var r = iam.simulatePrincipalPolicy(b -> b.policySourceArn("arn:aws:iam::123456789012:user/deployer")
          .actionNames("ecs:UpdateService", "ecs:RegisterTaskDefinition"));
      assertThat(r.evaluationResults()).extracting(e -> e.evalActionName() + "=" + e.evalDecision())
          .containsExactly("ecs:UpdateService=" + PolicyEvaluationDecisionType.IMPLICIT_DENY,
              "ecs:RegisterTaskDefinition=" + PolicyEvaluationDecisionType.ALLOWED);
    }
  }

  @Test
  void behindAClassicLoadBalancerDeploymentsHaveNoRolloutState() throws Exception {
    start(scenario(true));
    var svc = ecs.describeServices(b -> b.cluster("apps").services("web")).services().get(0);
    assertThat(svc.deployments().get(0).rolloutState()).isNull();
    assertThat(svc.loadBalancers().get(0).loadBalancerName()).isEqualTo("web-classic");
  }

  @Test
  void eachServiceDeploymentKeepsTheConfigurationItRanWith() throws Exception {
    start(scenario(false));
    String first = ecs.describeServices(b -> b.cluster("apps").services("web")).services().get(0)
        .currentServiceDeployment();
    ecs.updateService(b -> b.cluster("apps").service("web").taskDefinition(register("repo/web:2"))
        .deploymentConfiguration(c -> c.maximumPercent(150)));
    var old = ecs.describeServiceDeployments(b -> b.serviceDeploymentArns(first)).serviceDeployments().get(0);
    assertThat(old.deploymentConfiguration().maximumPercent()).isEqualTo(200);
    assertThat(old.targetServiceRevision().requestedTaskCount()).isEqualTo(2);
  }
}
