package dev.slipway.deploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.deploy.ecs.EcsGateway;
import dev.slipway.deploy.journal.Journal;
import dev.slipway.deploy.journal.JournalRecord;
import dev.slipway.ecssim.CallRecord;
import dev.slipway.ecssim.Scenario;
import java.io.IOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The paths on which the rollback used to be skipped or to fail silently, each reproduced against the ECS simulator
 * through the real SDK clients. Every test here failed on the deployer before these holes were closed (the commit
 * that adds them lists how).
 */
class RollbackHolesTest {
  @TempDir static Path journals;

  // ------------------------------------------------------------------ permissions

  @Test
  void describeServiceDeploymentsDeniedDuringTheRollbackFallsBackToUpdateService() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      w.healthStatus = 503;
      // the policy is tightened while the deployment runs: PREFLIGHT saw the permission, the rollback does not
      w.onFirstHealth = () -> w.sim.deny("ecs:DescribeServiceDeployments");
      assertThatThrownBy(() -> w.deployer().deploy(w.request(w.staging(), journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("failed at HEALTH")
          .hasMessageContaining("Rolled back with UpdateService to web:1");
      assertThat(w.sim.calls("DescribeServiceDeployments")).extracting(CallRecord::status).contains(400);
      assertThat(w.mutating()).containsExactly("RegisterTaskDefinition", "UpdateService", "UpdateService");
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:1");
      JournalRecord last = Journal.readLast(journals, "staging");
      assertThat(last.outcome).isEqualTo("FAILED_ROLLED_BACK");
      assertThat(last.rollback.method).isEqualTo("UpdateService");
    }
  }

  @Test
  void preflightRefusesBeforeAnyChangeWhenAPermissionTheDeploymentNeedsIsDenied() throws Exception {
    Scenario noServiceDeployments = SimWorld.scenario();
    noServiceDeployments.denied.add("ecs:DescribeServiceDeployments");
    try (SimWorld w = new SimWorld(noServiceDeployments)) {
      assertThatThrownBy(() -> w.deployer().deploy(w.request(w.staging(), journals.resolve("denied-read"))))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("Deployment refused")
          .hasMessageContaining("ecs:DescribeServiceDeployments")
          .hasMessageContaining("nothing was changed");
      assertThat(w.sim.mutatingCalls()).isEmpty();
      assertThat(journals.resolve("denied-read")).doesNotExist();
    }
    Scenario noUpdate = SimWorld.scenario();
    noUpdate.denied.add("ecs:UpdateService");
    try (SimWorld w = new SimWorld(noUpdate)) {
      // a mutating call cannot be tried without changing something: IAM is asked instead
      assertThatThrownBy(() -> w.deployer().deploy(w.request(w.staging(), journals.resolve("denied-update"))))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("ecs:UpdateService (to deploy it and to roll back)");
      assertThat(w.sim.calls("SimulatePrincipalPolicy")).hasSize(2); // the ECS actions, then iam:PassRole
      assertThat(w.sim.calls("SimulatePrincipalPolicy").get(1).requestBody())
          .contains("ecsTaskExecutionRole");
      assertThat(w.sim.mutatingCalls()).isEmpty();
    }
  }

  @Test
  void aPermissionCheckThatCannotBeMadeIsReportedAndSkipped() throws Exception {
    Scenario s = SimWorld.scenario();
    s.denied.add("iam:SimulatePrincipalPolicy");
    s.denied.add("ecs:ListServiceDeployments"); // only a warning: needed for deploy.force and deploy:rollback
    try (SimWorld w = new SimWorld(s)) {
      assertThat(w.deployer().deploy(w.request(w.staging(), journals)).outcome).isEqualTo("SUCCEEDED");
      assertThat(w.log()).contains("PREFLIGHT cannot simulate the permissions")
          .contains("may not call ecs:ListServiceDeployments").doesNotContain("Deployment refused");
    }
  }

  // ------------------------------------------------------------------ errors inside the rollback

  @Test
  void aRuntimeErrorInTheRollbackPathStillEndsTheJournalWithAnOutcome() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      w.healthStatus = 503;
      // a bug at the adapter's edge once the rollback's UpdateService went out (the SDK adapter itself maps all of
      // its own exceptions; this stands for anything else that throws unchecked, e.g. a bad value)
      AtomicInteger updates = new AtomicInteger();
      EcsGateway faulty = (EcsGateway) Proxy.newProxyInstance(EcsGateway.class.getClassLoader(),
          new Class<?>[] {EcsGateway.class}, (proxy, method, args) -> {
            if (method.getName().equals("updateService")) {
              updates.incrementAndGet();
            } else if (method.getName().equals("service") && updates.get() >= 2) {
              throw new IllegalStateException("simulated bug while waiting for the rollback");
            }
            try {
              return method.invoke(w.gateway, args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          });
      Path root = journals.resolve("runtime-error");
      assertThatThrownBy(() -> w.deployer(faulty).deploy(w.request(w.staging(), root)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("ROLLBACK FAILED")
          .hasMessageContaining("simulated bug");
      JournalRecord last = Journal.readLast(root, "staging");
      assertThat(last.outcome).isEqualTo("ROLLBACK_FAILED");
      assertThat(last.rollback.detail).contains("unexpected error").contains("simulated bug");
      JournalRecord.StepEntry end = last.steps.get(last.steps.size() - 1);
      assertThat(end.step).isEqualTo("ROLLBACK");
      assertThat(end.outcome).isEqualTo("FAILED");
    }
  }

  // ------------------------------------------------------------------ a journal that cannot be written

  /** From UpdateService on, the journal's directory is a file: every later journal write fails. */
  private static Path breakJournalAtUpdate(SimWorld w, String name) throws IOException {
    Path root = journals.resolve(name);
    AtomicBoolean broken = new AtomicBoolean();
    w.sim.onCall("UpdateService", call -> {
      if (broken.compareAndSet(false, true)) {
        try {
          Path dir = root.resolve("staging");
          try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
              Files.delete(p);
            }
          }
          Files.writeString(dir, "not a directory");
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    });
    return root;
  }

  @Test
  void aJournalWriteFailureAfterUpdateSkipsNeitherHealthNorSmoke() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      Path root = breakJournalAtUpdate(w, "unwritable-ok");
      JournalRecord r = w.deployer().deploy(w.request(w.staging(), root));
      assertThat(r.outcome).isEqualTo("SUCCEEDED");
      assertThat(w.healthRequestTimes).isNotEmpty();
      assertThat(w.smokeCount.get()).isEqualTo(1);
      assertThat(r.steps).extracting(e -> e.step).contains("WAIT", "HEALTH", "SMOKE", "DONE");
      assertThat(w.log()).contains("[ERROR] JOURNAL cannot write the deployment journal")
          .contains("DONE but the journal could not be written");
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:2");
    }
  }

  @Test
  void aJournalWriteFailureAfterUpdateStillRollsBackAFailedHealthCheck() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      Path root = breakJournalAtUpdate(w, "unwritable-failed");
      w.healthStatus = 503;
      assertThatThrownBy(() -> w.deployer().deploy(w.request(w.staging(), root)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("Rolled back with UpdateService to web:1")
          .hasMessageContaining("not written: cannot write the deployment journal");
      assertThat(w.mutating()).containsExactly("RegisterTaskDefinition", "UpdateService", "UpdateService");
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:1");
    }
  }

  // ------------------------------------------------------------------ two deployments at once

  @Test
  void aSecondDeploymentWhileOneIsInFlightIsRefused() throws Exception {
    Scenario s = SimWorld.scenario();
    s.rollouts.add(SimWorld.rollout(Scenario.Outcome.STUCK)); // the colleague's deployment never finishes
    try (SimWorld w = new SimWorld(s)) {
      w.colleagueDeploys(SimWorld.OLD_IMAGE.replace("1111", "9999"));
      int before = w.sim.mutatingCalls().size();
      assertThatThrownBy(() -> w.deployer().deploy(w.request(w.staging(), journals.resolve("in-flight"))))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("a deployment is in flight on shop-staging/web")
          .hasMessageContaining("of web:2 (IN_PROGRESS")
          .hasMessageContaining("-Ddeploy.force=true");
      assertThat(w.sim.mutatingCalls()).hasSize(before);
      assertThat(journals.resolve("in-flight")).doesNotExist();
    }
  }

  @Test
  void aForcedDeploymentOverOneInFlightRollsBackToTheLastCompletedRevisionNotTheUnverifiedOne() throws Exception {
    Scenario s = SimWorld.scenario();
    s.rollouts.add(SimWorld.rollout(Scenario.Outcome.STUCK));
    try (SimWorld w = new SimWorld(s)) {
      String inFlight = w.colleagueDeploys(SimWorld.OLD_IMAGE.replace("1111", "9999"));
      w.healthStatus = 503;
      Path root = journals.resolve("forced");
      assertThatThrownBy(() -> w.deployer().deploy(w.request(w.staging(), root).withForce(true)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("to web:1, which is stable again");
      JournalRecord last = Journal.readLast(root, "staging");
      assertThat(last.snapshot.taskDefinition).endsWith("web:1");
      assertThat(last.snapshot.inFlightTaskDefinition).isEqualTo(inFlight);
      assertThat(last.snapshot.images).anySatisfy(i -> assertThat(i).isEqualTo("web=" + SimWorld.OLD_IMAGE));
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:1");
      assertThat(w.log()).contains("deploying over deployment").contains("(deploy.force)");
    }
  }

  @Test
  void aDeploymentSupersededByAnotherReportsItAndDoesNotRollBackOverIt() throws Exception {
    Scenario s = SimWorld.scenario();
    s.rollouts.add(SimWorld.rollout(Scenario.Outcome.STUCK)); // ours
    s.rollouts.add(SimWorld.rollout(Scenario.Outcome.SUCCESS)); // the colleague's
    try (SimWorld w = new SimWorld(s)) {
      AtomicInteger polls = new AtomicInteger();
      String[] theirs = new String[1];
      w.sim.onCall("DescribeServiceDeployments", call -> {
        if (polls.incrementAndGet() == 3) { // during our WAIT
          try {
            theirs[0] = w.colleagueDeploys(SimWorld.OLD_IMAGE.replace("1111", "7777"));
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        }
      });
      Path root = journals.resolve("superseded");
      assertThatThrownBy(() -> w.deployer().deploy(w.request(w.staging(), root)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("was superseded during WAIT")
          .hasMessageContaining("superseded by another deployment")
          .hasMessageContaining("Not rolled back")
          .hasMessageNotContaining("ECS rolled it back");
      // ours and theirs, nothing more: no StopServiceDeployment, no UpdateService back over their deployment
      assertThat(w.mutating()).containsExactly("RegisterTaskDefinition", "UpdateService", "RegisterTaskDefinition",
          "UpdateService");
      JournalRecord last = Journal.readLast(root, "staging");
      assertThat(last.outcome).isEqualTo("SUPERSEDED");
      assertThat(last.rollback).isNull();
      w.clock.sleep(Duration.ofMinutes(5));
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).isEqualTo(theirs[0]);
    }
  }

  // ------------------------------------------------------------------ settings, health, counts

  @Test
  void onlyTheRolloutSettingsThePomNamesAreSent() throws Exception {
    Scenario s = SimWorld.scenario();
    s.clusters.get(0).services.get(0).circuitBreaker.enable = false;
    s.clusters.get(0).services.get(0).circuitBreaker.rollback = false;
    s.clusters.get(0).services.get(0).minimumHealthyPercent = 50;
    try (SimWorld w = new SimWorld(s)) {
      // a POM that names no rollout setting at all
      EnvironmentSpec nothing = EnvironmentFactory.create(new EnvironmentFactory.Input("staging", null,
          "shop-staging", "web", List.of("web"), null, null, null, null, null, null, null, null, null, null, null,
          List.of(), false, null, null, "15s"), "eu-west-1");
      assertThat(w.deployer().deploy(w.request(nothing, journals)).outcome).isEqualTo("SUCCEEDED");
      JsonNode sent = SimWorld.JSON.readTree(w.firstCall("UpdateService", 0).requestBody());
      assertThat(sent.has("deploymentConfiguration")).as(sent.toString()).isFalse();

      // a POM that names only maxPercent: the service's breaker, strategy and minimum stay as they are
      EnvironmentSpec onlyMax = EnvironmentFactory.create(new EnvironmentFactory.Input("staging", null,
          "shop-staging", "web", List.of("web"), null, null, null, 150, null, null, null, null, null, null, null,
          List.of(), false, null, null, "15s"), "eu-west-1");
      w.deployer().deploy(new DeployRequest(onlyMax, SimWorld.NEW_IMAGE.replace("2222", "3333"), false, false, null,
          journals));
      JsonNode second = SimWorld.JSON.readTree(w.firstCall("UpdateService", 1).requestBody())
          .path("deploymentConfiguration");
      assertThat(second.path("maximumPercent").asInt()).isEqualTo(150);
      assertThat(second.path("minimumHealthyPercent").asInt()).isEqualTo(50);
      assertThat(second.path("deploymentCircuitBreaker").path("enable").asBoolean(true)).isFalse();
      JsonNode dc = w.sim.service("shop-staging", "web").path("deploymentConfiguration");
      assertThat(dc.path("deploymentCircuitBreaker").path("enable").asBoolean(true)).isFalse();
      assertThat(dc.path("strategy").asText()).isEqualTo("ROLLING");
      assertThat(dc.path("minimumHealthyPercent").asInt()).isEqualTo(50);
    }
  }

  @Test
  void targetsThatAreAllDrainingFailTheHealthCheck() throws Exception {
    Scenario s = SimWorld.scenario();
    String tg = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-staging/0123456789abcdef";
    s.clusters.get(0).services.get(0).loadBalancers.add(SimWorld.JSON.createObjectNode()
        .put("targetGroupArn", tg).put("containerName", "web").put("containerPort", 8080));
    Scenario.TargetGroup group = new Scenario.TargetGroup();
    group.arn = tg;
    group.state = "draining"; // every target of the new revision leaves as soon as it registered
    s.targetGroups.add(group);
    try (SimWorld w = new SimWorld(s)) {
      assertThatThrownBy(() -> w.deployer().deploy(w.request(w.staging(), journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("failed at HEALTH")
          .hasMessageContaining("0/2 targets healthy, 2 draining")
          .hasMessageContaining("Rolled back");
      assertThat(w.healthRequestTimes).isEmpty();
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:1");
    }
  }

  @Test
  void theDesiredCountIsRestoredAfterEcsRolledBackByItself() throws Exception {
    Scenario s = SimWorld.scenario();
    s.rollouts.add(SimWorld.rollout(Scenario.Outcome.CRASH));
    try (SimWorld w = new SimWorld(s)) {
      EnvironmentSpec e = w.staging();
      EnvironmentSpec three = new EnvironmentSpec(e.name(), e.region(), e.cluster(), e.service(), e.containers(), 3,
          e.strategy(), 100, 200, null, null, null, true, true, e.healthCheck(), e.baseUrl(), e.smokeTests(), false,
          e.timeouts());
      assertThatThrownBy(() -> w.deployer().deploy(w.request(three, journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("ECS rolled it back by itself");
      JsonNode svc = w.sim.service("shop-staging", "web");
      assertThat(svc.path("taskDefinition").asText()).endsWith("web:1");
      assertThat(svc.path("desiredCount").asInt()).isEqualTo(2);
      JsonNode restore = SimWorld.JSON.readTree(w.firstCall("UpdateService", 1).requestBody());
      assertThat(restore.has("taskDefinition")).isFalse();
      assertThat(restore.path("desiredCount").asInt()).isEqualTo(2);
      assertThat(Journal.readLast(journals, "staging").outcome).isEqualTo("ROLLED_BACK_BY_ECS");
    }
  }

  @Test
  void behindAClassicLoadBalancerWithoutRolloutStateACompletedDeploymentSucceeds() throws Exception {
    Scenario s = SimWorld.scenario();
    s.clusters.get(0).services.get(0).loadBalancers.add(SimWorld.JSON.createObjectNode()
        .put("loadBalancerName", "web-classic").put("containerName", "web").put("containerPort", 8080));
    try (SimWorld w = new SimWorld(s)) {
      // what ECS answers for such a service: deployments without rolloutState
      assertThat(w.sim.service("shop-staging", "web").path("deployments").get(0).has("rolloutState")).isFalse();
      JournalRecord r = w.deployer().deploy(w.request(w.staging(), journals));
      assertThat(r.outcome).isEqualTo("SUCCEEDED");
      assertThat(w.log()).contains("ECS reports no rolloutState");
      assertThat(w.mutating()).containsExactly("RegisterTaskDefinition", "UpdateService");
      // decided when the old deployment had drained, not at the timeout
      assertThat(r.finishedAt).isBefore(r.startedAt.plus(Duration.ofMinutes(5)));
    }
  }

  @AfterAll
  static void noCredentialInAnyLogOrJournal() throws Exception {
    StringBuilder all = new StringBuilder(String.join("\n", SimWorld.ALL_OUTPUT));
    try (Stream<Path> files = Files.walk(journals)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        all.append(Files.readString(f));
      }
    }
    assertThat(all.toString())
        .doesNotContain(SimWorld.CANARY_SECRET)
        .doesNotContain(SimWorld.CANARY_TOKEN)
        .doesNotContain(SimWorld.CANARY_ACCESS_KEY);
  }
}
