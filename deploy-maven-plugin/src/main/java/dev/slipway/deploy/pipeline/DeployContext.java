package dev.slipway.deploy.pipeline;

import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.deploy.checks.HttpProbe;
import dev.slipway.deploy.ecs.EcsGateway;
import dev.slipway.deploy.ecs.EcsGateway.ServiceView;
import dev.slipway.deploy.ecs.EcsGateway.TaskDefinitionDraft;
import dev.slipway.deploy.ecs.EcsGateway.TaskDefinitionView;
import dev.slipway.deploy.journal.Journal;
import dev.slipway.deploy.journal.JournalRecord;
import dev.slipway.deploy.monitor.CloudWatch;
import dev.slipway.deploy.monitor.MetricQuery;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the steps of one deployment share: the request, the outside systems, and the facts each step leaves for the
 * next (the field comments say which step sets them). Only the deploying thread writes the facts; the shutdown hook
 * reads {@link #aborted} and {@link #changeStarted} and what the snapshot recorded.
 */
public final class DeployContext {
  public final DeployRequest request;
  public final EnvironmentSpec env;
  public final EcsGateway gateway;
  /** CloudWatch for MONITOR; null when the deployment was built without it (then MONITOR cannot run). */
  public final CloudWatch cloudWatch;
  public final HttpProbe probe;
  public final Clock clock;
  public final Prompter prompter;
  public final Redactor redactor;
  public final Log log;
  public final DeploymentWatcher watcher;
  /** Slack; sends nothing when no webhook is configured. */
  public final dev.slipway.common.notify.Notifier notifier;
  /** GitHub releases; null: no RELEASE step. */
  public final dev.slipway.deploy.release.ReleasePublisher releases;

  /** PREFLIGHT: who calls AWS, the service as it was, its task definition, the images to set, the draft and diff. */
  public String caller;
  public ServiceView service;
  public TaskDefinitionView current;
  public Map<String, String> images;
  public TaskDefinitionDraft draft;
  public List<String> diff = List.of();

  /**
   * PREFLIGHT, only when deploying over a deployment in flight ({@code deploy.force}): the last revision that
   * completed, which a rollback returns to instead of the unverified one the service points at.
   */
  public String rollbackTarget;

  /** PREFLIGHT: MONITOR's queries with the service's load balancer and target group filled in. */
  public List<MetricQuery> monitorQueries = List.of();

  /** The message of the failure the deployment ended with, for the epilogue (null when it succeeded). */
  public String failure;

  /** VERIFY: what the verification files say about the digest, for the journal. */
  public JournalRecord.Verification verification;

  /** SNAPSHOT: the journal (null before it) and what a rollback returns to. */
  public Journal journal;
  public JournalRecord.Snapshot snapshot;

  /** REGISTER: the new revision. */
  public TaskDefinitionView registered;

  /** UPDATE: the service as UpdateService answered, our deployment's id and its service deployment's ARN. */
  public ServiceView updated;
  public String deploymentId;
  public String serviceDeploymentArn;

  /** Steps journaled before the journal existed (PREFLIGHT, CONFIRM), written when SNAPSHOT opens it. */
  final List<JournalRecord.StepEntry> early = new ArrayList<>();

  private volatile boolean aborted;
  private volatile boolean changeStarted;

  DeployContext(DeployRequest request, DeployTools tools, Redactor redactor, Log log) {
    this.request = request;
    this.env = request.environment();
    this.gateway = tools.ecs();
    this.cloudWatch = tools.cloudWatch();
    this.probe = tools.probe();
    this.clock = tools.clock();
    this.prompter = tools.prompter();
    this.notifier = tools.notifier();
    this.releases = tools.releases();
    this.redactor = redactor;
    this.log = log;
    this.watcher = new DeploymentWatcher(gateway, clock, log);
  }

  /** The journal's record, or null before SNAPSHOT. */
  public JournalRecord record() {
    return journal == null ? null : journal.record();
  }

  /**
   * Starts the journal (SNAPSHOT: the first moment there is something to undo); the steps that ran before it are
   * recorded in it too.
   */
  public void openJournal(Journal journal) {
    journal.record().steps.addAll(early);
    early.clear();
    this.journal = journal;
  }

  /**
   * Journals a step. A journal that cannot be written is reported once, loudly, and the deployment goes on: the
   * record stays in memory and every later step writes it again.
   */
  public void journalStep(Step step, java.time.Instant at, String outcome, String detail) {
    if (journal == null) {
      early.add(new JournalRecord.StepEntry(step.name(), at, outcome, detail));
      return;
    }
    boolean written = journal.step(step.name(), at, outcome, detail);
    if (!written && !journalFailureReported) {
      journalFailureReported = true;
      log.error("JOURNAL " + journal.writeFailure() + ". The deployment goes on (its checks and any rollback are "
          + "unaffected); the journal is kept in memory and written again after every step.");
    } else if (written && journalFailureReported) {
      journalFailureReported = false;
      log.warn("JOURNAL written again: " + journal.file());
    }
  }

  /** Why the journal is not on disk, or null when it is. */
  public String journalFailure() {
    return journal == null ? null : journal.writeFailure();
  }

  private volatile boolean journalFailureReported;

  /** Ctrl-C (or SIGTERM) arrived: every waiting step stops at its next poll. */
  public boolean aborted() {
    return aborted;
  }

  void abort() {
    aborted = true;
  }

  /**
   * Marks the moment from which the service may differ from the snapshot; from here on every failure rolls back.
   * UPDATE calls it just before UpdateService, because a call that times out may still have changed the service.
   */
  public void changeStarted() {
    changeStarted = true;
  }

  public boolean hasChangeStarted() {
    return changeStarted;
  }
}
