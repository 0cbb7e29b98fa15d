package dev.slipway.deploy.pipeline;

import dev.slipway.common.Durations;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.deploy.checks.CheckResult;
import dev.slipway.deploy.checks.HealthChecker;
import dev.slipway.deploy.checks.HttpProbe;
import dev.slipway.deploy.checks.SmokeTestRunner;
import dev.slipway.deploy.ecs.EcsGateway;
import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.ecs.EcsGateway.ServiceDeploymentView;
import dev.slipway.deploy.ecs.EcsGateway.ServiceView;
import dev.slipway.deploy.ecs.EcsGateway.TaskDefinitionDraft;
import dev.slipway.deploy.ecs.EcsGateway.TaskDefinitionView;
import dev.slipway.deploy.ecs.EcsGateway.TargetHealth;
import dev.slipway.deploy.journal.Journal;
import dev.slipway.deploy.journal.JournalRecord;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code deploy:ecs}: PREFLIGHT → CONFIRM → SNAPSHOT → REGISTER → UPDATE → WAIT → HEALTH → SMOKE → DONE, and ROLLBACK
 * when anything fails after UPDATE (or the build is interrupted). Every step is logged and journaled. Success is
 * decided from our own deployment's id and states, never from "the service looks stable". Nothing mutating happens
 * before CONFIRM has passed, and nothing mutating at all in a dry run.
 */
public final class Deployer {
  private static final Set<String> IN_PROGRESS = Set.of("PENDING", "IN_PROGRESS");

  private final EcsGateway gateway;
  private final HttpProbe probe;
  private final Clock clock;
  private final Prompter prompter;
  private final ShutdownHooks hooks;
  private final Redactor redactor;
  private final Log log;

  // state shared between the deploying thread and the shutdown hook
  private final Object rollbackLock = new Object();
  private volatile boolean aborted;
  private volatile boolean updateIssued;
  private volatile boolean finished;
  private RollbackResult rollbackResult;
  private Context ctx;

  /** The result of rolling back, shared by whoever asked first (a failed step or the shutdown hook). */
  record RollbackResult(boolean succeeded, String method, String detail) {}

  private static final class Context {
    EnvironmentSpec env;
    Journal journal;
    JournalRecord.Snapshot snapshot;
    String deploymentId;
    String serviceDeploymentArn;
    String newTaskDefinition;
    DeploymentWatcher watcher;
  }

  public Deployer(EcsGateway gateway, HttpProbe probe, Clock clock, Prompter prompter, ShutdownHooks hooks,
      Redactor redactor, Log log) {
    this.gateway = gateway;
    this.probe = probe;
    this.clock = clock;
    this.prompter = prompter;
    this.hooks = hooks;
    this.redactor = redactor;
    this.log = log.redacting(redactor);
  }

  /**
   * Runs the deployment. Returns the journal of a finished deployment (null for a dry run); throws
   * {@link DeployFailedException} when it failed (saying whether it was rolled back), {@link InvalidInputException}
   * for configuration that does not match the service, {@link AwsException} when AWS could not be used before any
   * change was made.
   */
  public JournalRecord deploy(DeployRequest request)
      throws DeployFailedException, InvalidInputException, AwsException, InterruptedException {
    EnvironmentSpec env = request.environment();
    ctx = new Context();
    ctx.env = env;
    ctx.watcher = new DeploymentWatcher(gateway, clock, log);

    // PREFLIGHT: reads only
    Instant preflightAt = clock.now();
    log.info("PREFLIGHT environment " + env.name() + ": service " + env.service() + " in cluster " + env.cluster()
        + (env.region() == null ? "" : " (" + env.region() + ")") + ", image " + request.image());
    String caller = gateway.callerIdentity();
    log.info("PREFLIGHT calling AWS as " + caller);
    String clusterStatus = gateway.clusterStatus(env.cluster());
    if (!"ACTIVE".equals(clusterStatus)) {
      throw new InvalidInputException("environment " + env.name() + ": cluster '" + env.cluster() + "' "
          + (clusterStatus == null ? "does not exist" : "is " + clusterStatus + ", not ACTIVE")
          + (env.region() == null ? "" : " in region " + env.region()));
    }
    ServiceView svc = gateway.service(env.cluster(), env.service());
    if (svc == null || !"ACTIVE".equals(svc.status())) {
      throw new InvalidInputException("environment " + env.name() + ": service '" + env.service() + "' "
          + (svc == null ? "does not exist" : "is " + svc.status() + ", not ACTIVE") + " in cluster " + env.cluster());
    }
    if (!"ECS".equals(svc.deploymentController())) {
      throw new InvalidInputException("environment " + env.name() + ": service " + env.service() + " uses the "
          + svc.deploymentController() + " deployment controller; deploy:ecs supports the ECS controller only"
          + " (ROLLING, and ECS-native BLUE_GREEN, CANARY, LINEAR)");
    }
    if (env.strategy() != EnvironmentSpec.Strategy.ROLLING
        && svc.loadBalancers().stream().noneMatch(EcsGateway.LoadBalancerView::advanced)) {
      throw new InvalidInputException("environment " + env.name() + ": strategy " + env.strategy()
          + " needs a load balancer with advancedConfiguration (alternate target group, listener rules, role) on "
          + "service " + env.service() + "; it has none. Use strategy ROLLING or configure the service first.");
    }
    TaskDefinitionView current = gateway.taskDefinition(svc.taskDefinition());
    Map<String, String> images = imagesFor(env, current, request.image());
    TaskDefinitionDraft draft = gateway.draft(current.arn(), images);
    List<String> diff = TaskDefinitionDiff.diff(draft.current(), draft.proposed());
    log.info("PREFLIGHT ok: " + svc.runningCount() + "/" + svc.desiredCount() + " running "
        + DeploymentWatcher.shortArn(current.arn()));

    if (request.dryRun()) {
      printPlan(env, svc, current, images, diff);
      return null;
    }

    // CONFIRM: before anything changes
    Instant confirmAt = clock.now();
    String confirmation = confirm(request);

    // SNAPSHOT
    Instant started = clock.now();
    JournalRecord record = new JournalRecord();
    record.environment = env.name();
    record.region = env.region();
    record.cluster = env.cluster();
    record.service = env.service();
    record.image = request.image();
    record.caller = caller;
    record.startedAt = started;
    JournalRecord.Snapshot snap = new JournalRecord.Snapshot();
    snap.serviceArn = svc.arn();
    snap.taskDefinition = svc.taskDefinition();
    snap.desiredCount = svc.desiredCount();
    snap.runningCount = svc.runningCount();
    snap.deploymentConfiguration = svc.deploymentConfiguration();
    snap.previousDeploymentId = svc.primary() == null ? null : svc.primary().id();
    snap.previousServiceDeployment = svc.currentServiceDeployment();
    current.containers().forEach(c -> snap.images.add(c.name() + "=" + c.image()));
    record.snapshot = snap;
    ctx.snapshot = snap;
    ctx.journal = new Journal(request.journalRoot(), env.name(), started, redactor, record);
    // the journal starts here, the first moment there is something to undo; the checks before it are recorded too
    record.steps.add(new JournalRecord.StepEntry(Step.PREFLIGHT.name(), preflightAt, "OK", "caller " + caller
        + ", " + svc.runningCount() + "/" + svc.desiredCount() + " running " + current.arn() + ", "
        + diff.size() + " task definition change(s)"));
    record.steps.add(new JournalRecord.StepEntry(Step.CONFIRM.name(), confirmAt, "OK", confirmation));
    ctx.journal.step(Step.SNAPSHOT.name(), started, "OK", "task definition " + snap.taskDefinition + ", desired "
        + snap.desiredCount);
    ctx.watcher.markSeen(svc);
    log.info("SNAPSHOT " + DeploymentWatcher.shortArn(snap.taskDefinition) + ", desired " + snap.desiredCount
        + " -> " + ctx.journal.file());

    // REGISTER
    TaskDefinitionView registered;
    try {
      registered = gateway.register(draft);
    } catch (AwsException e) {
      return failBeforeChange(Step.REGISTER, "registering the new task definition failed: " + e.getMessage());
    }
    ctx.newTaskDefinition = registered.arn();
    record.newTaskDefinition = registered.arn();
    ctx.journal.step(Step.REGISTER.name(), clock.now(), "OK", registered.arn());
    log.info("REGISTER " + DeploymentWatcher.shortArn(registered.arn()) + " (" + diff.size() + " change(s))");

    // UPDATE (from here on, any failure rolls back; so does Ctrl-C)
    Object hook = hooks.register(this::onShutdown);
    try {
      return updateAndVerify(env, registered);
    } finally {
      hooks.unregister(hook);
    }
  }

  private JournalRecord updateAndVerify(EnvironmentSpec env, TaskDefinitionView registered)
      throws DeployFailedException, InterruptedException {
    JournalRecord record = ctx.journal.record();
    // the step under way, so that an AWS or unexpected error is blamed on the step that raised it
    Step step = Step.UPDATE;
    try {
      updateIssued = true;
      ServiceView updated = gateway.updateService(env.cluster(), env.service(), registered.arn(), env.desiredCount(),
          settings(env));
      var primary = updated.primary();
      if (primary == null || !registered.arn().equals(primary.taskDefinition())) {
        return failAndRollBack(Step.UPDATE, "UpdateService did not start a deployment of "
            + DeploymentWatcher.shortArn(registered.arn()), clock.now(), false);
      }
      ctx.deploymentId = primary.id();
      ctx.serviceDeploymentArn = updated.currentServiceDeployment();
      record.deploymentId = ctx.deploymentId;
      record.serviceDeployment = ctx.serviceDeploymentArn;
      ctx.journal.step(Step.UPDATE.name(), clock.now(), "OK", "deployment " + ctx.deploymentId
          + (ctx.serviceDeploymentArn == null ? "" : " (" + ctx.serviceDeploymentArn + ")"));
      log.info("UPDATE started deployment " + ctx.deploymentId + " of " + DeploymentWatcher.shortArn(registered.arn()));

      // WAIT
      step = Step.WAIT;
      DeploymentWatcher.Outcome waited = ctx.watcher.awaitDeployment(env.cluster(), env.service(), ctx.deploymentId,
          ctx.serviceDeploymentArn, registered.arn(), env.timeouts().deployment(), env.timeouts().pollInterval(),
          () -> aborted);
      if (!waited.succeeded()) {
        return failAndRollBack(Step.WAIT, waited.reason(), waited.decidedAt(), waited.ecsRolledBack());
      }
      ctx.journal.step(Step.WAIT.name(), waited.decidedAt(), "OK", waited.reason());
      log.info("WAIT " + waited.reason());

      // HEALTH
      step = Step.HEALTH;
      CheckResult health = health(env, updated);
      if (!health.passed()) {
        return failAndRollBack(Step.HEALTH, health.detail(), health.decidedAt(), false);
      }
      ctx.journal.step(Step.HEALTH.name(), health.decidedAt(), "OK", health.detail());
      if (aborted) {
        return failAndRollBack(Step.HEALTH, "interrupted", clock.now(), false);
      }

      // SMOKE
      step = Step.SMOKE;
      if (!env.smokeTests().isEmpty()) {
        CheckResult smoke = new SmokeTestRunner(probe, clock::now, log).run(env.baseUrl(), env.smokeTests());
        if (!smoke.passed()) {
          return failAndRollBack(Step.SMOKE, smoke.detail(), smoke.decidedAt(), false);
        }
        ctx.journal.step(Step.SMOKE.name(), smoke.decidedAt(), "OK", smoke.detail());
      }

      // DONE, unless the shutdown hook got there first
      synchronized (rollbackLock) {
        if (!aborted) {
          finished = true;
          record.outcome = "SUCCEEDED";
          record.finishedAt = clock.now();
          ctx.journal.step(Step.DONE.name(), record.finishedAt, "OK", "deployed " + record.image);
          log.info("DONE " + env.name() + " runs " + DeploymentWatcher.shortArn(registered.arn()) + " ("
              + record.image + ")");
          return record;
        }
      }
      return failAndRollBack(Step.SMOKE, "interrupted", clock.now(), false);
    } catch (AwsException e) {
      return failAndRollBack(step, "AWS call failed: " + e.getMessage(), clock.now(), false);
    } catch (RuntimeException e) {
      return failAndRollBack(step, "unexpected error: " + e, clock.now(), false);
    }
  }

  private CheckResult health(EnvironmentSpec env, ServiceView svc) throws AwsException, InterruptedException {
    var spec = env.healthCheck();
    int attempts = spec == null ? 10 : spec.attempts();
    var interval = spec == null ? java.time.Duration.ofSeconds(10) : spec.interval();
    for (EcsGateway.LoadBalancerView lb : svc.loadBalancers()) {
      if (lb.targetGroupArn() == null) {
        continue;
      }
      String last = "no targets registered";
      boolean healthy = false;
      for (int attempt = 1; attempt <= attempts && !healthy && !aborted; attempt++) {
        List<TargetHealth> targets = gateway.targetHealth(lb.targetGroupArn());
        long ok = targets.stream().filter(t -> "healthy".equals(t.state())).count();
        List<String> bad = new ArrayList<>();
        targets.stream().filter(t -> !"healthy".equals(t.state()) && !"draining".equals(t.state()))
            .forEach(t -> bad.add(t.id() + ":" + t.port() + " " + t.state()
                + (t.reason() == null ? "" : " (" + t.reason() + ")")));
        last = ok + "/" + targets.size() + " targets healthy" + (bad.isEmpty() ? "" : "; " + String.join(", ", bad));
        log.info("HEALTH target group " + DeploymentWatcher.shortArn(lb.targetGroupArn()) + ": " + last
            + " (attempt " + attempt + " of " + attempts + ")");
        healthy = !targets.isEmpty() && bad.isEmpty();
        if (!healthy && attempt < attempts) {
          clock.sleep(interval);
        }
      }
      if (!healthy) {
        return new CheckResult(false, "load balancer target group " + lb.targetGroupArn() + " is not healthy: "
            + last, clock.now());
      }
    }
    if (spec == null || spec.url() == null) {
      return new CheckResult(true, svc.loadBalancers().isEmpty() ? "no health check configured"
          : "load balancer targets healthy", clock.now());
    }
    return new HealthChecker(probe, clock::now, clock::sleep, log).run(spec);
  }

  private static EcsGateway.DeploymentSettings settings(EnvironmentSpec env) {
    return new EcsGateway.DeploymentSettings(env.strategy().name(), env.minimumHealthyPercent(),
        env.maximumPercent(), env.circuitBreakerEnable(), env.circuitBreakerRollback(), env.bakeTimeMinutes(),
        env.stepPercent(), env.stepBakeTimeMinutes());
  }

  /** Returns how the deployment was confirmed (for the journal), or throws if it was not. */
  private String confirm(DeployRequest request) throws DeployFailedException {
    EnvironmentSpec env = request.environment();
    if (!env.requireConfirmation()) {
      return "not required for " + env.name();
    }
    if (request.confirm() != null) {
      if (request.confirm().equals(env.name())) {
        log.info("CONFIRM deploy.confirm=" + env.name() + " matches the environment");
        return "deploy.confirm=" + env.name();
      }
      throw refused("-Ddeploy.confirm=" + request.confirm() + " does not match the environment name '" + env.name()
          + "'; nothing was changed");
    }
    if (!request.interactive()) {
      throw refused("environment '" + env.name() + "' requires confirmation and this build is in batch mode: "
          + "re-run with -Ddeploy.confirm=" + env.name() + " to confirm; nothing was changed");
    }
    String answer = prompter.ask("Deploying to " + env.name() + " (" + env.cluster() + "/" + env.service()
        + "). Type the environment name to continue: ");
    if (answer == null || !answer.strip().equals(env.name())) {
      throw refused("confirmation for environment '" + env.name() + "' was not given"
          + (answer == null ? " (no terminal to ask)" : " (typed '" + answer.strip() + "')") + "; nothing was changed");
    }
    log.info("CONFIRM confirmed at the prompt");
    return "confirmed at the prompt";
  }

  private DeployFailedException refused(String message) {
    log.error("CONFIRM refused: " + message);
    return new DeployFailedException("Deployment refused: " + message, null, false);
  }

  private static Map<String, String> imagesFor(EnvironmentSpec env, TaskDefinitionView td, String image)
      throws InvalidInputException {
    List<String> names = new ArrayList<>();
    td.containers().forEach(c -> names.add(c.name()));
    List<String> targets = env.containers();
    if (targets.isEmpty()) {
      if (names.size() != 1) {
        throw new InvalidInputException("environment " + env.name() + ": <containers> is empty but task definition "
            + DeploymentWatcher.shortArn(td.arn()) + " has " + names.size() + " containers " + names
            + "; name the container(s) to update");
      }
      targets = names;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String t : targets) {
      if (td.container(t) == null) {
        throw new InvalidInputException("environment " + env.name() + ": container '" + t + "' is not in task "
            + "definition " + DeploymentWatcher.shortArn(td.arn()) + "; its containers are " + names);
      }
      out.put(t, image);
    }
    return out;
  }

  private void printPlan(EnvironmentSpec env, ServiceView svc, TaskDefinitionView current, Map<String, String> images,
      List<String> diff) {
    log.info("DRY RUN: plan for environment " + env.name() + " (no change will be made)");
    log.info("  service     " + env.cluster() + "/" + env.service() + ": " + svc.runningCount() + "/"
        + svc.desiredCount() + " running " + DeploymentWatcher.shortArn(current.arn()));
    images.forEach((c, i) -> log.info("  container   " + c + ": " + current.container(c).image() + " -> " + i));
    log.info("  rollout     " + env.strategy() + (env.minimumHealthyPercent() == null ? ""
        : ", min healthy " + env.minimumHealthyPercent() + " %") + (env.maximumPercent() == null ? ""
        : ", max " + env.maximumPercent() + " %") + (env.circuitBreakerEnable() == null ? ""
        : ", circuit breaker " + (env.circuitBreakerEnable() ? "on" : "off")) + ", desired "
        + (env.desiredCount() == null ? svc.desiredCount() + " (unchanged)" : env.desiredCount()));
    log.info("  steps       " + (env.requireConfirmation() ? "CONFIRM (" + env.name() + ") -> " : "")
        + "SNAPSHOT -> REGISTER " + current.family() + ":<next> -> UPDATE -> WAIT (timeout "
        + Durations.format(env.timeouts().deployment()) + ", poll " + Durations.format(env.timeouts().pollInterval())
        + ") -> HEALTH" + (svc.loadBalancers().isEmpty() ? "" : " (target groups)")
        + (env.healthCheck() == null ? "" : " (" + env.healthCheck().url() + ")")
        + (env.smokeTests().isEmpty() ? "" : " -> SMOKE (" + env.smokeTests().size() + " test(s))") + " -> DONE");
    log.info("Task definition diff " + DeploymentWatcher.shortArn(current.arn()) + " -> " + current.family()
        + ":<next> (" + diff.size() + " change(s)):");
    diff.forEach(line -> log.info("  " + line));
  }

  private JournalRecord failBeforeChange(Step step, String reason) throws DeployFailedException {
    JournalRecord record = ctx.journal.record();
    record.outcome = "FAILED";
    record.failure = reason;
    record.failureDetectedAt = clock.now();
    record.finishedAt = clock.now();
    ctx.journal.step(step.name(), clock.now(), "FAILED", reason);
    log.error(step + " " + reason);
    throw new DeployFailedException("Deployment to " + ctx.env.name() + " failed at " + step + ": " + reason
        + ". The service was not changed. Journal: " + ctx.journal.file(), ctx.journal.file(), false);
  }

  private JournalRecord failAndRollBack(Step step, String reason, Instant detectedAt, boolean ecsRolledBack)
      throws DeployFailedException, InterruptedException {
    JournalRecord record = ctx.journal.record();
    synchronized (rollbackLock) {
      if (record.failure == null) {
        record.failure = step + ": " + reason;
        record.failureDetectedAt = detectedAt;
      }
    }
    ctx.journal.step(step.name(), detectedAt, "FAILED", reason);
    log.error(step + " failed: " + reason);
    RollbackResult rb = rollbackOnce(reason, ecsRolledBack);
    String what = aborted ? "was interrupted" : "failed at " + step + ": " + reason;
    if (rb.succeeded()) {
      throw new DeployFailedException("Deployment to " + ctx.env.name() + " " + what + ". "
          + ("ECS".equals(rb.method()) ? "ECS rolled it back by itself" : "Rolled back with " + rb.method())
          + " to " + DeploymentWatcher.shortArn(ctx.snapshot.taskDefinition) + ", which is stable again. Journal: "
          + ctx.journal.file(), ctx.journal.file(), true);
    }
    String loud = "ROLLBACK FAILED: deployment to " + ctx.env.name() + " " + what + ", and rolling back to "
        + ctx.snapshot.taskDefinition + " did not succeed (" + rb.detail() + "). The service may be running the new "
        + "revision " + ctx.newTaskDefinition + ". Restore it by hand from the snapshot in " + ctx.journal.file()
        + " (or run mvn deploy:rollback -Denv=" + ctx.env.name() + ").";
    log.error(loud);
    throw new DeployFailedException(loud, ctx.journal.file(), false);
  }

  /** What the shutdown hook runs: roll back if a deployment is under way and not finished. */
  public void onShutdown() {
    if (finished || !updateIssued) {
      return;
    }
    aborted = true;
    log.warn("Interrupted during the deployment to " + ctx.env.name() + ": rolling back before exiting");
    try {
      RollbackResult r = rollbackOnce("interrupted (Ctrl-C)", false);
      if ("NONE".equals(r.method())) {
        log.warn("Interrupted just as the deployment finished: " + r.detail());
        return;
      }
      log.warn("Rollback after interrupt " + (r.succeeded() ? "succeeded: " : "FAILED: ") + r.detail()
          + " (journal " + ctx.journal.file() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Sends the snapshot's deployment configuration back when the service no longer has it; a no-op otherwise. */
  private void restoreDeploymentConfiguration(EnvironmentSpec env) throws AwsException {
    var recorded = ctx.snapshot.deploymentConfiguration;
    if (recorded == null || recorded.isEmpty()) {
      return;
    }
    ServiceView now = gateway.service(env.cluster(), env.service());
    if (now != null && !recorded.equals(now.deploymentConfiguration())) {
      log.warn("ROLLBACK restoring the deployment configuration the snapshot recorded: " + recorded);
      gateway.restoreService(env.cluster(), env.service(), null, null, recorded);
    }
  }

  /**
   * Rolls back unless someone already did (then returns their result) or the deployment finished meanwhile (then
   * returns a result with method {@code NONE}): never null, as the shutdown hook can lose the race with DONE.
   */
  RollbackResult rollbackOnce(String reason, boolean ecsRolledBack) throws InterruptedException {
    synchronized (rollbackLock) {
      if (rollbackResult != null) {
        return rollbackResult;
      }
      if (finished) {
        return new RollbackResult(false, "NONE", "the deployment had already finished; nothing was rolled back");
      }
      rollbackResult = doRollback(reason, ecsRolledBack);
      return rollbackResult;
    }
  }

  private RollbackResult doRollback(String reason, boolean ecsRolledBack) {
    EnvironmentSpec env = ctx.env;
    JournalRecord record = ctx.journal.record();
    JournalRecord.Rollback rb = new JournalRecord.Rollback();
    record.rollback = rb;
    rb.reason = reason;
    rb.toTaskDefinition = ctx.snapshot.taskDefinition;
    try {
      if (ecsRolledBack) {
        rb.method = "ECS";
        rb.requestedAt = clock.now();
        log.warn("ROLLBACK ECS is already rolling back to " + DeploymentWatcher.shortArn(ctx.snapshot.taskDefinition)
            + "; waiting for it");
      } else {
        ServiceDeploymentView sd = ctx.serviceDeploymentArn == null ? null
            : gateway.serviceDeployment(ctx.serviceDeploymentArn);
        if (sd != null && IN_PROGRESS.contains(sd.status())) {
          rb.method = "StopServiceDeployment";
          rb.requestedAt = clock.now();
          log.warn("ROLLBACK stopping deployment " + ctx.deploymentId + " with ROLLBACK (" + reason + ")");
          try {
            gateway.stopServiceDeploymentWithRollback(ctx.serviceDeploymentArn);
          } catch (AwsException e) {
            log.warn("ROLLBACK StopServiceDeployment refused (" + e.getMessage() + "); falling back to UpdateService");
            rb.method = "UpdateService";
            rb.requestedAt = clock.now();
            gateway.restoreService(env.cluster(), env.service(), ctx.snapshot.taskDefinition,
                ctx.snapshot.desiredCount, ctx.snapshot.deploymentConfiguration);
          }
        } else {
          rb.method = "UpdateService";
          rb.requestedAt = clock.now();
          log.warn("ROLLBACK updating " + env.service() + " back to "
              + DeploymentWatcher.shortArn(ctx.snapshot.taskDefinition) + " (" + reason + ")");
          // the deployment configuration goes back too: the deployment may have changed strategy, percents or breaker
          gateway.restoreService(env.cluster(), env.service(), ctx.snapshot.taskDefinition, ctx.snapshot.desiredCount,
              ctx.snapshot.deploymentConfiguration);
        }
      }
      ctx.journal.step(Step.ROLLBACK.name(), rb.requestedAt, "STARTED", rb.method + ": " + reason);
      DeploymentWatcher.Outcome stable = ctx.watcher.awaitStable(env.cluster(), env.service(),
          ctx.snapshot.taskDefinition, env.timeouts().rollback(), env.timeouts().pollInterval());
      rb.succeeded = stable.succeeded();
      rb.detail = stable.reason();
      rb.stableAt = stable.succeeded() ? stable.decidedAt() : null;
      if (rb.succeeded && !"UpdateService".equals(rb.method)) {
        // ECS's own rollback and StopServiceDeployment restore the revision, not the settings this deployment sent
        try {
          restoreDeploymentConfiguration(env);
        } catch (AwsException e) {
          rb.detail += "; but restoring the deployment configuration failed (" + e.getMessage() + "): set it by hand"
              + " from /snapshot/deploymentConfiguration in " + ctx.journal.file();
          log.error("ROLLBACK " + rb.detail);
        }
      }
    } catch (AwsException e) {
      rb.succeeded = false;
      rb.detail = e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      rb.succeeded = false;
      rb.detail = "interrupted while rolling back";
    }
    record.outcome = rb.succeeded ? ("ECS".equals(rb.method) ? "ROLLED_BACK_BY_ECS" : "FAILED_ROLLED_BACK")
        : "ROLLBACK_FAILED";
    record.finishedAt = clock.now();
    ctx.journal.step(Step.ROLLBACK.name(), clock.now(), rb.succeeded ? "OK" : "FAILED", rb.detail);
    if (rb.succeeded) {
      log.warn("ROLLBACK done: " + rb.detail);
    }
    return new RollbackResult(rb.succeeded, rb.method, rb.detail);
  }
}
