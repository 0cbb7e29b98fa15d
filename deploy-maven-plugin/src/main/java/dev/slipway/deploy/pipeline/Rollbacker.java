package dev.slipway.deploy.pipeline;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.common.notify.Channel;
import dev.slipway.common.notify.Notifier;
import dev.slipway.common.notify.SlackMessage;
import dev.slipway.deploy.ecs.EcsGateway;
import dev.slipway.deploy.ecs.EcsGateway.AwsException;
import dev.slipway.deploy.ecs.EcsGateway.ServiceView;
import dev.slipway.deploy.ecs.EcsGateway.TaskDefinitionView;
import dev.slipway.deploy.journal.Journal;
import dev.slipway.deploy.journal.JournalRecord;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;

/**
 * {@code deploy:rollback}: points the service back at the task definition the last deployment's snapshot recorded
 * (or at {@code toRevision}) and waits for that deployment exactly as {@code deploy:ecs} waits for its own. Without
 * {@code last.json} (after {@code mvn clean}, in a fresh CI job) the target is the service's previous revision as ECS
 * remembers it: the newest successful service deployment of another task definition. The desired count and the
 * deployment configuration go back too (from the snapshot, or from that service deployment). Production environments
 * need the same confirmation as a deployment. Journaled as {@code <timestamp>-rollback.json}, leaving
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

  private final Notifier notifier;

  public Rollbacker(EcsGateway gateway, Clock clock, Redactor redactor, Log log) {
    this(gateway, clock, redactor, log, Notifier.none());
  }

  /** With {@code notifier}, every rollback that changed the service is posted to deploys and critical. */
  public Rollbacker(EcsGateway gateway, Clock clock, Redactor redactor, Log log, Notifier notifier) {
    this.gateway = gateway;
    this.clock = clock;
    this.redactor = redactor;
    this.log = log.redacting(redactor);
    this.notifier = notifier;
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
    Integer desiredCount = null;
    JsonNode configuration = null;
    Path lastFile = Journal.lastFile(request.journalRoot(), env.name());
    if (request.toRevision() != null && !request.toRevision().isBlank()) {
      String r = request.toRevision().strip();
      target = r.matches("\\d+") ? current.family() + ":" + r : r;
      source = "deploy.toRevision";
    } else if (Files.exists(lastFile)) {
      JournalRecord last = Journal.readLast(request.journalRoot(), env.name());
      if (last.snapshot == null || last.snapshot.taskDefinition == null) {
        throw new InvalidInputException(lastFile + " at /snapshot/taskDefinition: missing; pass "
            + "-Ddeploy.toRevision=<revision> instead");
      }
      target = last.snapshot.taskDefinition;
      desiredCount = last.snapshot.desiredCount;
      configuration = last.snapshot.deploymentConfiguration;
      source = lastFile + " at /snapshot/taskDefinition";
    } else {
      Previous previous = previousFromEcs(env, svc);
      if (previous == null) {
        throw new InvalidInputException("deploy:rollback of " + env.name() + ": there is no " + lastFile
            + " (mvn clean, or a fresh CI job) and ECS lists no earlier successful deployment of another revision of "
            + env.service() + "; pass -Ddeploy.toRevision=<revision>");
      }
      target = previous.taskDefinition();
      desiredCount = previous.desiredCount();
      configuration = previous.configuration();
      source = "the service's previous revision from ECS (service deployment " + previous.serviceDeployment() + ")";
      log.info("ROLLBACK no " + lastFile + ": " + source + " ran " + DeploymentWatcher.shortArn(target)
          + (desiredCount == null ? "" : " with " + desiredCount + " task(s)"));
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
    record.snapshot.deploymentConfiguration = svc.deploymentConfiguration();
    record.snapshot.serviceArn = svc.arn();
    record.newTaskDefinition = to.arn();
    Journal journal = new Journal(request.journalRoot(), env.name(), started, "-rollback", redactor, record, false);
    journal.step(Step.SNAPSHOT.name(), started, "OK", "running " + svc.taskDefinition());
    log.info("ROLLBACK " + env.service() + ": " + DeploymentWatcher.shortArn(svc.taskDefinition()) + " -> "
        + DeploymentWatcher.shortArn(to.arn()));
    DeploymentWatcher watcher = new DeploymentWatcher(gateway, clock, log);
    watcher.markSeen(svc);
    Integer count = desiredCount != null && desiredCount != svc.desiredCount() ? desiredCount : null;
    JsonNode config = configuration != null && !configuration.isEmpty()
        && !configuration.equals(svc.deploymentConfiguration()) ? configuration : null;
    if (count != null || config != null) {
      log.info("ROLLBACK also restoring" + (count == null ? "" : " desired count " + svc.desiredCount() + " -> "
          + count) + (config == null ? "" : " deployment configuration " + config));
    }
    ServiceView updated = gateway.updateService(env.cluster(), env.service(), to.arn(), count, config);
    var primary = updated.primary();
    record.deploymentId = primary == null ? null : primary.id();
    record.serviceDeployment = updated.currentServiceDeployment();
    journal.step(Step.UPDATE.name(), clock.now(), "OK", "deployment " + record.deploymentId);
    DeploymentWatcher.Outcome o = watcher.awaitDeployment(env.cluster(), env.service(), record.deploymentId,
        record.serviceDeployment, to.arn(), svc.taskDefinition(), env.timeouts().rollback(), env.timeouts().pollInterval(), () -> false);
    record.finishedAt = clock.now();
    record.outcome = o.succeeded() ? "SUCCEEDED" : "FAILED";
    journal.step(Step.WAIT.name(), o.decidedAt(), o.succeeded() ? "OK" : "FAILED", o.reason());
    notify(env, record, o.reason(), journal);
    if (!o.succeeded()) {
      throw new DeployFailedException("Rollback of " + env.name() + " to " + DeploymentWatcher.shortArn(to.arn())
          + " failed: " + o.reason() + ". Journal: " + journal.file(), journal.file(), false);
    }
    log.info("ROLLBACK done: " + o.reason());
    return record;
  }

  /**
   * Critical on any rollback, as the deploy goal's own: to deploys and critical, whatever the outcome; journaled
   * like deploy:ecs's NOTIFY, never failing the rollback.
   */
  private void notify(EnvironmentSpec env, JournalRecord record, String reason, Journal journal) {
    if (notifier.configured().isEmpty()) {
      return;
    }
    boolean ok = "SUCCEEDED".equals(record.outcome);
    String headline = "Rollback of " + env.name() + (ok ? " succeeded" : " FAILED");
    Map<String, String> facts = SlackMessage.ordered();
    facts.put("Environment", env.name());
    facts.put("Service", env.cluster() + "/" + env.service());
    facts.put("From", DeploymentWatcher.shortArn(record.snapshot.taskDefinition));
    facts.put("To", DeploymentWatcher.shortArn(record.newTaskDefinition));
    facts.put("Outcome", record.outcome);
    facts.put("Duration", Duration.between(record.startedAt, record.finishedAt).toSeconds() + " s");
    facts.replaceAll((k, v) -> v == null ? null : redactor.redact(v));
    SlackMessage message = new SlackMessage(redactor.redact(headline + " (deploy:rollback)")).header(headline)
        .fields(facts).text(redactor.redact((ok ? "" : "Failure: ") + reason));
    List<JournalRecord.Notification> sent = JournalRecord.Notification.of(
        notifier.send(EnumSet.of(Channel.DEPLOYS, Channel.CRITICAL), message), redactor);
    record.notifications = sent;
    long delivered = sent.stream().filter(n -> n.delivered).count();
    journal.step(Step.NOTIFY.name(), clock.now(), delivered == sent.size() ? "OK" : "FAILED",
        delivered + " of " + sent.size() + " Slack message(s) delivered");
  }

  /** The revision a service ran before its current one, as ECS's service deployments remember it. */
  record Previous(String taskDefinition, Integer desiredCount, JsonNode configuration, String serviceDeployment) {}

  private Previous previousFromEcs(EnvironmentSpec env, ServiceView svc) throws AwsException {
    for (var summary : gateway.serviceDeployments(env.cluster(), env.service(), 100)) {
      if (summary.arn().equals(svc.currentServiceDeployment()) || !"SUCCESSFUL".equals(summary.status())) {
        continue;
      }
      var sd = gateway.serviceDeployment(summary.arn());
      String revision = sd != null && sd.targetServiceRevisionArn() != null ? sd.targetServiceRevisionArn()
          : summary.targetServiceRevisionArn();
      String td = revision == null ? null : gateway.serviceRevisionTaskDefinition(revision);
      if (td != null && !td.equals(svc.taskDefinition())) {
        return new Previous(td, sd == null ? null : sd.requestedTaskCount(),
            sd == null ? null : sd.deploymentConfiguration(), summary.arn());
      }
    }
    return null;
  }

  private static String strip(String s) {
    return s == null ? null : s.strip();
  }
}
