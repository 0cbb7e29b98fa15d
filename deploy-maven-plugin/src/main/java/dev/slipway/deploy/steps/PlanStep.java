package dev.slipway.deploy.steps;

import dev.slipway.common.Durations;
import dev.slipway.deploy.ecs.EcsGateway.ServiceView;
import dev.slipway.deploy.ecs.EcsGateway.TaskDefinitionView;
import dev.slipway.deploy.pipeline.DeployContext;
import dev.slipway.deploy.pipeline.DeployStep;
import dev.slipway.deploy.pipeline.DeploymentWatcher;
import dev.slipway.deploy.pipeline.EnvironmentSpec;
import dev.slipway.deploy.pipeline.Step;
import dev.slipway.deploy.pipeline.StepResult;

/** A dry run's end: prints what the deployment would do and the task-definition diff, then stops the run. */
public final class PlanStep implements DeployStep {
  @Override
  public Step id() {
    return Step.PLAN;
  }

  @Override
  public boolean applies(DeployContext ctx) {
    return ctx.request.dryRun();
  }

  @Override
  public StepResult run(DeployContext ctx) {
    EnvironmentSpec env = ctx.env;
    ServiceView svc = ctx.service;
    TaskDefinitionView current = ctx.current;
    var log = ctx.log;
    log.info("DRY RUN: plan for environment " + env.name() + " (no change will be made)");
    log.info("  service     " + env.cluster() + "/" + env.service() + ": " + svc.runningCount() + "/"
        + svc.desiredCount() + " running " + DeploymentWatcher.shortArn(current.arn()));
    ctx.images.forEach((c, i) -> log.info("  container   " + c + ": " + current.container(c).image() + " -> " + i));
    log.info("  rollout     " + (env.strategy() == null ? "service's strategy "
        + svc.deploymentConfiguration().path("strategy").asText("ROLLING") : env.strategy()) + (env.minimumHealthyPercent() == null ? ""
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
        + ":<next> (" + ctx.diff.size() + " change(s)):");
    ctx.diff.forEach(line -> log.info("  " + line));
    return new StepResult.Stop("dry run");
  }
}
