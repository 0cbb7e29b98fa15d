package dev.slipway.deploy.pipeline;

import dev.slipway.common.InvalidInputException;
import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.journal.JournalRecord;
import java.util.List;

/**
 * Runs the steps of a deployment in order and owns what every step shares: journaling each outcome, blaming an error
 * on the step that raised it, the shutdown hook, and the rule that once the service may have changed, any failure
 * (a failed check, an AWS error, an unexpected exception, Ctrl-C) ends in {@link Rollback}.
 */
final class StepRunner {
  private final DeployContext ctx;
  private final Rollback rollback;
  private final ShutdownHooks hooks;
  private final Runnable onShutdown;

  StepRunner(DeployContext ctx, Rollback rollback, ShutdownHooks hooks, Runnable onShutdown) {
    this.ctx = ctx;
    this.rollback = rollback;
    this.hooks = hooks;
    this.onShutdown = onShutdown;
  }

  /**
   * Runs {@code steps}; returns the finished journal record, or null when a step stopped the run (dry run). Once a
   * journal exists and the outcome is decided (succeeded, failed, rolled back or not), the {@code epilogue} runs: its
   * steps are journaled but can neither fail the deployment nor change its outcome.
   */
  JournalRecord run(List<DeployStep> steps, List<DeployStep> epilogue)
      throws DeployFailedException, InvalidInputException, AwsException, InterruptedException {
    try {
      JournalRecord done = run(steps);
      if (done != null) {
        epilogue(epilogue);
      }
      return done;
    } catch (DeployFailedException e) {
      if (ctx.journal != null) {
        epilogue(epilogue);
      }
      throw e;
    }
  }

  private void epilogue(List<DeployStep> steps) {
    for (DeployStep step : steps) {
      try {
        if (!step.applies(ctx)) {
          continue;
        }
        StepResult r = step.run(ctx);
        if (r instanceof StepResult.Ok ok) {
          ctx.journalStep(step.id(), ok.at(), "OK", ok.detail());
        } else if (r instanceof StepResult.Failed f) {
          ctx.log.error(step.id() + " " + f.reason());
          ctx.journalStep(step.id(), f.at(), "FAILED", f.reason());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (Exception e) {
        // a release, a message or a summary is never worth changing what happened to the service
        ctx.log.error(step.id() + " failed: " + e.getMessage());
        ctx.journalStep(step.id(), ctx.clock.now(), "FAILED", String.valueOf(e.getMessage()));
      }
    }
  }

  private JournalRecord run(List<DeployStep> steps)
      throws DeployFailedException, InvalidInputException, AwsException, InterruptedException {
    Object hook = null;
    try {
      for (DeployStep step : steps) {
        if (!step.applies(ctx)) {
          continue;
        }
        if (step.id() == Step.UPDATE && hook == null) {
          // from UPDATE on, Ctrl-C rolls back
          hook = hooks.register(onShutdown);
        }
        StepResult result = ctx.hasChangeStarted() ? runAfterChange(step) : runBeforeChange(step);
        if (result instanceof StepResult.Stop) {
          return null;
        }
        if (result instanceof StepResult.Failed f) {
          if (f.undo() == StepResult.Undo.NOT_OURS) {
            return superseded(step.id(), f);
          }
          return ctx.hasChangeStarted() ? failAndRollBack(step.id(), f) : failBeforeChange(step.id(), f.reason());
        }
        StepResult.Ok ok = (StepResult.Ok) result;
        ctx.journalStep(step.id(), ok.at(), "OK", ok.detail());
        if (!ctx.hasChangeStarted() && ctx.journalFailure() != null) {
          // the snapshot is what a rollback by hand needs: without it on disk, nothing may change
          return failBeforeChange(step.id(), ctx.journalFailure());
        }
        if (ctx.hasChangeStarted() && ctx.aborted()) {
          return failAndRollBack(step.id(), new StepResult.Failed("interrupted", ctx.clock.now(), StepResult.Undo.ROLL_BACK));
        }
      }
      return done(steps.isEmpty() ? Step.DONE : steps.get(steps.size() - 1).id());
    } finally {
      if (hook != null) {
        hooks.unregister(hook);
      }
    }
  }

  private StepResult runBeforeChange(DeployStep step)
      throws DeployFailedException, InvalidInputException, AwsException, InterruptedException {
    try {
      return step.run(ctx);
    } catch (AwsException e) {
      if (ctx.journal == null) {
        throw e; // nothing recorded, nothing changed: the environment's problem, reported as such
      }
      return StepResult.failed(describe(step.id(), e), ctx.clock.now());
    }
  }

  /** After the change, nothing a step throws may skip the rollback: every error becomes a failure of that step. */
  private StepResult runAfterChange(DeployStep step) throws InterruptedException {
    try {
      return step.run(ctx);
    } catch (AwsException e) {
      return StepResult.failed("AWS call failed: " + e.getMessage(), ctx.clock.now());
    } catch (InvalidInputException | DeployFailedException | RuntimeException e) {
      return StepResult.failed("unexpected error: " + e, ctx.clock.now());
    }
  }

  private static String describe(Step step, AwsException e) {
    return step == Step.REGISTER ? "registering the new task definition failed: " + e.getMessage() : e.getMessage();
  }

  private JournalRecord done(Step last) throws DeployFailedException, InterruptedException {
    JournalRecord record = ctx.record();
    boolean finished = rollback.finish(() -> {
      record.outcome = "SUCCEEDED";
      record.finishedAt = ctx.clock.now();
      ctx.journalStep(Step.DONE, record.finishedAt, "OK", "deployed " + record.image);
      ctx.log.info("DONE " + ctx.env.name() + " runs " + DeploymentWatcher.shortArn(ctx.registered.arn()) + " ("
          + record.image + ")");
      if (ctx.journalFailure() != null) {
        ctx.log.error("DONE but the journal could not be written: " + ctx.journalFailure());
      }
    });
    if (finished) {
      return record;
    }
    return failAndRollBack(last, new StepResult.Failed("interrupted", ctx.clock.now(), StepResult.Undo.ROLL_BACK));
  }

  private String journalNote() {
    return ctx.journalFailure() == null ? "" : " (not written: " + ctx.journalFailure() + ")";
  }

  private JournalRecord failBeforeChange(Step step, String reason) throws DeployFailedException {
    JournalRecord record = ctx.record();
    record.outcome = "FAILED";
    record.failure = reason;
    record.failureDetectedAt = ctx.clock.now();
    record.finishedAt = ctx.clock.now();
    ctx.journalStep(step, ctx.clock.now(), "FAILED", reason);
    ctx.log.error(step + " " + reason);
    throw new DeployFailedException("Deployment to " + ctx.env.name() + " failed at " + step + ": " + reason
        + ". The service was not changed. Journal: " + ctx.journal.file(), ctx.journal.file(), false);
  }

  /** Another deployment replaced ours: rolling back now would undo theirs, so we report and leave the service. */
  private JournalRecord superseded(Step step, StepResult.Failed failed) throws DeployFailedException {
    JournalRecord record = ctx.record();
    rollback.recordFailure(step + ": " + failed.reason(), failed.at());
    record.outcome = "SUPERSEDED";
    record.finishedAt = ctx.clock.now();
    ctx.journalStep(step, failed.at(), "SUPERSEDED", failed.reason());
    String message = "Deployment to " + ctx.env.name() + " was superseded during " + step + ": " + failed.reason()
        + ". Not rolled back: the service now runs that other deployment, and rolling back would undo it. Whether "
        + DeploymentWatcher.shortArn(ctx.registered.arn()) + " would have been healthy is unknown. Journal: "
        + ctx.journal.file();
    ctx.log.error(message);
    throw new DeployFailedException(message, ctx.journal.file(), false);
  }

  private JournalRecord failAndRollBack(Step step, StepResult.Failed failed)
      throws DeployFailedException, InterruptedException {
    String reason = failed.reason();
    rollback.recordFailure(step + ": " + reason, failed.at());
    ctx.journalStep(step, failed.at(), "FAILED", reason);
    ctx.log.error(step + " failed: " + reason);
    Rollback.Result rb = rollback.once(reason, failed.undo() == StepResult.Undo.ECS_IS_ROLLING_BACK);
    String what = ctx.aborted() ? "was interrupted" : "failed at " + step + ": " + reason;
    if (rb.succeeded()) {
      throw new DeployFailedException("Deployment to " + ctx.env.name() + " " + what + ". "
          + ("ECS".equals(rb.method()) ? "ECS rolled it back by itself" : "Rolled back with " + rb.method())
          + " to " + DeploymentWatcher.shortArn(ctx.snapshot.taskDefinition) + ", which is stable again. Journal: "
          + ctx.journal.file() + journalNote(), ctx.journal.file(), true);
    }
    String loud = "ROLLBACK FAILED: deployment to " + ctx.env.name() + " " + what + ", and rolling back to "
        + ctx.snapshot.taskDefinition + " did not succeed (" + rb.detail() + "). The service may be running the new "
        + "revision " + (ctx.registered == null ? "?" : ctx.registered.arn()) + ". Restore it by hand from the "
        + "snapshot in " + ctx.journal.file() + " (or run mvn deploy:rollback -Denv=" + ctx.env.name() + ")."
        + journalNote();
    ctx.log.error(loud);
    throw new DeployFailedException(loud, ctx.journal.file(), false);
  }
}
