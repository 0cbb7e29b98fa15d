package dev.slipway.deploy.release;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.github.GitHubReleases;
import dev.slipway.common.image.ImageEvidence;
import dev.slipway.deploy.journal.Journal;
import dev.slipway.deploy.journal.JournalRecord;
import dev.slipway.deploy.pipeline.BuildInfo;
import dev.slipway.deploy.pipeline.DeploymentWatcher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code deploy:release} alone: the GitHub release of a tag for an image, with what the build's files say about it
 * (verified.json, scan.json) and, when the production journal shows this very image deployed, where it runs. The same
 * release the RELEASE step of deploy:ecs makes, so running both is harmless: the second updates the first.
 */
public final class Releaser {
  /**
   * @param production the production environment's name, whose last.json may show the image deployed; may be null
   */
  public record Request(String repository, String tag, BuildInfo build, String image, Path verifiedJson,
      Path scanJson, Path journalRoot, String production, Map<String, Path> files) {}

  private final ReleasePublisher publisher;
  private final Log log;

  public Releaser(ReleasePublisher publisher, Log log) {
    this.publisher = publisher;
    this.log = log;
  }

  public GitHubReleases.Result release(Request r) throws InvalidInputException, IOException, InterruptedException {
    if (!BuildInfo.RELEASE_TAG.matcher(r.tag()).matches()) {
      throw new InvalidInputException("deploy.release.tag: '" + r.tag() + "' is not a v*.*.* tag (e.g. v1.4.0)");
    }
    String digest = r.image().contains("@") ? r.image().substring(r.image().indexOf('@') + 1) : null;
    List<ReleaseNotes.Check> checks = new ArrayList<>();
    for (ImageEvidence e : List.of(ImageEvidence.readVerified(r.verifiedJson()),
        ImageEvidence.readScan(r.scanJson()))) {
      String name = e.kind() == ImageEvidence.Kind.SIGNATURE ? "Signature (image:verify)" : "Scan (image:scan)";
      checks.add(new ReleaseNotes.Check(name, e.vouchesFor(digest) ? "PASS"
          : e.verdict() == ImageEvidence.Verdict.PASS ? "about another digest" : e.verdict().name(),
          e.file() == null ? null : e.file().getFileName().toString()));
    }
    GitHubReleases.Spec spec = ReleaseNotes.spec(new ReleaseNotes.Input(r.repository(), r.tag(), r.build().commit(),
        r.build().project(), r.image(), deployed(r), checks, r.files()));
    GitHubReleases.Result result = publisher.publish(spec);
    log.info("RELEASE " + r.tag() + (result.created() ? " created: " : " updated: ") + result.htmlUrl()
        + " (" + result.assetUrls().size() + " file(s))");
    return result;
  }

  /** Where the image runs, when the production journal shows exactly it deployed successfully. */
  private String deployed(Request r) throws InvalidInputException {
    if (r.production() == null || r.journalRoot() == null
        || !Files.isRegularFile(Journal.lastFile(r.journalRoot(), r.production()))) {
      return null;
    }
    JournalRecord last = Journal.readLast(r.journalRoot(), r.production());
    if (!"SUCCEEDED".equals(last.outcome) || !r.image().equals(last.image)) {
      return null;
    }
    return "Deployed to **" + r.production() + "** as `" + DeploymentWatcher.shortArn(last.newTaskDefinition)
        + "` (deployment `" + last.deploymentId + "`) at " + last.finishedAt + ".";
  }
}
