package dev.slipway.deploy.steps;

import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.pipeline.DeployContext;
import dev.slipway.deploy.pipeline.DeployStep;
import dev.slipway.deploy.pipeline.DeploymentWatcher;
import dev.slipway.deploy.pipeline.Step;
import dev.slipway.deploy.pipeline.StepResult;

/** REGISTER: the drafted task definition as a new revision. The service is not changed yet. */
public final class RegisterStep implements DeployStep {
  @Override
  public Step id() {
    return Step.REGISTER;
  }

  @Override
  public StepResult run(DeployContext ctx) throws AwsException {
    ctx.registered = ctx.gateway.register(ctx.draft);
    ctx.record().newTaskDefinition = ctx.registered.arn();
    ctx.log.info("REGISTER " + DeploymentWatcher.shortArn(ctx.registered.arn()) + " (" + ctx.diff.size()
        + " change(s))");
    return StepResult.ok(ctx.registered.arn(), ctx.clock.now());
  }
}
