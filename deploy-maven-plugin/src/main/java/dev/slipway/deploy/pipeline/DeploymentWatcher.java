package dev.slipway.deploy.pipeline;

import dev.slipway.common.Durations;
import dev.slipway.common.Log;
import dev.slipway.deploy.ecs.EcsGateway;
import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.ecs.EcsGateway.DeploymentView;
import dev.slipway.deploy.ecs.EcsGateway.ServiceDeploymentView;
import dev.slipway.deploy.ecs.EcsGateway.ServiceView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;

/**
 * Decides whether a deployment succeeded by following <em>that</em> deployment: its id in DescribeServices and its
 * service deployment. It never uses the SDK's {@code waitUntilServicesStable}, which also succeeds after ECS rolled
 * the deployment back. Service events are printed as they arrive, and a progress line on every poll.
 *
 * <p>Behind a Classic Load Balancer ECS reports no {@code rolloutState}: there the deployment has succeeded when it is
 * the only deployment left, PRIMARY, with all its tasks running (and its service deployment, when ECS reports one,
 * SUCCESSFUL). When DescribeServiceDeployments is denied mid-way, the watcher goes on with DescribeServices alone.
 */
public final class DeploymentWatcher {
  /**
   * @param ecsRolledBack ECS itself replaced or is rolling back the deployment (circuit breaker, alarms)
   * @param stillInProgress the deployment may still be stopped with StopServiceDeployment
   * @param superseded another deployment (someone else's UpdateService) replaced ours: the service is theirs now
   */
  public record Outcome(boolean succeeded, boolean ecsRolledBack, boolean stillInProgress, boolean interrupted,
      String reason, Instant decidedAt, boolean superseded) {
    Outcome(boolean succeeded, boolean ecsRolledBack, boolean stillInProgress, boolean interrupted, String reason,
        Instant decidedAt) {
      this(succeeded, ecsRolledBack, stillInProgress, interrupted, reason, decidedAt, false);
    }
  }

  private static final Set<String> ROLLBACK_STATES =
      Set.of("ROLLBACK_REQUESTED", "ROLLBACK_IN_PROGRESS", "ROLLBACK_SUCCESSFUL", "ROLLBACK_FAILED");

  private final EcsGateway gateway;
  private final Clock clock;
  private final Log log;
  private final Set<String> seenEvents = new HashSet<>();
  /** Set when DescribeServiceDeployments was denied: from then on DescribeServices alone decides. */
  private volatile boolean serviceDeploymentsDenied;

  public DeploymentWatcher(EcsGateway gateway, Clock clock, Log log) {
    this.gateway = gateway;
    this.clock = clock;
    this.log = log;
  }

  /** Events already on the service before the deployment are history, not progress. */
  public void markSeen(ServiceView service) {
    service.events().forEach(e -> seenEvents.add(e.id()));
  }

  /**
   * Follows deployment {@code deploymentId} (of {@code taskDefinitionArn}) until it completed, failed, was rolled back
   * by ECS, was superseded by someone else's deployment, or {@code timeout} passed. {@code previousTaskDefinition} is
   * what the service ran before: a new PRIMARY deployment of it is ECS rolling back, of anything else a supersession.
   */
  public Outcome awaitDeployment(String cluster, String service, String deploymentId, String serviceDeploymentArn,
      String taskDefinitionArn, String previousTaskDefinition, Duration timeout, Duration poll,
      BooleanSupplier aborted) throws AwsException, InterruptedException {
    Instant deadline = clock.now().plus(timeout);
    while (true) {
      if (aborted.getAsBoolean()) {
        return new Outcome(false, false, true, true, "interrupted", clock.now());
      }
      ServiceView svc = gateway.service(cluster, service);
      if (svc == null) {
        return new Outcome(false, false, false, false, "the service " + service + " disappeared", clock.now());
      }
      printEvents(svc);
      DeploymentView ours = svc.deployment(deploymentId);
      ServiceDeploymentView sd = serviceDeployment(serviceDeploymentArn);
      log.info("WAIT " + describe(ours, deploymentId) + (sd == null ? "" : ", service deployment " + sd.status())
          + ", service " + svc.runningCount() + "/" + svc.desiredCount() + " running, "
          + svc.deployments().size() + " deployment(s)");
      Instant now = clock.now();
      if (sd != null && ROLLBACK_STATES.contains(sd.status())) {
        return new Outcome(false, true, false, false, "ECS rolled the deployment back by itself (service deployment "
            + sd.status() + (sd.statusReason() == null ? "" : ": " + sd.statusReason()) + ")"
            + (ours == null || ours.rolloutStateReason() == null ? "" : "; " + ours.rolloutStateReason()), now);
      }
      Outcome superseded = superseded(svc, ours, sd, deploymentId, serviceDeploymentArn, taskDefinitionArn,
          previousTaskDefinition, now);
      if (superseded != null) {
        return superseded;
      }
      if (ours == null) {
        DeploymentView primary = svc.primary();
        boolean replaced = primary != null && !taskDefinitionArn.equals(primary.taskDefinition());
        return new Outcome(false, replaced, false, false, "deployment " + deploymentId + " vanished from the service"
            + (primary == null ? "" : "; ECS now runs " + primary.id() + " of " + shortArn(primary.taskDefinition())),
            now);
      }
      if ("FAILED".equals(ours.rolloutState())) {
        DeploymentView primary = svc.primary();
        boolean replaced = primary != null && !primary.id().equals(deploymentId);
        return new Outcome(false, replaced, false, false, "deployment " + deploymentId + " FAILED"
            + (ours.rolloutStateReason() == null ? "" : ": " + ours.rolloutStateReason())
            + (replaced ? "; ECS rolled back to " + shortArn(primary.taskDefinition()) : ""), now);
      }
      if (sd != null && ("STOPPED".equals(sd.status()) || "STOP_REQUESTED".equals(sd.status()))) {
        return new Outcome(false, false, false, false, "the service deployment was stopped (" + sd.status()
            + (sd.statusReason() == null ? "" : ": " + sd.statusReason()) + ")", now);
      }
      if (!"PRIMARY".equals(ours.status())) {
        DeploymentView primary = svc.primary();
        return new Outcome(false, true, false, false, "deployment " + deploymentId + " is no longer PRIMARY ("
            + ours.status() + ")" + (primary == null ? "" : "; ECS started " + primary.id() + " of "
            + shortArn(primary.taskDefinition())), now);
      }
      if ("COMPLETED".equals(ours.rolloutState()) && ours.runningCount() >= ours.desiredCount()
          && (sd == null || "SUCCESSFUL".equals(sd.status()))) {
        return new Outcome(true, false, false, false, "deployment " + deploymentId + " COMPLETED with "
            + ours.runningCount() + "/" + ours.desiredCount() + " tasks", now);
      }
      if (ours.rolloutState() == null && svc.deployments().size() == 1 && ours.runningCount() >= ours.desiredCount()
          && ours.pendingCount() == 0 && (sd == null || "SUCCESSFUL".equals(sd.status()))) {
        // no rolloutState (Classic Load Balancer): the old deployment has drained and all our tasks run
        return new Outcome(true, false, false, false, "deployment " + deploymentId + " is the only deployment with "
            + ours.runningCount() + "/" + ours.desiredCount() + " tasks running (ECS reports no rolloutState for "
            + "this service, e.g. behind a Classic Load Balancer)", now);
      }
      if (!now.isBefore(deadline)) {
        return new Outcome(false, false, true, false, "deployment " + deploymentId + " did not complete within "
            + Durations.format(timeout) + " (" + describe(ours, deploymentId) + ")", now);
      }
      clock.sleep(poll);
    }
  }

  /**
   * Whether another deployment replaced ours: the service's current service deployment is not ours and ours was
   * stopped rather than rolled back, or the PRIMARY deployment runs a revision that is neither ours nor the one we
   * replaced (which is what an ECS rollback would run). Null when ours still stands.
   */
  private Outcome superseded(ServiceView svc, DeploymentView ours, ServiceDeploymentView sd, String deploymentId,
      String serviceDeploymentArn, String taskDefinitionArn, String previousTaskDefinition, Instant now) {
    if (sd != null && ROLLBACK_STATES.contains(sd.status())) {
      return null;
    }
    DeploymentView primary = svc.primary();
    boolean otherPrimary = primary != null && !primary.id().equals(deploymentId)
        && !primary.taskDefinition().equals(taskDefinitionArn)
        && (previousTaskDefinition == null || !primary.taskDefinition().equals(previousTaskDefinition));
    boolean otherServiceDeployment = sd != null && "STOPPED".equals(sd.status())
        && svc.currentServiceDeployment() != null && serviceDeploymentArn != null
        && !svc.currentServiceDeployment().equals(serviceDeploymentArn);
    if (!otherPrimary && !otherServiceDeployment) {
      return null;
    }
    return new Outcome(false, false, false, false, "deployment " + deploymentId + " was superseded by another "
        + "deployment" + (primary == null ? "" : " (" + primary.id() + " of " + shortArn(primary.taskDefinition())
        + ", created " + primary.createdAt() + ")") + (sd == null || sd.statusReason() == null ? ""
        : "; service deployment " + sd.status() + ": " + sd.statusReason()), now, true);
  }

  /** Our service deployment, or null when there is none or DescribeServiceDeployments is denied. */
  private ServiceDeploymentView serviceDeployment(String arn) throws AwsException {
    if (arn == null || serviceDeploymentsDenied) {
      return null;
    }
    try {
      return gateway.serviceDeployment(arn);
    } catch (AwsException e) {
      if (!e.accessDenied()) {
        throw e;
      }
      serviceDeploymentsDenied = true;
      log.warn("WAIT DescribeServiceDeployments is denied (" + e.getMessage() + "); following the deployment with "
          + "DescribeServices alone");
      return null;
    }
  }

  /** Waits until {@code taskDefinitionArn} is the only, completed deployment with all tasks running. */
  public Outcome awaitStable(String cluster, String service, String taskDefinitionArn, Duration timeout, Duration poll)
      throws AwsException, InterruptedException {
    Instant deadline = clock.now().plus(timeout);
    while (true) {
      ServiceView svc = gateway.service(cluster, service);
      if (svc == null) {
        return new Outcome(false, false, false, false, "the service " + service + " disappeared", clock.now());
      }
      printEvents(svc);
      DeploymentView primary = svc.primary();
      log.info("ROLLBACK " + (primary == null ? "no PRIMARY deployment" : describe(primary, primary.id()) + " of "
          + shortArn(primary.taskDefinition())) + ", " + svc.deployments().size() + " deployment(s)");
      Instant now = clock.now();
      if (primary != null && taskDefinitionArn.equals(primary.taskDefinition())) {
        if ("FAILED".equals(primary.rolloutState())) {
          return new Outcome(false, false, false, false, "the rollback deployment " + primary.id() + " FAILED: "
              + primary.rolloutStateReason(), now);
        }
        if (("COMPLETED".equals(primary.rolloutState()) || primary.rolloutState() == null)
            && svc.deployments().size() == 1 && primary.runningCount() >= primary.desiredCount()) {
          return new Outcome(true, false, false, false, shortArn(taskDefinitionArn) + " is stable with "
              + primary.runningCount() + "/" + primary.desiredCount() + " tasks", now);
        }
      }
      if (!now.isBefore(deadline)) {
        return new Outcome(false, false, true, false, shortArn(taskDefinitionArn) + " did not become stable within "
            + Durations.format(timeout), now);
      }
      clock.sleep(poll);
    }
  }

  private void printEvents(ServiceView svc) {
    List<EcsGateway.ServiceEvent> fresh = new ArrayList<>();
    for (EcsGateway.ServiceEvent e : svc.events()) {
      if (seenEvents.add(e.id())) {
        fresh.add(e);
      }
    }
    // DescribeServices lists the newest first; a log reads oldest first
    for (int i = fresh.size() - 1; i >= 0; i--) {
      log.info("EVENT " + fresh.get(i).createdAt() + " " + fresh.get(i).message());
    }
  }

  private static String describe(DeploymentView d, String id) {
    if (d == null) {
      return "deployment " + id + " (not listed)";
    }
    return "deployment " + d.id() + " " + d.status() + " " + d.rolloutState() + ": " + d.runningCount() + "/"
        + d.desiredCount() + " running, " + d.pendingCount() + " pending, " + d.failedTasks() + " failed";
  }

  public static String shortArn(String arn) {
    return arn == null ? "?" : arn.substring(arn.lastIndexOf('/') + 1);
  }
}
