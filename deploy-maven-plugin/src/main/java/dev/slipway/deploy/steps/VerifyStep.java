package dev.slipway.deploy.steps;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.image.ImageEvidence;
import dev.slipway.deploy.journal.JournalRecord;
import dev.slipway.deploy.pipeline.DeployContext;
import dev.slipway.deploy.pipeline.DeployFailedException;
import dev.slipway.deploy.pipeline.DeployRequest;
import dev.slipway.deploy.pipeline.DeployStep;
import dev.slipway.deploy.pipeline.Step;
import dev.slipway.deploy.pipeline.StepResult;
import java.util.ArrayList;
import java.util.List;

/**
 * VERIFY, before anything is registered: image:verify's {@code verified.json} and image:scan's {@code scan.json} must
 * both name exactly the digest being deployed with a passing verdict. Production refuses otherwise; other environments
 * warn. {@code -Ddeploy.allowUnverified} deploys anyway, and the journal records who did.
 */
public final class VerifyStep implements DeployStep {
  @Override
  public Step id() {
    return Step.VERIFY;
  }

  @Override
  public boolean applies(DeployContext ctx) {
    DeployRequest.Options o = ctx.request.options();
    return o.verifiedJson() != null || o.scanJson() != null;
  }

  @Override
  public StepResult run(DeployContext ctx) throws InvalidInputException, DeployFailedException {
    DeployRequest.Options o = ctx.request.options();
    String digest = ctx.request.digest();
    List<ImageEvidence> evidence = new ArrayList<>();
    if (o.verifiedJson() != null) {
      evidence.add(ImageEvidence.readVerified(o.verifiedJson()));
    }
    if (o.scanJson() != null) {
      evidence.add(ImageEvidence.readScan(o.scanJson()));
    }
    JournalRecord.Verification v = new JournalRecord.Verification();
    v.digest = digest;
    v.policy = ctx.env.production() ? "refuse" : "warn";
    for (ImageEvidence e : evidence) {
      JournalRecord.Evidence j = new JournalRecord.Evidence();
      j.kind = e.kind().name();
      j.file = String.valueOf(e.file());
      j.digest = e.digest();
      j.verdict = e.verdict().name();
      j.detail = e.detail();
      j.vouches = e.vouchesFor(digest);
      v.evidence.add(j);
      String problem = e.problemWith(digest);
      if (problem != null) {
        v.problems.add(problem);
      } else {
        ctx.log.info("VERIFY " + e.kind().file() + " vouches for " + digest + (e.detail() == null ? ""
            : " (" + e.detail() + ")"));
      }
    }
    ctx.verification = v;
    if (v.problems.isEmpty()) {
      return StepResult.ok("signature and scan vouch for " + digest, ctx.clock.now());
    }
    String problems = String.join("; ", v.problems);
    if (o.allowUnverified()) {
      v.overriddenBy = o.build().actor();
      ctx.log.warn("VERIFY " + problems);
      ctx.log.warn("VERIFY overridden by " + v.overriddenBy + " (deploy.allowUnverified): deploying " + digest
          + " although it is not verified; the journal records this");
      return StepResult.ok("NOT VERIFIED, overridden by " + v.overriddenBy + ": " + problems, ctx.clock.now());
    }
    if (ctx.env.production()) {
      ctx.log.error("VERIFY refused: " + problems);
      throw new DeployFailedException("Deployment refused: production deploys only an image whose verified.json "
          + "and scan.json name its digest " + digest + " with a passing verdict: " + problems + ". Run image:verify "
          + "and image:scan on this image, or pass -Ddeploy.allowUnverified=true to override (the journal records "
          + "who did); nothing was changed", null, false);
    }
    ctx.log.warn("VERIFY " + problems + " (environment " + ctx.env.name() + " is not production: deploying anyway)");
    return StepResult.ok("NOT VERIFIED (" + ctx.env.name() + " only warns): " + problems, ctx.clock.now());
  }
}
