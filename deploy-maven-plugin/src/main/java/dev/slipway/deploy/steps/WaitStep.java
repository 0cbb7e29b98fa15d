package dev.slipway.deploy.steps;

import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.pipeline.DeployContext;
import dev.slipway.deploy.pipeline.DeployStep;
import dev.slipway.deploy.pipeline.DeploymentWatcher;
import dev.slipway.deploy.pipeline.Step;
import dev.slipway.deploy.pipeline.StepResult;

/** WAIT: follows our own deployment until it completed, failed, was rolled back by ECS, or the timeout passed. */
public final class WaitStep implements DeployStep {
  @Override
  public Step id() {
    return Step.WAIT;
  }

  @Override
  public StepResult run(DeployContext ctx) throws AwsException, InterruptedException {
    var env = ctx.env;
    DeploymentWatcher.Outcome waited = ctx.watcher.awaitDeployment(env.cluster(), env.service(), ctx.deploymentId,
        ctx.serviceDeploymentArn, ctx.registered.arn(), ctx.snapshot.taskDefinition, env.timeouts().deployment(),
        env.timeouts().pollInterval(), ctx::aborted);
    if (!waited.succeeded()) {
      return new StepResult.Failed(waited.reason(), waited.decidedAt(), waited.superseded() ? StepResult.Undo.NOT_OURS
          : waited.ecsRolledBack() ? StepResult.Undo.ECS_IS_ROLLING_BACK : StepResult.Undo.ROLL_BACK);
    }
    ctx.log.info("WAIT " + waited.reason());
    return StepResult.ok(waited.reason(), waited.decidedAt());
  }
}
