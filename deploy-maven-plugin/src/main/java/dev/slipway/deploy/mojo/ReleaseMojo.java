package dev.slipway.deploy.mojo;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.github.GitHubClient;
import dev.slipway.common.github.GitHubReleases;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.deploy.pipeline.BuildInfo;
import dev.slipway.deploy.pipeline.EnvironmentSpec;
import dev.slipway.deploy.release.Releaser;
import java.io.File;
import java.net.URI;
import java.util.regex.Pattern;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Creates (or updates) the GitHub release of a v*.*.* tag for the built image: GitHub's generated notes, the image
 * digest, the verdicts of its signature and scan, where production runs it (from the production journal), and the
 * SBOM, scan and signature files attached. What deploy:ecs does after a tagged production deployment, alone.
 */
@Mojo(name = "release", threadSafe = true)
public class ReleaseMojo extends AbstractDeployMojo {
  private static final Pattern OWNER_NAME = Pattern.compile("[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+");

  /** The tag to release; default the v*.*.* tag on HEAD (or GITHUB_REF_NAME on a tag build). */
  @Parameter(property = "deploy.release.tag")
  String tag;

  /** The image; default repository@digest from image.json. */
  @Parameter(property = "deploy.image")
  String image;

  @Parameter(property = "deploy.imageJson", defaultValue = "${project.build.directory}/slipway/image.json")
  File imageJson;

  @Parameter(property = "deploy.verifiedJson", defaultValue = "${project.build.directory}/slipway/verified.json")
  File verifiedJson;

  @Parameter(property = "deploy.scanJson", defaultValue = "${project.build.directory}/slipway/scan/scan.json")
  File scanJson;

  /** Skip this goal. */
  @Parameter(property = "deploy.skip", defaultValue = "false")
  boolean skip;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    if (skip) {
      getLog().info("deploy:release skipped (deploy.skip)");
      return;
    }
    // the parameters first: a mistyped tag, URL or repository is named before any file, token or server
    if (blank(tag) != null && !BuildInfo.RELEASE_TAG.matcher(tag.strip()).matches()) {
      throw new MojoFailureException("deploy.release.tag: '" + tag.strip() + "' is not a v*.*.* tag (e.g. v1.4.0, "
          + "v2.0.0-rc.1)");
    }
    URI api = githubApi();
    if (blank(releaseRepository) != null && !OWNER_NAME.matcher(releaseRepository.strip()).matches()) {
      throw new MojoFailureException("deploy.release.repository: '" + releaseRepository.strip() + "' is not "
          + "owner/name (e.g. shop/web)");
    }
    BuildInfo build = buildInfo(imageJson);
    String t = blank(tag) != null ? tag.strip() : build.releaseTag();
    if (t == null) {
      throw new MojoFailureException("deploy:release: HEAD has no v*.*.* tag; pass -Ddeploy.release.tag=v1.2.3");
    }
    String pinned = blank(image);
    if (pinned == null) {
      if (!imageJson.isFile()) {
        throw new MojoFailureException("deploy:release: " + imageJson + " not found; run image:build or set "
            + "deploy.image=<repository>@sha256:...");
      }
      try {
        BuiltImage built = BuiltImage.read(imageJson.toPath());
        pinned = built.repository() + "@" + built.digest();
      } catch (InvalidInputException e) {
        throw new MojoFailureException(e.getMessage(), e);
      }
    }
    var token = githubToken();
    if (token == null) {
      throw new MojoFailureException("deploy:release: no GitHub token: set the environment variable "
          + githubTokenEnv + " or a settings.xml server '" + githubServer + "' (deploy.github.tokenEnv / .server)");
    }
    String repository = releaseRepository(build);
    if (repository == null) {
      throw new MojoFailureException("deploy:release: cannot tell the repository; set deploy.release.repository="
          + "owner/name");
    }
    String production = null;
    for (Environment e : environments) {
      try {
        EnvironmentSpec spec = e.toSpec(region);
        if (spec.production()) {
          production = spec.name();
        }
      } catch (InvalidInputException ignored) {
        // deploy:ecs reports a broken environment; a release does not need it
      }
    }
    GitHubClient client = new GitHubClient(api, token.value(), redactor);
    try {
      new Releaser(s -> new GitHubReleases(client, log()).publish(s), log()).release(new Releaser.Request(
          repository, t, build, pinned, verifiedJson.toPath(), scanJson.toPath(), journalDirectory.toPath(),
          production, releaseFiles()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new MojoExecutionException("interrupted", e);
    } catch (InvalidInputException e) {
      throw new MojoFailureException(redactor.redact(e.getMessage()), e);
    } catch (java.io.IOException e) {
      throw new MojoExecutionException(redactor.redact(e.getMessage()), e);
    }
  }
}
