package dev.slipway.deploy.pipeline;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.deploy.checks.HttpProbe;
import dev.slipway.deploy.ecs.EcsGateway;
import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.journal.JournalRecord;
import dev.slipway.deploy.steps.ConfirmStep;
import dev.slipway.deploy.monitor.CloudWatch;
import dev.slipway.deploy.steps.HealthStep;
import dev.slipway.deploy.steps.NotifyStep;
import dev.slipway.deploy.steps.ReleaseStep;
import dev.slipway.deploy.steps.SummaryStep;
import dev.slipway.deploy.steps.VerifyStep;
import dev.slipway.deploy.steps.MonitorStep;
import dev.slipway.deploy.steps.PlanStep;
import dev.slipway.deploy.steps.PreflightStep;
import dev.slipway.deploy.steps.RegisterStep;
import dev.slipway.deploy.steps.SmokeStep;
import dev.slipway.deploy.steps.SnapshotStep;
import dev.slipway.deploy.steps.UpdateStep;
import dev.slipway.deploy.steps.WaitStep;
import java.util.List;

/**
 * {@code deploy:ecs}: PREFLIGHT → VERIFY → CONFIRM → SNAPSHOT → REGISTER → UPDATE → WAIT → HEALTH → SMOKE → MONITOR →
 * DONE, and ROLLBACK
 * when anything fails after UPDATE (or the build is interrupted). Each step is its own class in
 * {@code dev.slipway.deploy.steps}; the {@link StepRunner} runs them, journals them and rolls back. Success is decided
 * from our own deployment's id and states, never from "the service looks stable". Nothing mutating happens before
 * CONFIRM has passed, and nothing mutating at all in a dry run. Once the outcome is decided, RELEASE (a successful
 * production deployment of a v*.*.* tag), NOTIFY (Slack) and SUMMARY (the CI step summary) run without changing it.
 */
public final class Deployer {
  private final DeployTools tools;
  private final Redactor redactor;
  private final Log log;

  // what the shutdown hook reaches: the deployment under way, if any
  private volatile DeployContext ctx;
  private volatile Rollback rollback;

  /** A deployer without CloudWatch, Slack or releases: an environment that monitors is refused in PREFLIGHT. */
  public Deployer(EcsGateway gateway, HttpProbe probe, Clock clock, Prompter prompter, ShutdownHooks hooks,
      Redactor redactor, Log log) {
    this(gateway, null, probe, clock, prompter, hooks, redactor, log);
  }

  public Deployer(EcsGateway gateway, CloudWatch cloudWatch, HttpProbe probe, Clock clock, Prompter prompter,
      ShutdownHooks hooks, Redactor redactor, Log log) {
    this(new DeployTools(gateway, cloudWatch, probe, clock, prompter, hooks, null, null), redactor, log);
  }

  public Deployer(DeployTools tools, Redactor redactor, Log log) {
    this.tools = tools;
    this.redactor = redactor;
    this.log = log.redacting(redactor);
  }

  /** The steps of a deployment, in order. */
  static List<DeployStep> steps() {
    return List.of(new PreflightStep(), new VerifyStep(), new PlanStep(), new ConfirmStep(), new SnapshotStep(),
        new RegisterStep(), new UpdateStep(), new WaitStep(), new HealthStep(), new SmokeStep(), new MonitorStep());
  }

  /** What runs once the outcome is decided, whatever it is; they never change it. */
  static List<DeployStep> epilogue() {
    return List.of(new ReleaseStep(), new NotifyStep(), new SummaryStep());
  }

  /**
   * Runs the deployment. Returns the journal of a finished deployment (null for a dry run); throws
   * {@link DeployFailedException} when it failed (saying whether it was rolled back), {@link InvalidInputException}
   * for configuration that does not match the service, {@link AwsException} when AWS could not be used before any
   * change was made.
   */
  public JournalRecord deploy(DeployRequest request)
      throws DeployFailedException, InvalidInputException, AwsException, InterruptedException {
    DeployContext c = new DeployContext(request, tools, redactor, log);
    Rollback r = new Rollback(c);
    this.ctx = c;
    this.rollback = r;
    return new StepRunner(c, r, tools.hooks(), this::onShutdown).run(steps(), epilogue());
  }

  /** What the shutdown hook runs: roll back if a deployment is under way and not finished. */
  public void onShutdown() {
    DeployContext c = ctx;
    Rollback r = rollback;
    if (c == null || !c.hasChangeStarted() || r.isFinished()) {
      return;
    }
    c.abort();
    log.warn("Interrupted during the deployment to " + c.env.name() + ": rolling back before exiting");
    try {
      Rollback.Result result = r.once("interrupted (Ctrl-C)", false);
      if ("NONE".equals(result.method())) {
        log.warn("Interrupted just as the deployment finished: " + result.detail());
        return;
      }
      log.warn("Rollback after interrupt " + (result.succeeded() ? "succeeded: " : "FAILED: ") + result.detail()
          + " (journal " + c.journal.file() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** For tests: roll back the last deployment as the shutdown hook would, whatever state it is in. */
  Rollback.Result rollbackOnce(String reason, boolean ecsRolledBack) throws InterruptedException {
    return rollback.once(reason, ecsRolledBack);
  }
}
