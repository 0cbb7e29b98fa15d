package dev.slipway.deploy.steps;

import dev.slipway.common.Durations;
import dev.slipway.deploy.journal.JournalRecord;
import dev.slipway.deploy.pipeline.BuildInfo;
import dev.slipway.deploy.pipeline.DeployContext;
import dev.slipway.deploy.pipeline.DeploymentWatcher;
import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** How the epilogue steps name an outcome, and the facts and links they all show. */
final class Outcomes {
  private Outcomes() {}

  static boolean rolledBack(String outcome) {
    return "FAILED_ROLLED_BACK".equals(outcome) || "ROLLED_BACK_BY_ECS".equals(outcome)
        || "ROLLBACK_FAILED".equals(outcome);
  }

  static String headline(DeployContext ctx) {
    JournalRecord r = ctx.record();
    String what = project(ctx);
    String env = ctx.env.name();
    return switch (String.valueOf(r.outcome)) {
      case "SUCCEEDED" -> "✅ " + what + " deployed to " + env;
      case "FAILED_ROLLED_BACK" -> "🔴 " + what + ": deployment to " + env + " failed and was rolled back";
      case "ROLLED_BACK_BY_ECS" -> "🔴 " + what + ": deployment to " + env + " failed; ECS rolled it back";
      case "ROLLBACK_FAILED" -> "🚨 " + what + ": deployment to " + env + " failed and the ROLLBACK FAILED";
      case "SUPERSEDED" -> "⚠️ " + what + ": deployment to " + env + " was superseded by another deployment";
      default -> "❌ " + what + ": deployment to " + env + " failed before any change";
    };
  }

  static String project(DeployContext ctx) {
    String p = ctx.request.options().build().project();
    return p != null ? p : ctx.env.service();
  }

  static String revision(String arn) {
    return arn == null ? null : DeploymentWatcher.shortArn(arn);
  }

  /** The facts every message and summary shows, label to value (null values are left out by the renderers). */
  static Map<String, String> facts(DeployContext ctx) {
    JournalRecord r = ctx.record();
    Map<String, String> f = new LinkedHashMap<>();
    f.put("Environment", ctx.env.name() + " (" + ctx.env.cluster() + "/" + ctx.env.service() + ")");
    f.put("Outcome", r.outcome);
    f.put("Image digest", ctx.request.digest());
    String revision = revision(r.newTaskDefinition);
    if ("SUCCEEDED".equals(r.outcome)) {
      f.put("Task definition", revision + " (was " + revision(r.snapshot.taskDefinition) + ")");
    } else {
      f.put("Task definition", (revision == null ? "not registered" : revision) + ", service back on "
          + revision(r.snapshot.taskDefinition));
    }
    f.put("Duration", r.finishedAt == null || r.startedAt == null ? null
        : Durations.format(Duration.ofSeconds(Duration.between(r.startedAt, r.finishedAt).toSeconds())));
    BuildInfo b = ctx.request.options().build();
    f.put("By", b.actor() != null ? b.actor() : r.caller);
    if (b.commit() != null) {
      f.put("Commit", b.commit().substring(0, Math.min(12, b.commit().length()))
          + (b.branch() == null ? "" : " (" + b.branch() + ")") + (b.releaseTag() == null ? "" : " " + b.releaseTag()));
    }
    if (r.monitor != null) {
      f.put("Monitor", r.monitor.verdict + (r.monitor.errorRatePercent == null ? ""
          : String.format(java.util.Locale.ROOT, ", %.2f %% errors", r.monitor.errorRatePercent)) + ", "
          + (long) r.monitor.requests + " requests in " + r.monitor.window);
    }
    if (r.verification != null) {
      f.put("Verified", r.verification.problems.isEmpty() ? "signature and scan vouch for the digest"
          : r.verification.overriddenBy != null ? "NO, overridden by " + r.verification.overriddenBy
          : "NO: " + String.join("; ", r.verification.problems));
    }
    return f;
  }

  /** Links: the CI run, the ECS service's deployments, the commit, the release. */
  static Map<String, URI> links(DeployContext ctx) {
    Map<String, URI> l = new LinkedHashMap<>();
    BuildInfo b = ctx.request.options().build();
    l.put("CI run", uri(b.ciRunUrl()));
    String region = ctx.env.region();
    if (region != null) {
      l.put("ECS service", uri("https://" + region + ".console.aws.amazon.com/ecs/v2/clusters/" + ctx.env.cluster()
          + "/services/" + ctx.env.service() + "/deployments?region=" + region));
    }
    if (b.commit() != null && b.repositoryUrl() != null && b.repositoryUrl().startsWith("https://")) {
      l.put("Commit", uri(b.repositoryUrl().replaceAll("\\.git$", "") + "/commit/" + b.commit()));
    }
    JournalRecord r = ctx.record();
    if (r.release != null && r.release.url != null) {
      l.put("Release " + r.release.tag, uri(r.release.url));
    }
    return l;
  }

  private static URI uri(String s) {
    if (s == null) {
      return null;
    }
    try {
      return URI.create(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
