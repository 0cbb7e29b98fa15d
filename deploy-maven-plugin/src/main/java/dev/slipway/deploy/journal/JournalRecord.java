package dev.slipway.deploy.journal;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What one deployment did, as written to {@code target/slipway/deploy/<env>/<timestamp>.json} and {@code last.json}:
 * the snapshot taken before anything changed (enough to roll back by hand), every step with its time and outcome,
 * the new revision and deployment, and how it ended. Plain fields so the file reads back with any JSON tool.
 */
public final class JournalRecord {
  public int schemaVersion = 1;
  public String environment;
  public String region;
  public String cluster;
  public String service;
  public String image;
  public String caller;
  public Instant startedAt;
  public Instant finishedAt;
  public boolean dryRun;
  public Snapshot snapshot;
  public String newTaskDefinition;
  public String deploymentId;
  public String serviceDeployment;
  public List<StepEntry> steps = new ArrayList<>();
  /**
   * SUCCEEDED, FAILED_ROLLED_BACK, ROLLED_BACK_BY_ECS, ROLLBACK_FAILED, SUPERSEDED (another deployment replaced this
   * one; not rolled back), FAILED (before any change).
   */
  public String outcome;
  public String failure;
  public Instant failureDetectedAt;
  public Rollback rollback;
  /** What MONITOR saw, when it ran. */
  public Monitor monitor;
  /** The build that made the image: commit, CI run, image.json. */
  public Build build;
  /** What VERIFY found about the digest, and who overrode it if anyone did. */
  public Verification verification;
  /** The GitHub release made after the deployment, if any. */
  public Release release;
  /** The Slack messages sent about this deployment. */
  public List<Notification> notifications;

  /** The build that made the image. */
  public static final class Build {
    public String project;
    public String commit;
    public String branch;
    public List<String> tags;
    public String repositoryUrl;
    public String ciRun;
    public String actor;
    public String imageRepository;
    public String imageDigest;
    public String imageCreated;
    public List<String> platforms;
    public String baseImage;
  }

  /** VERIFY: each file's view of the digest, the problems found, and an override. */
  public static final class Verification {
    public String digest;
    /** refuse (production) or warn. */
    public String policy;
    public List<Evidence> evidence = new ArrayList<>();
    public List<String> problems = new ArrayList<>();
    /** Who deployed despite the problems with -Ddeploy.allowUnverified (CI actor and OS user). */
    public String overriddenBy;
  }

  public static final class Evidence {
    public String kind;
    public String file;
    public String digest;
    public String verdict;
    public String detail;
    public boolean vouches;
  }

  public static final class Release {
    public String tag;
    public String url;
    public boolean created;
    public List<String> assets;
  }

  public static final class Notification {
    public String channel;
    public String source;
    public boolean delivered;
    public int attempts;
    public String detail;

    /** The journal's record of Slack deliveries, their details redacted. */
    public static List<Notification> of(List<dev.slipway.common.notify.SlackWebhook.Delivery> deliveries,
        dev.slipway.common.Redactor redactor) {
      List<Notification> out = new ArrayList<>();
      for (var d : deliveries) {
        Notification n = new Notification();
        n.channel = d.channel().label();
        n.source = d.source();
        n.delivered = d.delivered();
        n.attempts = d.attempts();
        n.detail = redactor.redact(d.detail());
        out.add(n);
      }
      return out;
    }
  }

  /** MONITOR's verdict and the numbers it rests on. */
  public static final class Monitor {
    /** PASSED, FAILED, NOT_JUDGED (too few requests to judge: missing data is not health), INTERRUPTED. */
    public String verdict;
    public String detail;
    public Instant startedAt;
    public Instant decidedAt;
    public String window;
    public double thresholdPercent;
    public long minRequests;
    public double requests;
    public double errors;
    public Double errorRatePercent;
    public List<Sample> samples = new ArrayList<>();
  }

  /** One poll of MONITOR: totals since it started, and the alarms' states. */
  public static final class Sample {
    public Instant at;
    public double requests;
    public double errors;
    public Double errorRatePercent;
    public java.util.Map<String, String> alarms;
  }

  /** The service as it was before the deployment; {@code taskDefinition} is what a rollback returns to. */
  public static final class Snapshot {
    public String serviceArn;
    public String taskDefinition;
    /** Set when deployed over a deployment in flight (deploy.force): the unverified revision the service pointed at. */
    public String inFlightTaskDefinition;
    public int desiredCount;
    public int runningCount;
    public JsonNode deploymentConfiguration;
    public String previousDeploymentId;
    public String previousServiceDeployment;
    public List<String> images = new ArrayList<>();
  }

  public static final class StepEntry {
    public String step;
    public Instant at;
    public String outcome;
    public String detail;

    public StepEntry() {}

    public StepEntry(String step, Instant at, String outcome, String detail) {
      this.step = step;
      this.at = at;
      this.outcome = outcome;
      this.detail = detail;
    }
  }

  public static final class Rollback {
    /** ECS (its circuit breaker did it), StopServiceDeployment, UpdateService. */
    public String method;
    public String reason;
    public Instant requestedAt;
    public Instant stableAt;
    public String toTaskDefinition;
    public boolean succeeded;
    public String detail;
  }
}
