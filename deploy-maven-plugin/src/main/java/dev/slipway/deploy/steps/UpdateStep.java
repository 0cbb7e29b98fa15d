package dev.slipway.deploy.steps;

import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.ecs.EcsGateway.DeploymentView;
import dev.slipway.deploy.journal.JournalRecord;
import dev.slipway.deploy.pipeline.DeployContext;
import dev.slipway.deploy.pipeline.DeployStep;
import dev.slipway.deploy.pipeline.DeploymentConfigurations;
import dev.slipway.deploy.pipeline.DeploymentWatcher;
import dev.slipway.deploy.pipeline.EnvironmentSpec;
import dev.slipway.deploy.pipeline.Step;
import dev.slipway.deploy.pipeline.StepResult;

/**
 * UPDATE: points the service at the new revision with the configured count and the rollout settings the POM names
 * (the service keeps every other setting), and remembers the
 * deployment ECS started for it, which is the one WAIT follows. From here on any failure rolls back.
 */
public final class UpdateStep implements DeployStep {
  @Override
  public Step id() {
    return Step.UPDATE;
  }

  @Override
  public StepResult run(DeployContext ctx) throws AwsException {
    EnvironmentSpec env = ctx.env;
    String arn = ctx.registered.arn();
    ctx.changeStarted();
    ctx.updated = ctx.gateway.updateService(env.cluster(), env.service(), arn, env.desiredCount(),
        DeploymentConfigurations.merge(ctx.service.deploymentConfiguration(), env));
    DeploymentView primary = ctx.updated.primary();
    if (primary == null || !arn.equals(primary.taskDefinition())) {
      return StepResult.failed("UpdateService did not start a deployment of " + DeploymentWatcher.shortArn(arn),
          ctx.clock.now());
    }
    ctx.deploymentId = primary.id();
    ctx.serviceDeploymentArn = ctx.updated.currentServiceDeployment();
    JournalRecord record = ctx.record();
    record.deploymentId = ctx.deploymentId;
    record.serviceDeployment = ctx.serviceDeploymentArn;
    ctx.log.info("UPDATE started deployment " + ctx.deploymentId + " of " + DeploymentWatcher.shortArn(arn));
    return StepResult.ok("deployment " + ctx.deploymentId
        + (ctx.serviceDeploymentArn == null ? "" : " (" + ctx.serviceDeploymentArn + ")"), ctx.clock.now());
  }
}
