package dev.slipway.deploy.steps;

import dev.slipway.common.github.GitHubReleases;
import dev.slipway.deploy.journal.JournalRecord;
import dev.slipway.deploy.pipeline.BuildInfo;
import dev.slipway.deploy.pipeline.DeployContext;
import dev.slipway.deploy.pipeline.DeployRequest;
import dev.slipway.deploy.pipeline.DeployStep;
import dev.slipway.deploy.pipeline.Step;
import dev.slipway.deploy.pipeline.StepResult;
import dev.slipway.deploy.release.ReleaseNotes;
import java.util.ArrayList;
import java.util.List;

/**
 * RELEASE, after a successful production deployment of a commit tagged {@code v*.*.*}: the GitHub release of the tag,
 * created or updated, with the image digest, where it runs, the verdicts of its signature and scan, and the SBOM, scan
 * and signature files attached. A release that cannot be made is an error in the log and the journal, never a
 * rollback of a good deployment ({@code mvn deploy:release} makes it later).
 */
public final class ReleaseStep implements DeployStep {
  @Override
  public Step id() {
    return Step.RELEASE;
  }

  @Override
  public boolean applies(DeployContext ctx) {
    DeployRequest.Options o = ctx.request.options();
    boolean wanted = o.release() != null && ctx.releases != null && ctx.env.production()
        && "SUCCEEDED".equals(ctx.record().outcome);
    if (wanted && o.build().releaseTag() == null) {
      ctx.log.info("RELEASE none: the commit has no v*.*.* tag");
      return false;
    }
    return wanted;
  }

  @Override
  public StepResult run(DeployContext ctx) throws InterruptedException {
    DeployRequest.Options o = ctx.request.options();
    BuildInfo build = o.build();
    JournalRecord r = ctx.record();
    GitHubReleases.Spec spec = ReleaseNotes.spec(new ReleaseNotes.Input(o.release().repository(),
        build.releaseTag(), build.commit(), build.project(), ctx.request.image(), deployed(r, ctx.env.name()),
        checks(r.verification), o.release().files()));
    GitHubReleases.Result result;
    try {
      result = ctx.releases.publish(spec);
    } catch (java.io.IOException e) {
      String reason = "the release of " + spec.tag() + " could not be made: " + e.getMessage() + "; the deployment "
          + "stands; make the release later with mvn deploy:release";
      return StepResult.failed(reason, ctx.clock.now());
    }
    JournalRecord.Release j = new JournalRecord.Release();
    j.tag = spec.tag();
    j.url = result.htmlUrl();
    j.created = result.created();
    j.assets = new ArrayList<>(result.assetUrls().keySet());
    r.release = j;
    ctx.log.info("RELEASE " + spec.tag() + (result.created() ? " created: " : " updated: ") + result.htmlUrl());
    return StepResult.ok((result.created() ? "created " : "updated ") + result.htmlUrl(), ctx.clock.now());
  }

  static String deployed(JournalRecord r, String env) {
    return "Deployed to **" + env + "** as `" + Outcomes.revision(r.newTaskDefinition) + "` (deployment `"
        + r.deploymentId + "`) at " + r.finishedAt + ".";
  }

  static List<ReleaseNotes.Check> checks(JournalRecord.Verification v) {
    List<ReleaseNotes.Check> out = new ArrayList<>();
    if (v == null) {
      return out;
    }
    for (JournalRecord.Evidence e : v.evidence) {
      String name = "SIGNATURE".equals(e.kind) ? "Signature (image:verify)" : "Scan (image:scan)";
      String file = e.file == null ? null : java.nio.file.Path.of(e.file).getFileName().toString();
      out.add(new ReleaseNotes.Check(name, e.vouches ? "PASS" : e.verdict + (v.overriddenBy == null ? ""
          : ", overridden by " + v.overriddenBy), file));
    }
    return out;
  }
}
