package dev.slipway.deploy.pipeline;

import dev.slipway.common.InvalidInputException;
import dev.slipway.deploy.ecs.EcsGateway;
import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.ecs.EcsGateway.DeploymentView;
import dev.slipway.deploy.ecs.EcsGateway.ServiceView;
import dev.slipway.deploy.ecs.EcsGateway.TaskDefinitionView;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code deploy:status}: the service's deployments, task definition, images, counts and recent events as a table. */
public final class StatusReporter {
  private final EcsGateway gateway;

  public StatusReporter(EcsGateway gateway) {
    this.gateway = gateway;
  }

  public List<String> report(EnvironmentSpec env, int events) throws AwsException, InvalidInputException {
    ServiceView svc = gateway.service(env.cluster(), env.service());
    if (svc == null) {
      throw new InvalidInputException("environment " + env.name() + ": service '" + env.service()
          + "' does not exist in cluster " + env.cluster());
    }
    TaskDefinitionView td = gateway.taskDefinition(svc.taskDefinition());
    List<String> out = new ArrayList<>();
    out.add("Environment " + env.name() + ": service " + svc.name() + " in " + env.cluster() + " (" + svc.status()
        + ", " + svc.deploymentController() + " controller)");
    out.add("Task definition " + DeploymentWatcher.shortArn(td.arn()) + ": running " + svc.runningCount()
        + " / desired " + svc.desiredCount() + " / pending " + svc.pendingCount());
    td.containers().forEach(c -> out.add("  container " + c.name() + ": " + c.image()));
    String fmt = "%-28s %-8s %-12s %-14s %7s %7s %7s %6s  %s";
    out.add(String.format(Locale.ROOT, fmt, "DEPLOYMENT", "STATUS", "ROLLOUT", "TASK DEF", "DESIRED", "RUNNING",
        "PENDING", "FAILED", "CREATED"));
    for (DeploymentView d : svc.deployments()) {
      out.add(String.format(Locale.ROOT, fmt, d.id(), d.status(), d.rolloutState(),
          DeploymentWatcher.shortArn(d.taskDefinition()), d.desiredCount(), d.runningCount(), d.pendingCount(),
          d.failedTasks(), d.createdAt()));
    }
    out.add("Recent events:");
    svc.events().stream().limit(events).forEach(e -> out.add("  " + e.createdAt() + " " + e.message()));
    return out;
  }
}
