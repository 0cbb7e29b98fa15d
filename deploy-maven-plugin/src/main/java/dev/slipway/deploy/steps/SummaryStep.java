package dev.slipway.deploy.steps;

import dev.slipway.deploy.journal.JournalRecord;
import dev.slipway.deploy.pipeline.BuildInfo;
import dev.slipway.deploy.pipeline.DeployContext;
import dev.slipway.deploy.pipeline.DeployStep;
import dev.slipway.deploy.pipeline.Step;
import dev.slipway.deploy.pipeline.StepResult;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * SUMMARY: appends the deployment to the GitHub Actions step summary ({@code $GITHUB_STEP_SUMMARY}) as one record
 * from the build to the running revision: commit and CI run, image digest and platforms, signature and scan, task
 * definition revisions, ECS deployment, monitor, release, journal. Passed through the redactor like everything else.
 */
public final class SummaryStep implements DeployStep {
  @Override
  public Step id() {
    return Step.SUMMARY;
  }

  @Override
  public boolean applies(DeployContext ctx) {
    String file = ctx.request.options().env().get("GITHUB_STEP_SUMMARY");
    return file != null && !file.isBlank();
  }

  @Override
  public StepResult run(DeployContext ctx) {
    Path file = Path.of(ctx.request.options().env().get("GITHUB_STEP_SUMMARY"));
    String markdown = ctx.redactor.redact(markdown(ctx));
    // GitHub collects the summary by appending; every step adds its own section
    try {
      Files.writeString(file, markdown, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (java.io.IOException e) {
      return StepResult.failed("cannot append to $GITHUB_STEP_SUMMARY " + file + ": " + e.getMessage(),
          ctx.clock.now());
    }
    return StepResult.ok("appended to $GITHUB_STEP_SUMMARY", ctx.clock.now());
  }

  static String markdown(DeployContext ctx) {
    JournalRecord r = ctx.record();
    BuildInfo b = ctx.request.options().build();
    StringBuilder m = new StringBuilder();
    m.append("## ").append(Outcomes.headline(ctx)).append("\n\n| | |\n|---|---|\n");
    row(m, "Commit", b.commit() == null ? null : "`" + b.commit() + "`" + (b.branch() == null ? ""
        : " on " + b.branch()) + (b.tags().isEmpty() ? "" : ", tags " + String.join(", ", b.tags())));
    row(m, "Build", b.ciRunUrl() == null ? null : "[CI run](" + b.ciRunUrl() + ")"
        + (b.actor() == null ? "" : " by " + b.actor()));
    row(m, "Image", "`" + ctx.request.image() + "`");
    if (b.image() != null) {
      row(m, "Built", (b.image().created() == null ? "" : b.image().created() + ", ")
          + b.image().platforms().stream().map(p -> p.name() + " `" + p.digest() + "`")
              .reduce((x, y) -> x + "<br>" + y).orElse("")
          + (b.image().baseImage() == null ? "" : "<br>base " + b.image().baseImage().reference()));
    }
    if (r.verification != null) {
      for (JournalRecord.Evidence e : r.verification.evidence) {
        row(m, "SIGNATURE".equals(e.kind) ? "Signature" : "Scan", (e.vouches ? "✅ PASS" : "❌ " + e.verdict)
            + " (`" + Path.of(e.file).getFileName() + "`" + (e.detail == null ? "" : ", " + e.detail) + ")");
      }
      row(m, "Override", r.verification.overriddenBy == null ? null
          : "deployed unverified by " + r.verification.overriddenBy);
    }
    row(m, "Task definition", "`" + Outcomes.revision(r.snapshot.taskDefinition) + "` → `"
        + Outcomes.revision(r.newTaskDefinition) + "`");
    row(m, "ECS deployment", r.deploymentId == null ? null : "`" + r.deploymentId + "`"
        + (r.serviceDeployment == null ? "" : " (`" + r.serviceDeployment + "`)"));
    row(m, "Outcome", "**" + r.outcome + "**" + (r.failure == null ? "" : ": " + r.failure));
    if (r.rollback != null) {
      row(m, "Rollback", r.rollback.method + " to `" + Outcomes.revision(r.rollback.toTaskDefinition) + "`: "
          + (r.rollback.succeeded ? "succeeded" : "**FAILED**") + " (" + r.rollback.detail + ")");
    }
    if (r.monitor != null) {
      row(m, "Monitor", r.monitor.verdict + ": " + r.monitor.detail);
    }
    if (r.release != null) {
      row(m, "Release", "[" + r.release.tag + "](" + r.release.url + ")");
    }
    row(m, "Journal", "`" + ctx.journal.file() + "`");
    return m.append("\n").toString();
  }

  private static void row(StringBuilder m, String label, String value) {
    if (value != null && !value.isBlank()) {
      m.append("| ").append(label).append(" | ").append(value.replace("|", "\\|").replace("\n", " ")).append(" |\n");
    }
  }
}
