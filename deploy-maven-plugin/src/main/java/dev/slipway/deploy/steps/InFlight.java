package dev.slipway.deploy.steps;

import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.ecs.EcsGateway.DeploymentView;
import dev.slipway.deploy.ecs.EcsGateway.ServiceDeploymentSummary;
import dev.slipway.deploy.ecs.EcsGateway.ServiceDeploymentView;
import dev.slipway.deploy.ecs.EcsGateway.ServiceView;
import dev.slipway.deploy.pipeline.DeployContext;
import dev.slipway.deploy.pipeline.DeploymentWatcher;
import java.util.Set;

/**
 * Whether a deployment is still rolling out on the service (someone else's, or a previous run that was killed), and
 * if so which revision last completed: deploying over an unverified revision must not make it the rollback target.
 */
final class InFlight {
  private static final Set<String> ONGOING = Set.of("PENDING", "IN_PROGRESS", "STOP_REQUESTED", "ROLLBACK_REQUESTED",
      "ROLLBACK_IN_PROGRESS");

  private InFlight() {}

  /** What is in flight, in a sentence; null when the service is at rest. */
  static String describe(DeployContext ctx) throws AwsException {
    ServiceView svc = ctx.service;
    DeploymentView primary = svc.primary();
    ServiceDeploymentView current = null;
    if (svc.currentServiceDeployment() != null) {
      try {
        current = ctx.gateway.serviceDeployment(svc.currentServiceDeployment());
      } catch (AwsException e) {
        if (!e.accessDenied()) {
          throw e;
        }
      }
    }
    boolean ongoing = svc.deployments().size() > 1
        || (primary != null && "IN_PROGRESS".equals(primary.rolloutState()))
        || (current != null && ONGOING.contains(current.status()));
    if (!ongoing) {
      return null;
    }
    return "deployment " + (primary == null ? "?" : primary.id() + " of " + DeploymentWatcher.shortArn(
        primary.taskDefinition()) + " (" + primary.rolloutState() + ", created " + primary.createdAt() + ")")
        + (current == null ? "" : ", service deployment " + current.status()) + ", " + svc.deployments().size()
        + " deployment(s) on the service";
  }

  /**
   * The task definition of the last deployment that completed: the ACTIVE deployment ECS still keeps beside the one
   * in flight, else the newest SUCCESSFUL service deployment. Null if there is none.
   */
  static String lastCompleted(DeployContext ctx) throws AwsException {
    ServiceView svc = ctx.service;
    for (DeploymentView d : svc.deployments()) {
      if (!"PRIMARY".equals(d.status()) && "COMPLETED".equals(d.rolloutState())) {
        return d.taskDefinition();
      }
    }
    for (ServiceDeploymentSummary s : ctx.gateway.serviceDeployments(ctx.env.cluster(), ctx.env.service(), 20)) {
      if ("SUCCESSFUL".equals(s.status()) && s.targetServiceRevisionArn() != null) {
        String td = ctx.gateway.serviceRevisionTaskDefinition(s.targetServiceRevisionArn());
        if (td != null) {
          return td;
        }
      }
    }
    return null;
  }
}
