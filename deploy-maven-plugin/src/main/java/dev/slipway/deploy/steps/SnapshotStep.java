package dev.slipway.deploy.steps;

import dev.slipway.deploy.ecs.EcsGateway.ServiceView;
import dev.slipway.deploy.journal.Journal;
import dev.slipway.deploy.journal.JournalRecord;
import dev.slipway.deploy.pipeline.DeployContext;
import dev.slipway.deploy.pipeline.DeployStep;
import dev.slipway.deploy.pipeline.DeploymentWatcher;
import dev.slipway.deploy.pipeline.EnvironmentSpec;
import dev.slipway.deploy.pipeline.Step;
import dev.slipway.deploy.pipeline.StepResult;
import java.time.Instant;

/**
 * SNAPSHOT: records the service as it is (task definition, counts, deployment configuration, images) in a new journal,
 * which from here on is written after every step. This is what a rollback returns to.
 */
public final class SnapshotStep implements DeployStep {
  static JournalRecord.Build build(dev.slipway.deploy.pipeline.BuildInfo b) {
    if (b == null || (b.commit() == null && b.image() == null && b.ciRunUrl() == null)) {
      return null;
    }
    JournalRecord.Build j = new JournalRecord.Build();
    j.project = b.project();
    j.commit = b.commit();
    j.branch = b.branch();
    j.tags = b.tags().isEmpty() ? null : b.tags();
    j.repositoryUrl = b.repositoryUrl();
    j.ciRun = b.ciRunUrl();
    j.actor = b.actor();
    if (b.image() != null) {
      j.imageRepository = b.image().repository();
      j.imageDigest = b.image().digest();
      j.imageCreated = b.image().created();
      j.platforms = b.image().platforms().stream().map(p -> p.name() + "@" + p.digest()).toList();
      j.baseImage = b.image().baseImage() == null ? null : b.image().baseImage().reference()
          + (b.image().baseImage().digest() == null ? "" : "@" + b.image().baseImage().digest());
    }
    return j;
  }

  @Override
  public Step id() {
    return Step.SNAPSHOT;
  }

  @Override
  public StepResult run(DeployContext ctx) throws dev.slipway.deploy.ecs.EcsGateway.AwsException {
    EnvironmentSpec env = ctx.env;
    ServiceView svc = ctx.service;
    Instant started = ctx.clock.now();
    JournalRecord record = new JournalRecord();
    record.environment = env.name();
    record.region = env.region();
    record.cluster = env.cluster();
    record.service = env.service();
    record.image = ctx.request.image();
    record.caller = ctx.caller;
    record.startedAt = started;
    record.verification = ctx.verification;
    record.build = build(ctx.request.options().build());
    JournalRecord.Snapshot snap = new JournalRecord.Snapshot();
    snap.serviceArn = svc.arn();
    snap.taskDefinition = ctx.rollbackTarget != null ? ctx.rollbackTarget : svc.taskDefinition();
    if (ctx.rollbackTarget != null) {
      snap.inFlightTaskDefinition = svc.taskDefinition();
    }
    snap.desiredCount = svc.desiredCount();
    snap.runningCount = svc.runningCount();
    snap.deploymentConfiguration = svc.deploymentConfiguration();
    snap.previousDeploymentId = svc.primary() == null ? null : svc.primary().id();
    snap.previousServiceDeployment = svc.currentServiceDeployment();
    var target = ctx.rollbackTarget == null ? ctx.current : ctx.gateway.taskDefinition(ctx.rollbackTarget);
    target.containers().forEach(c -> snap.images.add(c.name() + "=" + c.image()));
    record.snapshot = snap;
    ctx.snapshot = snap;
    ctx.openJournal(new Journal(ctx.request.journalRoot(), env.name(), started, ctx.redactor, record));
    ctx.watcher.markSeen(svc);
    ctx.log.info("SNAPSHOT " + DeploymentWatcher.shortArn(snap.taskDefinition) + ", desired " + snap.desiredCount
        + " -> " + ctx.journal.file());
    return StepResult.ok("task definition " + snap.taskDefinition + ", desired " + snap.desiredCount, started);
  }
}
