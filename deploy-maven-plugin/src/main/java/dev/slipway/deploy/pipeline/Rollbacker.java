package dev.slipway.deploy.pipeline;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.deploy.ecs.EcsGateway;
import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.ecs.EcsGateway.ServiceView;
import dev.slipway.deploy.ecs.EcsGateway.TaskDefinitionView;
import dev.slipway.deploy.journal.Journal;
import dev.slipway.deploy.journal.JournalRecord;
import java.nio.file.Path;
import java.time.Instant;

/**
 * {@code deploy:rollback}: points the service back at the task definition the last deployment's snapshot recorded
 * (or at {@code toRevision}) and waits for that deployment exactly as {@code deploy:ecs} waits for its own. Production
 * environments need the same confirmation as a deployment. Journaled as {@code <timestamp>-rollback.json}, leaving
 * {@code last.json} alone.
 */
public final class Rollbacker {
  /** What DescribeTaskDefinition answers for a revision that does not exist (or a malformed reference). */
  private static final java.util.Set<String> NOT_FOUND = java.util.Set.of("ClientException",
      "InvalidParameterException");

  private final EcsGateway gateway;
  private final Clock clock;
  private final Redactor redactor;
  private final Log log;

  public Rollbacker(EcsGateway gateway, Clock clock, Redactor redactor, Log log) {
    this.gateway = gateway;
    this.clock = clock;
    this.redactor = redactor;
    this.log = log.redacting(redactor);
  }

  /** The rollback request: environment, optional revision, confirmation inputs, journal root. */
  public record Request(EnvironmentSpec environment, String toRevision, boolean interactive, String confirm,
      Prompter prompter, Path journalRoot) {}

  public JournalRecord rollback(Request request)
      throws InvalidInputException, AwsException, DeployFailedException, InterruptedException {
    EnvironmentSpec env = request.environment();
    ServiceView svc = gateway.service(env.cluster(), env.service());
    if (svc == null) {
      throw new InvalidInputException("environment " + env.name() + ": service '" + env.service()
          + "' does not exist in cluster " + env.cluster());
    }
    TaskDefinitionView current = gateway.taskDefinition(svc.taskDefinition());
    String target;
    // where the target came from, so that "cannot be found" points at what the user should fix
    String source;
    if (request.toRevision() != null && !request.toRevision().isBlank()) {
      String r = request.toRevision().strip();
      target = r.matches("\\d+") ? current.family() + ":" + r : r;
      source = "deploy.toRevision";
    } else {
      JournalRecord last = Journal.readLast(request.journalRoot(), env.name());
      if (last.snapshot == null || last.snapshot.taskDefinition == null) {
        throw new InvalidInputException(Journal.lastFile(request.journalRoot(), env.name())
            + " at /snapshot/taskDefinition: missing; pass -Ddeploy.toRevision=<revision> instead");
      }
      target = last.snapshot.taskDefinition;
      source = Journal.lastFile(request.journalRoot(), env.name()) + " at /snapshot/taskDefinition";
    }
    TaskDefinitionView to;
    try {
      to = gateway.taskDefinition(target);
    } catch (AwsException e) {
      if (!NOT_FOUND.contains(e.code())) {
        throw e; // throttling, expired credentials, AWS down: the environment's problem, not the revision's
      }
      throw new InvalidInputException(source + ": task definition '" + target + "' cannot be found ("
          + e.getMessage() + ")" + (source.startsWith("deploy.") ? ""
              : "; pass -Ddeploy.toRevision=<revision> to roll back to another revision"));
    }
    if (to.arn().equals(svc.taskDefinition())) {
      log.info("ROLLBACK " + env.service() + " already runs " + DeploymentWatcher.shortArn(to.arn())
          + "; nothing to do");
      return null;
    }
    if (env.requireConfirmation()) {
      boolean ok = env.name().equals(request.confirm())
          || (request.confirm() == null && request.interactive()
              && env.name().equals(strip(request.prompter().ask("Roll back " + env.name() + " to "
                  + DeploymentWatcher.shortArn(to.arn()) + "? Type the environment name to continue: "))));
      if (!ok) {
        throw new DeployFailedException("Rollback refused: environment '" + env.name() + "' requires confirmation "
            + "(-Ddeploy.confirm=" + env.name() + " in batch mode); nothing was changed", null, false);
      }
    }
    Instant started = clock.now();
    JournalRecord record = new JournalRecord();
    record.environment = env.name();
    record.cluster = env.cluster();
    record.service = env.service();
    record.startedAt = started;
    record.snapshot = new JournalRecord.Snapshot();
    record.snapshot.taskDefinition = svc.taskDefinition();
    record.snapshot.desiredCount = svc.desiredCount();
    record.snapshot.serviceArn = svc.arn();
    record.newTaskDefinition = to.arn();
    Journal journal = new Journal(request.journalRoot(), env.name(), started, "-rollback", redactor, record, false);
    journal.step(Step.SNAPSHOT.name(), started, "OK", "running " + svc.taskDefinition());
    log.info("ROLLBACK " + env.service() + ": " + DeploymentWatcher.shortArn(svc.taskDefinition()) + " -> "
        + DeploymentWatcher.shortArn(to.arn()));
    DeploymentWatcher watcher = new DeploymentWatcher(gateway, clock, log);
    watcher.markSeen(svc);
    ServiceView updated = gateway.updateService(env.cluster(), env.service(), to.arn(), null, null);
    var primary = updated.primary();
    record.deploymentId = primary == null ? null : primary.id();
    record.serviceDeployment = updated.currentServiceDeployment();
    journal.step(Step.UPDATE.name(), clock.now(), "OK", "deployment " + record.deploymentId);
    DeploymentWatcher.Outcome o = watcher.awaitDeployment(env.cluster(), env.service(), record.deploymentId,
        record.serviceDeployment, to.arn(), env.timeouts().rollback(), env.timeouts().pollInterval(), () -> false);
    record.finishedAt = clock.now();
    record.outcome = o.succeeded() ? "SUCCEEDED" : "FAILED";
    journal.step(Step.WAIT.name(), o.decidedAt(), o.succeeded() ? "OK" : "FAILED", o.reason());
    if (!o.succeeded()) {
      throw new DeployFailedException("Rollback of " + env.name() + " to " + DeploymentWatcher.shortArn(to.arn())
          + " failed: " + o.reason() + ". Journal: " + journal.file(), journal.file(), false);
    }
    log.info("ROLLBACK done: " + o.reason());
    return record;
  }

  private static String strip(String s) {
    return s == null ? null : s.strip();
  }
}
