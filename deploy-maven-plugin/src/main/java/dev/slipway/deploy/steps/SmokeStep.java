package dev.slipway.deploy.steps;

import dev.slipway.deploy.checks.CheckResult;
import dev.slipway.deploy.checks.SmokeTestRunner;
import dev.slipway.deploy.pipeline.DeployContext;
import dev.slipway.deploy.pipeline.DeployStep;
import dev.slipway.deploy.pipeline.Step;
import dev.slipway.deploy.pipeline.StepResult;

/** SMOKE: the environment's smoke tests in order; the first that fails fails the deployment. */
public final class SmokeStep implements DeployStep {
  @Override
  public Step id() {
    return Step.SMOKE;
  }

  @Override
  public boolean applies(DeployContext ctx) {
    return !ctx.env.smokeTests().isEmpty();
  }

  @Override
  public StepResult run(DeployContext ctx) throws InterruptedException {
    CheckResult smoke = new SmokeTestRunner(ctx.probe, ctx.clock::now, ctx.log).run(ctx.env.baseUrl(),
        ctx.env.smokeTests());
    return smoke.passed() ? StepResult.ok(smoke.detail(), smoke.decidedAt())
        : StepResult.failed(smoke.detail(), smoke.decidedAt());
  }
}
