package dev.slipway.deploy.steps;

import dev.slipway.common.InvalidInputException;
import dev.slipway.deploy.ecs.EcsGateway;
import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.ecs.EcsGateway.ServiceView;
import dev.slipway.deploy.ecs.EcsGateway.TaskDefinitionView;
import dev.slipway.deploy.pipeline.DeployContext;
import dev.slipway.deploy.pipeline.DeployFailedException;
import dev.slipway.deploy.pipeline.DeployStep;
import dev.slipway.deploy.pipeline.DeploymentWatcher;
import dev.slipway.deploy.pipeline.EnvironmentSpec;
import dev.slipway.deploy.pipeline.Step;
import dev.slipway.deploy.pipeline.StepResult;
import dev.slipway.deploy.pipeline.TaskDefinitionDiff;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * PREFLIGHT, reads only: who calls AWS, that cluster and service exist and are ACTIVE, that the service is one
 * deploy:ecs can deploy (ECS controller; a native strategy needs an advanced load balancer), that the named containers
 * exist, and the draft of the new task definition with its diff; that the caller may make the calls the deployment
 * and its rollback need ({@link Permissions}); and that no other deployment is still rolling out ({@link InFlight}),
 * unless forced, when the rollback target becomes the last revision that completed. Configuration that does not
 * match the service is an {@link InvalidInputException}; a missing permission or a deployment in flight refuses the
 * deployment before anything changed.
 */
public final class PreflightStep implements DeployStep {
  @Override
  public Step id() {
    return Step.PREFLIGHT;
  }

  @Override
  public StepResult run(DeployContext ctx) throws AwsException, InvalidInputException, DeployFailedException {
    EnvironmentSpec env = ctx.env;
    ctx.log.info("PREFLIGHT environment " + env.name() + ": service " + env.service() + " in cluster " + env.cluster()
        + (env.region() == null ? "" : " (" + env.region() + ")") + ", image " + ctx.request.image());
    ctx.caller = ctx.gateway.callerIdentity();
    ctx.log.info("PREFLIGHT calling AWS as " + ctx.caller);
    String clusterStatus = ctx.gateway.clusterStatus(env.cluster());
    if (!"ACTIVE".equals(clusterStatus)) {
      throw new InvalidInputException("environment " + env.name() + ": cluster '" + env.cluster() + "' "
          + (clusterStatus == null ? "does not exist" : "is " + clusterStatus + ", not ACTIVE")
          + (env.region() == null ? "" : " in region " + env.region()));
    }
    ServiceView svc = ctx.gateway.service(env.cluster(), env.service());
    if (svc == null || !"ACTIVE".equals(svc.status())) {
      throw new InvalidInputException("environment " + env.name() + ": service '" + env.service() + "' "
          + (svc == null ? "does not exist" : "is " + svc.status() + ", not ACTIVE") + " in cluster " + env.cluster());
    }
    if (!"ECS".equals(svc.deploymentController())) {
      throw new InvalidInputException("environment " + env.name() + ": service " + env.service() + " uses the "
          + svc.deploymentController() + " deployment controller; deploy:ecs supports the ECS controller only"
          + " (ROLLING, and ECS-native BLUE_GREEN, CANARY, LINEAR)");
    }
    if (env.strategy() != null && env.strategy() != EnvironmentSpec.Strategy.ROLLING
        && svc.loadBalancers().stream().noneMatch(EcsGateway.LoadBalancerView::advanced)) {
      throw new InvalidInputException("environment " + env.name() + ": strategy " + env.strategy()
          + " needs a load balancer with advancedConfiguration (alternate target group, listener rules, role) on "
          + "service " + env.service() + "; it has none. Use strategy ROLLING or configure the service first.");
    }
    ctx.service = svc;
    ctx.current = ctx.gateway.taskDefinition(svc.taskDefinition());
    ctx.images = imagesFor(env, ctx.current, ctx.request.image());
    ctx.draft = ctx.gateway.draft(ctx.current.arn(), ctx.images);
    ctx.diff = TaskDefinitionDiff.diff(ctx.draft.current(), ctx.draft.proposed());

    List<Permissions.Missing> missing = new ArrayList<>(new Permissions(ctx).check());
    if (env.monitors()) {
      missing.addAll(MonitorPreflight.check(ctx));
    }
    missing.stream().filter(m -> !m.required()).forEach(m -> ctx.log.warn("PREFLIGHT " + ctx.caller
        + " may not call " + m));
    List<Permissions.Missing> required = missing.stream().filter(Permissions.Missing::required).toList();
    if (!required.isEmpty()) {
      throw refused(ctx, ctx.caller + " lacks permissions this deployment needs: " + required.stream()
          .map(Permissions.Missing::toString).collect(java.util.stream.Collectors.joining("; "))
          + ". Grant them (or deploy with a role that has them); nothing was changed");
    }

    String inFlight = InFlight.describe(ctx);
    if (inFlight != null) {
      if (!ctx.request.force()) {
        throw refused(ctx, "a deployment is in flight on " + env.cluster() + "/" + env.service() + ": " + inFlight
            + ". Wait for it to finish (mvn deploy:status shows it), or pass -Ddeploy.force=true to deploy over it; "
            + "nothing was changed");
      }
      String target = InFlight.lastCompleted(ctx);
      if (target == null) {
        throw refused(ctx, "a deployment is in flight (" + inFlight + ") and no earlier deployment of "
            + env.service() + " completed, so a rollback would have nowhere safe to go; nothing was changed");
      }
      ctx.rollbackTarget = target;
      ctx.log.warn("PREFLIGHT deploying over " + inFlight + " (deploy.force): a rollback returns to the last "
          + "completed revision " + DeploymentWatcher.shortArn(target) + ", not to "
          + DeploymentWatcher.shortArn(svc.taskDefinition()));
    }
    ctx.log.info("PREFLIGHT ok: " + svc.runningCount() + "/" + svc.desiredCount() + " running "
        + DeploymentWatcher.shortArn(ctx.current.arn()));
    return StepResult.ok("caller " + ctx.caller + ", " + svc.runningCount() + "/" + svc.desiredCount() + " running "
        + ctx.current.arn() + ", " + ctx.diff.size() + " task definition change(s)", ctx.clock.now());
  }

  private static DeployFailedException refused(DeployContext ctx, String message) {
    ctx.log.error("PREFLIGHT refused: " + message);
    return new DeployFailedException("Deployment refused: " + message, null, false);
  }

  /** The image per container to replace: the named containers, or the only one when none is named. */
  static Map<String, String> imagesFor(EnvironmentSpec env, TaskDefinitionView td, String image)
      throws InvalidInputException {
    List<String> names = new ArrayList<>();
    td.containers().forEach(c -> names.add(c.name()));
    List<String> targets = env.containers();
    if (targets.isEmpty()) {
      if (names.size() != 1) {
        throw new InvalidInputException("environment " + env.name() + ": <containers> is empty but task definition "
            + DeploymentWatcher.shortArn(td.arn()) + " has " + names.size() + " containers " + names
            + "; name the container(s) to update");
      }
      targets = names;
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String t : targets) {
      if (td.container(t) == null) {
        throw new InvalidInputException("environment " + env.name() + ": container '" + t + "' is not in task "
            + "definition " + DeploymentWatcher.shortArn(td.arn()) + "; its containers are " + names);
      }
      out.put(t, image);
    }
    return out;
  }
}
