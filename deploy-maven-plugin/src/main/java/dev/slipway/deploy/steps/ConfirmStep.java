package dev.slipway.deploy.steps;

import dev.slipway.deploy.pipeline.DeployContext;
import dev.slipway.deploy.pipeline.DeployFailedException;
import dev.slipway.deploy.pipeline.DeployRequest;
import dev.slipway.deploy.pipeline.DeployStep;
import dev.slipway.deploy.pipeline.EnvironmentSpec;
import dev.slipway.deploy.pipeline.Step;
import dev.slipway.deploy.pipeline.StepResult;

/**
 * CONFIRM, before anything changes: an environment with {@code requireConfirmation} needs its own name, given as
 * {@code -Ddeploy.confirm} or typed at the prompt; batch mode without it is refused.
 */
public final class ConfirmStep implements DeployStep {
  @Override
  public Step id() {
    return Step.CONFIRM;
  }

  @Override
  public StepResult run(DeployContext ctx) throws DeployFailedException {
    return StepResult.ok(confirm(ctx), ctx.clock.now());
  }

  /** Returns how the deployment was confirmed (for the journal), or throws if it was not. */
  private static String confirm(DeployContext ctx) throws DeployFailedException {
    DeployRequest request = ctx.request;
    EnvironmentSpec env = ctx.env;
    if (!env.requireConfirmation()) {
      return "not required for " + env.name();
    }
    if (request.confirm() != null) {
      if (request.confirm().equals(env.name())) {
        ctx.log.info("CONFIRM deploy.confirm=" + env.name() + " matches the environment");
        return "deploy.confirm=" + env.name();
      }
      throw refused(ctx, "-Ddeploy.confirm=" + request.confirm() + " does not match the environment name '"
          + env.name() + "'; nothing was changed");
    }
    if (!request.interactive()) {
      throw refused(ctx, "environment '" + env.name() + "' requires confirmation and this build is in batch mode: "
          + "re-run with -Ddeploy.confirm=" + env.name() + " to confirm; nothing was changed");
    }
    String answer = ctx.prompter.ask("Deploying to " + env.name() + " (" + env.cluster() + "/" + env.service()
        + "). Type the environment name to continue: ");
    if (answer == null || !answer.strip().equals(env.name())) {
      throw refused(ctx, "confirmation for environment '" + env.name() + "' was not given"
          + (answer == null ? " (no terminal to ask)" : " (typed '" + answer.strip() + "')") + "; nothing was changed");
    }
    ctx.log.info("CONFIRM confirmed at the prompt");
    return "confirmed at the prompt";
  }

  private static DeployFailedException refused(DeployContext ctx, String message) {
    ctx.log.error("CONFIRM refused: " + message);
    return new DeployFailedException("Deployment refused: " + message, null, false);
  }
}
