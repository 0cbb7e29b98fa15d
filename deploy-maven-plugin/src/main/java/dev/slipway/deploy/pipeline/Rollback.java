package dev.slipway.deploy.pipeline;

import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.ecs.EcsGateway.ServiceDeploymentView;
import dev.slipway.deploy.ecs.EcsGateway.ServiceView;
import dev.slipway.deploy.journal.JournalRecord;
import java.util.Set;

/**
 * Puts the service back to the snapshot, once: whoever asks first (a failed step or the shutdown hook) runs it, and
 * everyone else gets the same result. If ECS is already rolling back it waits for ECS; else it stops our service
 * deployment with ROLLBACK while it is still running, else it updates the service back to the snapshot. Then it waits
 * until the snapshot's revision is the only, completed deployment, and puts back the desired count and deployment
 * configuration the snapshot recorded (ECS's own rollback restores neither).
 *
 * <p>Nothing may keep the rollback from being tried or its outcome from being recorded: a denied or failing
 * DescribeServiceDeployments falls back to UpdateService, and any unexpected error ends as ROLLBACK_FAILED with the
 * error in the journal.
 */
final class Rollback {
  private static final Set<String> IN_PROGRESS = Set.of("PENDING", "IN_PROGRESS");

  /** The result of rolling back, shared by whoever asked first. */
  record Result(boolean succeeded, String method, String detail) {}

  private final DeployContext ctx;
  private final Object lock = new Object();
  private Result result;
  private boolean finished;

  Rollback(DeployContext ctx) {
    this.ctx = ctx;
  }

  /**
   * Declares the deployment finished unless a rollback already ran; {@code onSuccess} runs under the same lock, so
   * a rollback requested afterwards answers {@code NONE} instead of undoing a deployment that was declared done.
   * Returns false when a rollback (or an abort) got there first.
   */
  boolean finish(Runnable onSuccess) {
    synchronized (lock) {
      if (result != null || ctx.aborted()) {
        return false;
      }
      finished = true;
      onSuccess.run();
      return true;
    }
  }

  boolean isFinished() {
    synchronized (lock) {
      return finished;
    }
  }

  /** Records the first failure seen (the shutdown hook and a failing step may both report one). */
  void recordFailure(String failure, java.time.Instant detectedAt) {
    JournalRecord record = ctx.record();
    synchronized (lock) {
      if (record.failure == null) {
        record.failure = failure;
        record.failureDetectedAt = detectedAt;
      }
    }
  }

  /**
   * Rolls back unless someone already did (then returns their result) or the deployment finished meanwhile (then
   * returns a result with method {@code NONE}): never null, as the shutdown hook can lose the race with DONE.
   */
  Result once(String reason, boolean ecsRolledBack) throws InterruptedException {
    synchronized (lock) {
      if (result != null) {
        return result;
      }
      if (finished) {
        return new Result(false, "NONE", "the deployment had already finished; nothing was rolled back");
      }
      result = run(reason, ecsRolledBack);
      return result;
    }
  }

  private Result run(String reason, boolean ecsRolledBack) {
    EnvironmentSpec env = ctx.env;
    JournalRecord.Snapshot snapshot = ctx.snapshot;
    JournalRecord record = ctx.record();
    JournalRecord.Rollback rb = new JournalRecord.Rollback();
    record.rollback = rb;
    rb.reason = reason;
    rb.toTaskDefinition = snapshot.taskDefinition;
    try {
      if (ecsRolledBack) {
        rb.method = "ECS";
        rb.requestedAt = ctx.clock.now();
        ctx.log.warn("ROLLBACK ECS is already rolling back to " + DeploymentWatcher.shortArn(snapshot.taskDefinition)
            + "; waiting for it");
      } else {
        ServiceDeploymentView sd = null;
        if (ctx.serviceDeploymentArn != null) {
          try {
            sd = ctx.gateway.serviceDeployment(ctx.serviceDeploymentArn);
          } catch (AwsException e) {
            // without the service deployment's state StopServiceDeployment cannot be chosen; UpdateService always works
            ctx.log.warn("ROLLBACK cannot read the service deployment (" + e.getMessage() + "); rolling back with "
                + "UpdateService");
          }
        }
        if (sd != null && IN_PROGRESS.contains(sd.status())) {
          rb.method = "StopServiceDeployment";
          rb.requestedAt = ctx.clock.now();
          ctx.log.warn("ROLLBACK stopping deployment " + ctx.deploymentId + " with ROLLBACK (" + reason + ")");
          try {
            ctx.gateway.stopServiceDeploymentWithRollback(ctx.serviceDeploymentArn);
          } catch (AwsException e) {
            ctx.log.warn("ROLLBACK StopServiceDeployment refused (" + e.getMessage()
                + "); falling back to UpdateService");
            rb.method = "UpdateService";
            rb.requestedAt = ctx.clock.now();
            ctx.gateway.updateService(env.cluster(), env.service(), snapshot.taskDefinition, snapshot.desiredCount,
                snapshot.deploymentConfiguration);
          }
        } else {
          rb.method = "UpdateService";
          rb.requestedAt = ctx.clock.now();
          ctx.log.warn("ROLLBACK updating " + env.service() + " back to "
              + DeploymentWatcher.shortArn(snapshot.taskDefinition) + " (" + reason + ")");
          // the deployment configuration goes back too: the deployment may have changed strategy, percents or breaker
          ctx.gateway.updateService(env.cluster(), env.service(), snapshot.taskDefinition, snapshot.desiredCount,
              snapshot.deploymentConfiguration);
        }
      }
      ctx.journalStep(Step.ROLLBACK, rb.requestedAt, "STARTED", rb.method + ": " + reason);
      DeploymentWatcher.Outcome stable = ctx.watcher.awaitStable(env.cluster(), env.service(),
          snapshot.taskDefinition, env.timeouts().rollback(), env.timeouts().pollInterval());
      rb.succeeded = stable.succeeded();
      rb.detail = stable.reason();
      rb.stableAt = stable.succeeded() ? stable.decidedAt() : null;
      if (rb.succeeded && !"UpdateService".equals(rb.method)) {
        // ECS's own rollback and StopServiceDeployment restore the revision, not the count and settings we sent
        try {
          restoreCountAndConfiguration();
        } catch (AwsException e) {
          rb.detail += "; but restoring the desired count and deployment configuration failed (" + e.getMessage()
              + "): set them by hand from /snapshot in " + ctx.journal.file();
          ctx.log.error("ROLLBACK " + rb.detail);
        }
      }
    } catch (AwsException e) {
      rb.succeeded = false;
      rb.detail = e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      rb.succeeded = false;
      rb.detail = "interrupted while rolling back";
    } catch (RuntimeException e) {
      // a bug or a bad value must still leave a journal that says the rollback failed, and why
      rb.succeeded = false;
      rb.detail = "unexpected error while rolling back: " + e;
    }
    record.outcome = rb.succeeded ? ("ECS".equals(rb.method) ? "ROLLED_BACK_BY_ECS" : "FAILED_ROLLED_BACK")
        : "ROLLBACK_FAILED";
    record.finishedAt = ctx.clock.now();
    ctx.journalStep(Step.ROLLBACK, ctx.clock.now(), rb.succeeded ? "OK" : "FAILED", rb.detail);
    if (rb.succeeded) {
      ctx.log.warn("ROLLBACK done: " + rb.detail);
    }
    return new Result(rb.succeeded, rb.method, rb.detail);
  }

  /**
   * Sends the snapshot's desired count and deployment configuration back where the service no longer has them; a
   * no-op otherwise.
   */
  private void restoreCountAndConfiguration() throws AwsException {
    var recorded = ctx.snapshot.deploymentConfiguration;
    ServiceView now = ctx.gateway.service(ctx.env.cluster(), ctx.env.service());
    if (now == null) {
      return;
    }
    boolean config = recorded != null && !recorded.isEmpty() && !recorded.equals(now.deploymentConfiguration());
    boolean count = now.desiredCount() != ctx.snapshot.desiredCount;
    if (!config && !count) {
      return;
    }
    ctx.log.warn("ROLLBACK restoring what the snapshot recorded:" + (count ? " desired count "
        + now.desiredCount() + " -> " + ctx.snapshot.desiredCount : "") + (config ? " deployment configuration "
        + recorded : ""));
    ctx.gateway.updateService(ctx.env.cluster(), ctx.env.service(), null,
        count ? ctx.snapshot.desiredCount : null, config ? recorded : null);
  }
}
