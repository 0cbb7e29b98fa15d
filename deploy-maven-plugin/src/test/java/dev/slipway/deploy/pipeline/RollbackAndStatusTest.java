package dev.slipway.deploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.deploy.journal.JournalRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy:rollback to the snapshot in last.json or an explicit revision, and deploy:status's table. */
class RollbackAndStatusTest {
  @TempDir Path journals;

  @Test
  void rollsBackToTheSnapshotOfTheLastDeploymentAndWaitsForIt() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      w.deployer().deploy(w.request(w.staging(), journals));
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:2");

      Rollbacker rollbacker = new Rollbacker(w.gateway, w.clock, w.redactor, w.log);
      JournalRecord r = rollbacker.rollback(
          new Rollbacker.Request(w.staging(), null, false, null, Prompter.none(), journals));

      assertThat(r.outcome).isEqualTo("SUCCEEDED");
      assertThat(r.newTaskDefinition).endsWith("web:1");
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:1");
      assertThat(w.sim.service("shop-staging", "web").path("deployments")).hasSize(1);
      try (var files = Files.list(journals.resolve("staging"))) {
        assertThat(files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith("-rollback.json"))).hasSize(1);
      }
      // last.json still describes the deployment, so a second rollback has nothing to do
      assertThat(rollbacker.rollback(new Rollbacker.Request(w.staging(), null, false, null, Prompter.none(),
          journals))).isNull();
      // an explicit revision goes forward again
      assertThat(rollbacker.rollback(new Rollbacker.Request(w.staging(), "2", false, null, Prompter.none(),
          journals)).newTaskDefinition).endsWith("web:2");
      assertThat(w.mutating()).containsExactly("RegisterTaskDefinition", "UpdateService", "UpdateService",
          "UpdateService");
    }
  }

  /** Staging with 3 tasks and a 50 %/150 % rollout, unlike the service's 2 tasks and 100 %/200 %. */
  private static EnvironmentSpec biggerAndLooser(SimWorld w) {
    EnvironmentSpec e = w.staging();
    return new EnvironmentSpec(e.name(), e.region(), e.cluster(), e.service(), e.containers(), 3, e.strategy(), 50,
        150, null, null, null, true, true, e.healthCheck(), e.baseUrl(), e.smokeTests(), false, e.timeouts());
  }

  private static void assertBackToTheOriginal(SimWorld w) {
    JsonNode svc = w.sim.service("shop-staging", "web");
    assertThat(svc.path("taskDefinition").asText()).endsWith("web:1");
    assertThat(svc.path("desiredCount").asInt()).isEqualTo(2);
    assertThat(svc.path("deploymentConfiguration").path("minimumHealthyPercent").asInt()).isEqualTo(100);
    assertThat(svc.path("deploymentConfiguration").path("maximumPercent").asInt()).isEqualTo(200);
  }

  @Test
  void rollbackRestoresTheSnapshotsTaskCountAndDeploymentSettingsToo() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      w.deployer().deploy(w.request(biggerAndLooser(w), journals));
      assertThat(w.sim.service("shop-staging", "web").path("desiredCount").asInt()).isEqualTo(3);
      JournalRecord r = new Rollbacker(w.gateway, w.clock, w.redactor, w.log).rollback(
          new Rollbacker.Request(w.staging(), null, false, null, Prompter.none(), journals));
      assertThat(r.outcome).isEqualTo("SUCCEEDED");
      assertBackToTheOriginal(w);
    }
  }

  @Test
  void withoutLastJsonTheServicesPreviousRevisionComesFromEcs() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      w.deployer().deploy(w.request(biggerAndLooser(w), journals));
      // mvn clean, or a fresh CI job: no journal at all
      try (var files = Files.walk(journals)) {
        for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
          if (!p.equals(journals)) {
            Files.delete(p);
          }
        }
      }
      JournalRecord r = new Rollbacker(w.gateway, w.clock, w.redactor, w.log).rollback(
          new Rollbacker.Request(w.staging(), null, false, null, Prompter.none(), journals));
      assertThat(r.outcome).isEqualTo("SUCCEEDED");
      assertThat(r.newTaskDefinition).endsWith("web:1");
      assertBackToTheOriginal(w);
      assertThat(w.log()).contains("the service's previous revision from ECS (service deployment");
      assertThat(w.sim.calls("ListServiceDeployments")).isNotEmpty();
      assertThat(w.sim.calls("DescribeServiceRevisions")).isNotEmpty();
    }
  }

  @Test
  void productionRollbackNeedsConfirmationAndUnknownRevisionIsExplained() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      Rollbacker rollbacker = new Rollbacker(w.gateway, w.clock, w.redactor, w.log);
      EnvironmentSpec prod = w.env("production", true);
      w.deployer().deploy(new DeployRequest(prod, SimWorld.NEW_IMAGE, false, false, "production", journals));
      int before = w.sim.mutatingCalls().size();
      assertThatThrownBy(() -> rollbacker.rollback(new Rollbacker.Request(prod, null, false, null, Prompter.none(),
          journals))).isInstanceOf(DeployFailedException.class).hasMessageContaining("-Ddeploy.confirm=production");
      assertThat(w.sim.mutatingCalls()).hasSize(before);
      assertThatThrownBy(() -> rollbacker.rollback(new Rollbacker.Request(w.staging(), "web:9", false, null,
          Prompter.none(), journals))).hasMessageContaining("deploy.toRevision").hasMessageContaining("web:9");
      // staging was never deployed: no last.json, and ECS knows no earlier revision either
      assertThatThrownBy(() -> rollbacker.rollback(new Rollbacker.Request(w.staging(), null, false, null,
          Prompter.none(), journals))).hasMessageContaining("last.json")
          .hasMessageContaining("ECS lists no earlier successful deployment");
      assertThat(w.sim.mutatingCalls()).hasSize(before);
    }
  }

  @Test
  void throttlingWhileLookingUpTheTargetIsAnAwsErrorNotAMissingRevision() throws Exception {
    var s = SimWorld.scenario();
    // the first DescribeTaskDefinition (the running revision) passes; the target's lookup is throttled throughout
    var throttle = SimWorld.fault("DescribeTaskDefinition", "ThrottlingException", 20);
    throttle.skip = 1;
    s.faults.add(throttle);
    try (SimWorld w = new SimWorld(s)) {
      Rollbacker rollbacker = new Rollbacker(w.gateway, w.clock, w.redactor, w.log);
      assertThatThrownBy(() -> rollbacker.rollback(new Rollbacker.Request(w.staging(), "1", false, null,
          Prompter.none(), journals)))
          .isInstanceOf(dev.slipway.deploy.ecs.EcsGateway.AwsException.class)
          .hasMessageContaining("ThrottlingException")
          .hasMessageNotContaining("cannot be found");
      assertThat(w.sim.mutatingCalls()).isEmpty();
    }
  }

  @Test
  void aMissingRevisionFromLastJsonNamesLastJson() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      w.deployer().deploy(w.request(w.staging(), journals));
      Path last = journals.resolve("staging").resolve("last.json");
      var json = (com.fasterxml.jackson.databind.node.ObjectNode) SimWorld.JSON.readTree(last.toFile());
      ((com.fasterxml.jackson.databind.node.ObjectNode) json.get("snapshot")).put("taskDefinition", "web:7");
      Files.writeString(last, json.toString());
      int before = w.sim.mutatingCalls().size();
      assertThatThrownBy(() -> new Rollbacker(w.gateway, w.clock, w.redactor, w.log).rollback(
          new Rollbacker.Request(w.staging(), null, false, null, Prompter.none(), journals)))
          .isInstanceOf(dev.slipway.common.InvalidInputException.class)
          .hasMessageStartingWith(last + " at /snapshot/taskDefinition: task definition 'web:7' cannot be found")
          .hasMessageContaining("-Ddeploy.toRevision=");
      assertThat(w.sim.mutatingCalls()).hasSize(before);
    }
  }

  @Test
  void statusShowsDeploymentsImagesCountsAndEvents() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      w.deployer().deploy(w.request(w.staging(), journals));
      List<String> table = new StatusReporter(w.gateway).report(w.staging(), 5);
      String text = String.join("\n", table);
      System.out.println(text);
      assertThat(text).contains("Task definition web:2: running 2 / desired 2 / pending 0")
          .contains("container web: " + SimWorld.NEW_IMAGE)
          .contains("has reached a steady state");
      assertThat(table).anySatisfy(l -> assertThat(l).contains("PRIMARY").contains("COMPLETED").contains("web:2"));
      assertThat(table.stream().filter(l -> l.startsWith("  20"))).hasSizeLessThanOrEqualTo(5);
      assertThat(w.sim.mutatingCalls()).hasSize(2);
    }
  }
}
