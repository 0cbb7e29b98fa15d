package dev.slipway.deploy.steps;

import dev.slipway.deploy.checks.CheckResult;
import dev.slipway.deploy.checks.HealthChecker;
import dev.slipway.deploy.ecs.EcsGateway;
import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.ecs.EcsGateway.TargetHealth;
import dev.slipway.deploy.pipeline.DeployContext;
import dev.slipway.deploy.pipeline.DeployStep;
import dev.slipway.deploy.pipeline.DeploymentWatcher;
import dev.slipway.deploy.pipeline.Step;
import dev.slipway.deploy.pipeline.StepResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * HEALTH: every target group of the service until none of its targets is unhealthy and at least one is healthy
 * (draining targets are leaving and prove nothing), for attempts × interval of the health check; then the HTTP
 * health check when one is configured.
 */
public final class HealthStep implements DeployStep {
  @Override
  public Step id() {
    return Step.HEALTH;
  }

  @Override
  public StepResult run(DeployContext ctx) throws AwsException, InterruptedException {
    CheckResult health = check(ctx);
    return health.passed() ? StepResult.ok(health.detail(), health.decidedAt())
        : StepResult.failed(health.detail(), health.decidedAt());
  }

  private static CheckResult check(DeployContext ctx) throws AwsException, InterruptedException {
    var spec = ctx.env.healthCheck();
    var svc = ctx.updated;
    int attempts = spec == null ? 10 : spec.attempts();
    Duration interval = spec == null ? Duration.ofSeconds(10) : spec.interval();
    for (EcsGateway.LoadBalancerView lb : svc.loadBalancers()) {
      if (lb.targetGroupArn() == null) {
        continue;
      }
      String last = "no targets registered";
      boolean healthy = false;
      for (int attempt = 1; attempt <= attempts && !healthy && !ctx.aborted(); attempt++) {
        List<TargetHealth> targets = ctx.gateway.targetHealth(lb.targetGroupArn());
        long ok = targets.stream().filter(t -> "healthy".equals(t.state())).count();
        long draining = targets.stream().filter(t -> "draining".equals(t.state())).count();
        List<String> bad = new ArrayList<>();
        targets.stream().filter(t -> !"healthy".equals(t.state()) && !"draining".equals(t.state()))
            .forEach(t -> bad.add(t.id() + ":" + t.port() + " " + t.state()
                + (t.reason() == null ? "" : " (" + t.reason() + ")")));
        last = ok + "/" + targets.size() + " targets healthy" + (draining == 0 ? "" : ", " + draining + " draining")
            + (bad.isEmpty() ? "" : "; " + String.join(", ", bad));
        ctx.log.info("HEALTH target group " + DeploymentWatcher.shortArn(lb.targetGroupArn()) + ": " + last
            + " (attempt " + attempt + " of " + attempts + ")");
        // draining targets are the old tasks leaving: they are no evidence of health, so at least one must be healthy
        healthy = (ok > 0 || svc.desiredCount() == 0) && bad.isEmpty();
        if (!healthy && attempt < attempts) {
          ctx.clock.sleep(interval);
        }
      }
      if (!healthy) {
        return new CheckResult(false, "load balancer target group " + lb.targetGroupArn() + " is not healthy: "
            + last, ctx.clock.now());
      }
    }
    if (spec == null || spec.url() == null) {
      return new CheckResult(true, svc.loadBalancers().isEmpty() ? "no health check configured"
          : "load balancer targets healthy", ctx.clock.now());
    }
    return new HealthChecker(ctx.probe, ctx.clock::now, ctx.clock::sleep, ctx.log).run(spec);
  }
}
