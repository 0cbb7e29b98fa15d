package dev.slipway.deploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.deploy.journal.Journal;
import dev.slipway.deploy.journal.JournalRecord;
import dev.slipway.ecssim.CallRecord;
import dev.slipway.ecssim.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.retry.backoff.FixedDelayBackoffStrategy;
import software.amazon.awssdk.core.waiters.WaiterOverrideConfiguration;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.ecs.EcsClient;

/**
 * The deployment state machine end to end through the real SDK clients against the ECS simulator: every outcome the
 * issue lists, with the simulator's call record as the witness of what was (not) changed.
 */
class DeployerScenarioTest {
  @TempDir static Path journals;

  @Test
  void successRegistersCopyUpdatesWaitsChecksAndJournals() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      JournalRecord r = w.deployer().deploy(w.request(w.staging(), journals));

      assertThat(r.outcome).isEqualTo("SUCCEEDED");
      assertThat(w.mutating()).containsExactly("RegisterTaskDefinition", "UpdateService");
      // the canary credentials really signed the calls, so the final grep for them means something
      assertThat(w.sim.calls()).allSatisfy(c -> assertThat(c.accessKeyId()).isEqualTo(SimWorld.CANARY_ACCESS_KEY));
      JsonNode svc = w.sim.service("shop-staging", "web");
      assertThat(svc.path("taskDefinition").asText()).endsWith("task-definition/web:2");
      assertThat(svc.path("deployments")).hasSize(1);
      assertThat(svc.path("runningCount").asInt()).isEqualTo(2);

      // the registered copy: new image in "web" only, empty env value kept, tags kept, no read-only field sent
      JsonNode registered = SimWorld.JSON.readTree(w.firstCall("RegisterTaskDefinition", 0).requestBody());
      assertThat(registered.has("taskDefinitionArn")).isFalse();
      assertThat(registered.has("revision")).isFalse();
      assertThat(registered.has("requiresAttributes")).isFalse();
      assertThat(registered.has("compatibilities")).isFalse();
      assertThat(registered.has("registeredAt")).isFalse();
      JsonNode web = registered.path("containerDefinitions").get(0);
      assertThat(web.path("image").asText()).isEqualTo(SimWorld.NEW_IMAGE);
      assertThat(registered.path("containerDefinitions").get(1).path("image").asText()).contains("fluent-bit");
      assertThat(web.path("environment").toString()).contains("{\"name\":\"FEATURE_FLAGS\",\"value\":\"\"}");
      assertThat(registered.path("tags").toString()).contains("\"team\"").contains("\"shop\"");
      assertThat(registered.path("executionRoleArn").asText()).endsWith("role/ecsTaskExecutionRole");

      JournalRecord last = Journal.readLast(journals, "staging");
      assertThat(last.outcome).isEqualTo("SUCCEEDED");
      assertThat(last.snapshot.taskDefinition).endsWith("web:1");
      assertThat(last.snapshot.desiredCount).isEqualTo(2);
      assertThat(last.newTaskDefinition).endsWith("web:2");
      assertThat(last.deploymentId).startsWith("ecs-svc/");
      assertThat(last.steps).extracting(s -> s.step)
          .containsExactly("PREFLIGHT", "CONFIRM", "SNAPSHOT", "REGISTER", "UPDATE", "WAIT", "HEALTH", "SMOKE", "DONE");
      assertThat(w.healthRequestTimes).isNotEmpty();
      assertThat(w.smokeCount.get()).isEqualTo(1);
      assertThat(w.log()).contains("EVENT").contains("has started 1 tasks");
    }
  }

  @Test
  void circuitBreakerRollbackByEcsIsReportedAsFailureWhileTheSdkWaiterCallsItStable() throws Exception {
    Scenario s = SimWorld.scenario();
    s.rollouts.add(SimWorld.rollout(Scenario.Outcome.CRASH));
    try (SimWorld w = new SimWorld(s)) {
      assertThatThrownBy(() -> w.deployer().deploy(w.request(w.staging(), journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("ECS rolled")
          .hasMessageContaining("web:1, which is stable again")
          .satisfies(e -> assertThat(((DeployFailedException) e).rolledBack()).isTrue());

      // ECS did the rollback: we issued no StopServiceDeployment and no second UpdateService
      assertThat(w.mutating()).containsExactly("RegisterTaskDefinition", "UpdateService");
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:1");
      JournalRecord last = Journal.readLast(journals, "staging");
      assertThat(last.outcome).isEqualTo("ROLLED_BACK_BY_ECS");
      assertThat(last.rollback.method).isEqualTo("ECS");

      // the upstream bug this guards against: the SDK's stability waiter is satisfied by the rolled-back service
      try (EcsClient ecs = EcsClient.builder().endpointOverride(w.sim.endpoint()).region(Region.EU_WEST_1)
          .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDWAITER", "x")))
          .build()) {
        var waited = ecs.waiter().waitUntilServicesStable(
            software.amazon.awssdk.services.ecs.model.DescribeServicesRequest.builder()
                .cluster("shop-staging").services("web").build(),
            WaiterOverrideConfiguration.builder().maxAttempts(3)
                .backoffStrategy(FixedDelayBackoffStrategy.create(Duration.ofMillis(10))).build());
        assertThat(waited.matched().response()).isPresent();
        System.out.println("MEASURE sdk waiter after the ECS rollback: matched=success (the false success we avoid)");
      }
    }
  }

  @Test
  void healthFailureRollsBackWithinOnePollInterval() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      w.healthStatus = 503;
      assertThatThrownBy(() -> w.deployer().deploy(w.request(w.staging(), journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("failed at HEALTH")
          .hasMessageContaining("Rolled back with UpdateService to web:1");

      assertThat(w.mutating()).containsExactly("RegisterTaskDefinition", "UpdateService", "UpdateService");
      CallRecord rollback = w.firstCall("UpdateService", 1);
      assertThat(rollback.requestBody()).contains("web:1");
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:1");
      assertThat(w.healthRequestTimes).hasSize(10);
      long lastCheck = w.healthRequestTimes.get(w.healthRequestTimes.size() - 1);
      long reaction = rollback.atMillis() - lastCheck;
      System.out.println("MEASURE health failure -> rollback UpdateService: " + reaction + " ms on the simulator clock"
          + " (poll interval 15000 ms)");
      assertThat(reaction).isBetween(0L, 15_000L);
      JournalRecord last = Journal.readLast(journals, "staging");
      assertThat(last.outcome).isEqualTo("FAILED_ROLLED_BACK");
      assertThat(last.rollback.succeeded).isTrue();
    }
  }

  /** Staging with rollout settings unlike the service's own (100 %, 200 %, breaker rolls back). */
  private static EnvironmentSpec changedSettings(SimWorld w, EnvironmentSpec.Timeouts timeouts) {
    EnvironmentSpec e = w.staging();
    return new EnvironmentSpec(e.name(), e.region(), e.cluster(), e.service(), e.containers(), null, e.strategy(),
        50, 150, null, null, null, true, false, e.healthCheck(), e.baseUrl(), e.smokeTests(), false,
        timeouts == null ? e.timeouts() : timeouts);
  }

  private static void assertOriginalDeploymentConfiguration(SimWorld w) {
    JsonNode dc = w.sim.service("shop-staging", "web").path("deploymentConfiguration");
    assertThat(dc.path("minimumHealthyPercent").asInt()).isEqualTo(100);
    assertThat(dc.path("maximumPercent").asInt()).isEqualTo(200);
    assertThat(dc.path("deploymentCircuitBreaker").path("enable").asBoolean()).isTrue();
    assertThat(dc.path("deploymentCircuitBreaker").path("rollback").asBoolean()).isTrue();
    assertThat(dc.path("strategy").asText()).isEqualTo("ROLLING");
  }

  @Test
  void rollbackByUpdateServiceRestoresTheDeploymentConfiguration() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      w.healthStatus = 503;
      assertThatThrownBy(() -> w.deployer().deploy(w.request(changedSettings(w, null), journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("Rolled back with UpdateService to web:1");
      // the deployment really changed the settings, so restoring them is observable
      JsonNode sent = SimWorld.JSON.readTree(w.firstCall("UpdateService", 0).requestBody());
      assertThat(sent.path("deploymentConfiguration").path("minimumHealthyPercent").asInt()).isEqualTo(50);

      JsonNode rollback = SimWorld.JSON.readTree(w.firstCall("UpdateService", 1).requestBody());
      assertThat(rollback.path("taskDefinition").asText()).endsWith("web:1");
      assertThat(rollback.path("deploymentConfiguration").path("maximumPercent").asInt()).isEqualTo(200);
      assertThat(w.mutating()).containsExactly("RegisterTaskDefinition", "UpdateService", "UpdateService");
      assertOriginalDeploymentConfiguration(w);
      assertThat(Journal.readLast(journals, "staging").snapshot.deploymentConfiguration.path("minimumHealthyPercent")
          .asInt()).isEqualTo(100);
    }
  }

  @Test
  void rollbackByStopServiceDeploymentRestoresTheDeploymentConfigurationToo() throws Exception {
    Scenario s = SimWorld.scenario();
    s.rollouts.add(SimWorld.rollout(Scenario.Outcome.STUCK));
    try (SimWorld w = new SimWorld(s)) {
      EnvironmentSpec env = changedSettings(w, new EnvironmentSpec.Timeouts(Duration.ofMinutes(5),
          Duration.ofMinutes(10), Duration.ofSeconds(15)));
      assertThatThrownBy(() -> w.deployer().deploy(w.request(env, journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("Rolled back with StopServiceDeployment");
      // StopServiceDeployment puts the revision back; a settings-only UpdateService puts the configuration back
      assertThat(w.mutating()).containsExactly("RegisterTaskDefinition", "UpdateService", "StopServiceDeployment",
          "UpdateService");
      JsonNode restore = SimWorld.JSON.readTree(w.firstCall("UpdateService", 1).requestBody());
      assertThat(restore.has("taskDefinition")).isFalse();
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:1");
      assertOriginalDeploymentConfiguration(w);
    }
  }

  @Test
  void anAwsErrorDuringHealthIsBlamedOnHealthNotWait() throws Exception {
    Scenario s = SimWorld.scenario();
    // a target group the simulator does not know: DescribeTargetHealth answers TargetGroupNotFound during HEALTH
    s.clusters.get(0).services.get(0).loadBalancers.add(SimWorld.JSON.createObjectNode()
        .put("targetGroupArn", "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/gone/0123456789abcdef")
        .put("containerName", "web").put("containerPort", 8080));
    try (SimWorld w = new SimWorld(s)) {
      assertThatThrownBy(() -> w.deployer().deploy(w.request(w.staging(), journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("failed at HEALTH: AWS call failed")
          .hasMessageContaining("TargetGroupNotFound")
          .hasMessageContaining("Rolled back");
      JournalRecord last = Journal.readLast(journals, "staging");
      assertThat(last.failure).startsWith("HEALTH: ");
      assertThat(last.steps).filteredOn(e -> "FAILED".equals(e.outcome)).extracting(e -> e.step)
          .containsExactly("HEALTH");
      assertThat(last.steps).filteredOn(e -> "WAIT".equals(e.step)).extracting(e -> e.outcome).containsExactly("OK");
    }
  }

  @Test
  void anUnexpectedErrorDuringSmokeIsBlamedOnSmoke() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      EnvironmentSpec e = w.staging();
      // built without the POM factory's URL checks: the runner's own URI parsing throws during SMOKE
      EnvironmentSpec badBase = new EnvironmentSpec(e.name(), e.region(), e.cluster(), e.service(), e.containers(),
          null, e.strategy(), 100, 200, null, null, null, true, true, e.healthCheck(), w.baseUrl() + "/a b",
          e.smokeTests(), false, e.timeouts());
      assertThatThrownBy(() -> w.deployer().deploy(w.request(badBase, journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("failed at SMOKE: unexpected error")
          .hasMessageContaining("Rolled back");
      JournalRecord last = Journal.readLast(journals, "staging");
      assertThat(last.steps).filteredOn(x -> "FAILED".equals(x.outcome)).extracting(x -> x.step)
          .containsExactly("SMOKE");
    }
  }

  @Test
  void smokeFailureRollsBack() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      w.body = "{\"status\":\"DOWN\"}";
      assertThatThrownBy(() -> w.deployer().deploy(w.request(w.staging(), journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("failed at SMOKE")
          .hasMessageContaining("body does not contain")
          .hasMessageContaining("Rolled back");
      assertThat(w.mutating()).containsExactly("RegisterTaskDefinition", "UpdateService", "UpdateService");
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:1");
    }
  }

  @Test
  void timeoutStopsTheDeploymentWithRollback() throws Exception {
    Scenario s = SimWorld.scenario();
    s.rollouts.add(SimWorld.rollout(Scenario.Outcome.STUCK));
    try (SimWorld w = new SimWorld(s)) {
      EnvironmentSpec env = w.staging();
      env = new EnvironmentSpec(env.name(), env.region(), env.cluster(), env.service(), env.containers(), null,
          env.strategy(), 100, 200, null, null, null, true, true, env.healthCheck(), env.baseUrl(), env.smokeTests(),
          false, new EnvironmentSpec.Timeouts(Duration.ofMinutes(5), Duration.ofMinutes(10), Duration.ofSeconds(15)));
      long start = w.virtual.nowMillis();
      EnvironmentSpec e = env;
      assertThatThrownBy(() -> w.deployer().deploy(w.request(e, journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("did not complete within 5 min")
          .hasMessageContaining("Rolled back with StopServiceDeployment");
      assertThat(w.mutating()).containsExactly("RegisterTaskDefinition", "UpdateService", "StopServiceDeployment");
      long stopAt = w.firstCall("StopServiceDeployment", 0).atMillis();
      assertThat(stopAt - start).isBetween(300_000L, 315_000L);
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:1");
    }
  }

  @Test
  void failedRolloutWithoutEcsRollbackIsRolledBackByUsWithinOnePollInterval() throws Exception {
    Scenario s = SimWorld.scenario();
    Scenario.Rollout crash = SimWorld.rollout(Scenario.Outcome.CRASH);
    crash.taskStartSeconds = 7; // the breaker trips at 21 s, between two polls (0, 15, 30 s)
    s.rollouts.add(crash);
    s.clusters.get(0).services.get(0).circuitBreaker.rollback = false;
    try (SimWorld w = new SimWorld(s)) {
      EnvironmentSpec env = w.staging();
      EnvironmentSpec noEcsRollback = new EnvironmentSpec(env.name(), env.region(), env.cluster(), env.service(),
          env.containers(), null, env.strategy(), 100, 200, null, null, null, true, false, env.healthCheck(),
          env.baseUrl(), env.smokeTests(), false, env.timeouts());
      assertThatThrownBy(() -> w.deployer().deploy(w.request(noEcsRollback, journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("FAILED")
          .hasMessageContaining("Rolled back with UpdateService");
      Long failedAt = w.sim.eventTime("shop-staging", "web", "deployment failed");
      long rollbackAt = w.firstCall("UpdateService", 1).atMillis();
      long reaction = rollbackAt - failedAt;
      System.out.println("MEASURE ECS deployment FAILED -> our rollback UpdateService: " + reaction
          + " ms on the simulator clock (poll interval 15000 ms)");
      assertThat(reaction).isBetween(0L, 15_000L);
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:1");
    }
  }

  @Test
  void loadBalancerTargetsUnhealthyRollBack() throws Exception {
    Scenario s = SimWorld.scenario();
    String tg = "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/web-staging/0123456789abcdef";
    s.clusters.get(0).services.get(0).loadBalancers.add(SimWorld.JSON.createObjectNode()
        .put("targetGroupArn", tg).put("containerName", "web").put("containerPort", 8080));
    Scenario.TargetGroup group = new Scenario.TargetGroup();
    group.arn = tg;
    group.state = "unhealthy";
    group.reason = "Target.ResponseCodeMismatch";
    s.targetGroups.add(group);
    try (SimWorld w = new SimWorld(s)) {
      assertThatThrownBy(() -> w.deployer().deploy(w.request(w.staging(), journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("target group")
          .hasMessageContaining("Target.ResponseCodeMismatch")
          .hasMessageContaining("Rolled back");
      assertThat(w.sim.calls("DescribeTargetHealth")).hasSize(11); // PREFLIGHT's permission probe, then 10 attempts
      assertThat(w.healthRequestTimes).isEmpty();
    }
  }

  @Test
  void aFailedRollbackIsReportedLoudlyWithTheJournal() throws Exception {
    Scenario s = SimWorld.scenario();
    s.rollouts.add(SimWorld.rollout(Scenario.Outcome.SUCCESS));
    s.defaultRollout = SimWorld.rollout(Scenario.Outcome.CRASH); // web:1 cannot start any more
    try (SimWorld w = new SimWorld(s)) {
      w.healthStatus = 500;
      EnvironmentSpec e = w.staging();
      EnvironmentSpec shortRollback = new EnvironmentSpec(e.name(), e.region(), e.cluster(), e.service(),
          e.containers(), null, e.strategy(), 100, 200, null, null, null, true, true, e.healthCheck(), e.baseUrl(),
          e.smokeTests(), false, new EnvironmentSpec.Timeouts(Duration.ofMinutes(30), Duration.ofMinutes(5),
              Duration.ofSeconds(15)));
      assertThatThrownBy(() -> w.deployer().deploy(w.request(shortRollback, journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("ROLLBACK FAILED")
          .hasMessageContaining("did not become stable within 5 min")
          .hasMessageContaining(journals.resolve("staging").toString())
          .satisfies(x -> assertThat(((DeployFailedException) x).rolledBack()).isFalse());
      assertThat(w.log()).contains("[ERROR] ROLLBACK FAILED");
      JournalRecord last = Journal.readLast(journals, "staging");
      assertThat(last.outcome).isEqualTo("ROLLBACK_FAILED");
      assertThat(last.rollback.succeeded).isFalse();
    }
  }

  @Test
  void throttlingAndServerErrorsAreRetriedBySdk() throws Exception {
    Scenario s = SimWorld.scenario();
    s.faults.add(SimWorld.fault("DescribeServices", "ThrottlingException", 2));
    s.faults.add(SimWorld.fault("UpdateService", "ServerException", 1));
    s.faults.add(SimWorld.fault("GetCallerIdentity", "Throttling", 1));
    try (SimWorld w = new SimWorld(s)) {
      JournalRecord r = w.deployer().deploy(w.request(w.staging(), journals));
      assertThat(r.outcome).isEqualTo("SUCCEEDED");
      assertThat(w.sim.calls("DescribeServices")).extracting(CallRecord::status).startsWith(400, 400, 200);
      assertThat(w.sim.calls("UpdateService")).extracting(CallRecord::status).containsExactly(500, 200);
      assertThat(w.sim.calls("GetCallerIdentity")).extracting(CallRecord::status).containsExactly(400, 200);
    }
  }

  @Test
  void ctrlCDuringTheRolloutRollsBack() throws Exception {
    Scenario s = SimWorld.scenario();
    s.rollouts.add(SimWorld.rollout(Scenario.Outcome.STUCK));
    try (SimWorld w = new SimWorld(s)) {
      AtomicReference<Runnable> hook = new AtomicReference<>();
      ShutdownHooks capture = new ShutdownHooks() {
        @Override
        public Object register(Runnable h) {
          hook.set(h);
          return h;
        }

        @Override
        public void unregister(Object handle) {}
      };
      Deployer deployer = w.deployer(capture);
      CompletableFuture<Throwable> run = CompletableFuture.supplyAsync(() -> {
        try {
          deployer.deploy(w.request(w.staging(), journals));
          return null;
        } catch (Throwable t) {
          return t;
        }
      });
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      // PREFLIGHT reads the service deployment too: wait for WAIT's first poll after UpdateService
      while (!polledAfter(w, "UpdateService", "DescribeServiceDeployments")) {
        assertThat(System.nanoTime()).as("deployment reached WAIT").isLessThan(deadline);
        Thread.sleep(5);
      }
      hook.get().run(); // what the JVM runs on Ctrl-C
      Throwable t = run.get(30, TimeUnit.SECONDS);
      assertThat(t).isInstanceOf(DeployFailedException.class).hasMessageContaining("interrupted")
          .hasMessageContaining("Rolled back with StopServiceDeployment");
      assertThat(w.mutating()).containsExactly("RegisterTaskDefinition", "UpdateService", "StopServiceDeployment");
      assertThat(w.sim.service("shop-staging", "web").path("taskDefinition").asText()).endsWith("web:1");
      JournalRecord last = Journal.readLast(journals, "staging");
      assertThat(last.rollback.reason).contains("interrupted");
      assertThat(last.rollback.succeeded).isTrue();
    }
  }

  /** Whether a call of {@code then} was answered after the first call of {@code first}. */
  static boolean polledAfter(SimWorld w, String first, String then) {
    boolean seen = false;
    for (CallRecord c : w.sim.calls()) {
      seen |= c.operation().equals(first);
      if (seen && c.operation().equals(then)) {
        return true;
      }
    }
    return false;
  }

  @Test
  void aRollbackRequestedAfterTheDeploymentFinishedAnswersInsteadOfNull() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      Deployer deployer = w.deployer();
      assertThat(deployer.deploy(w.request(w.staging(), journals)).outcome).isEqualTo("SUCCEEDED");
      // what the shutdown hook reaches when DONE wins the race after the hook's own check
      Rollback.Result late = deployer.rollbackOnce("interrupted (Ctrl-C)", false);
      assertThat(late).isNotNull();
      assertThat(late.succeeded()).isFalse();
      assertThat(late.method()).isEqualTo("NONE");
      deployer.onShutdown();
      assertThat(w.mutating()).containsExactly("RegisterTaskDefinition", "UpdateService");
      assertThat(Journal.readLast(journals, "staging").outcome).isEqualTo("SUCCEEDED");
    }
  }

  @Test
  void productionInBatchModeWithoutConfirmationIsRefusedBeforeAnyChange() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      EnvironmentSpec prod = w.env("production", true);
      assertThatThrownBy(() -> w.deployer().deploy(w.request(prod, journals)))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("requires confirmation")
          .hasMessageContaining("-Ddeploy.confirm=production");
      assertThatThrownBy(() -> w.deployer().deploy(
          new DeployRequest(prod, SimWorld.NEW_IMAGE, false, false, "staging", journals)))
          .hasMessageContaining("does not match");
      assertThat(w.sim.mutatingCalls()).isEmpty();
      assertThat(Files.exists(journals.resolve("production"))).isFalse();

      // a wrong answer at the prompt is refused too; the right one deploys
      Deployer typo = new Deployer(w.gateway, new dev.slipway.deploy.checks.JdkHttpProbe(), w.clock,
          q -> "prod", SimWorld.noHooks(), w.redactor, w.log);
      assertThatThrownBy(() -> typo.deploy(new DeployRequest(prod, SimWorld.NEW_IMAGE, false, true, null, journals)))
          .hasMessageContaining("typed 'prod'");
      assertThat(w.sim.mutatingCalls()).isEmpty();

      JournalRecord ok = w.deployer().deploy(
          new DeployRequest(prod, SimWorld.NEW_IMAGE, false, false, "production", journals));
      assertThat(ok.outcome).isEqualTo("SUCCEEDED");
      assertThat(w.sim.service("shop-production", "web").path("runningCount").asInt()).isEqualTo(4);
    }
  }

  @Test
  void dryRunPrintsPlanAndDiffWithoutAnyMutatingCall() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      JournalRecord r = w.deployer().deploy(
          new DeployRequest(w.env("production", true), SimWorld.NEW_IMAGE, true, false, null, journals));
      assertThat(r).isNull();
      assertThat(w.sim.mutatingCalls()).isEmpty();
      assertThat(w.sim.calls()).isNotEmpty();
      assertThat(w.log())
          .contains("DRY RUN")
          .contains("~ /containerDefinitions/0/image: \"" + SimWorld.OLD_IMAGE + "\" -> \"" + SimWorld.NEW_IMAGE + "\"")
          .contains("(1 change(s))")
          .contains("CONFIRM (production)");
    }
  }

  @Test
  void unknownContainerAndMissingServiceAreConfigurationErrors() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      EnvironmentSpec e = w.staging();
      EnvironmentSpec badContainer = new EnvironmentSpec(e.name(), e.region(), e.cluster(), e.service(),
          List.of("api"), null, e.strategy(), null, null, null, null, null, null, null, null, null, null, false, null);
      assertThatThrownBy(() -> w.deployer().deploy(w.request(badContainer, journals)))
          .hasMessageContaining("container 'api' is not in task definition web:1")
          .hasMessageContaining("[web, log-router]");
      EnvironmentSpec badService = new EnvironmentSpec(e.name(), e.region(), "nope", e.service(),
          List.of(), null, e.strategy(), null, null, null, null, null, null, null, null, null, null, false, null);
      assertThatThrownBy(() -> w.deployer().deploy(w.request(badService, journals)))
          .hasMessageContaining("cluster 'nope' does not exist");
      assertThat(w.sim.mutatingCalls()).isEmpty();
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
    assertThat(all.length()).isGreaterThan(1000);
    assertThat(all.toString())
        .doesNotContain(SimWorld.CANARY_SECRET)
        .doesNotContain(SimWorld.CANARY_TOKEN)
        .doesNotContain(SimWorld.CANARY_ACCESS_KEY);
  }
}
