package dev.slipway.deploy.pipeline;

import java.nio.file.Path;
import java.util.Map;

/**
 * One run of {@code deploy:ecs}: the environment, the digest-pinned image, whether to only plan, whether someone can
 * answer a prompt, the value of {@code deploy.confirm}, where journals go, whether to deploy over a deployment still
 * in flight ({@code deploy.force}), whether PREFLIGHT checks the permissions the deployment needs, and the
 * {@link Options} the later steps use.
 */
public record DeployRequest(
    EnvironmentSpec environment, String image, boolean dryRun, boolean interactive, String confirm,
    Path journalRoot, boolean force, boolean checkPermissions, Options options) {

  /**
   * What VERIFY, RELEASE, NOTIFY and SUMMARY need.
   *
   * @param verifiedJson image:verify's file; with {@code scanJson} null as well, VERIFY does not run
   * @param scanJson image:scan's file
   * @param allowUnverified deploy even when they do not vouch for the digest (recorded with {@code build.actor})
   * @param build the build that made the image
   * @param release where and what to release on a v*.*.* tag; null: no RELEASE step
   * @param env the process environment (GITHUB_STEP_SUMMARY, CI variables)
   */
  public record Options(Path verifiedJson, Path scanJson, boolean allowUnverified, BuildInfo build,
      ReleaseOptions release, Map<String, String> env) {
    public Options {
      build = build == null ? BuildInfo.none() : build;
      env = env == null ? Map.of() : Map.copyOf(env);
    }

    public static Options none() {
      return new Options(null, null, false, BuildInfo.none(), null, Map.of());
    }
  }

  /**
   * A GitHub release after a successful production deployment of a v*.*.* tag: the repository and the files to attach
   * (name to path; missing files are skipped).
   */
  public record ReleaseOptions(String repository, Map<String, Path> files) {
    public ReleaseOptions {
      files = files == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(files));
    }
  }

  public DeployRequest {
    options = options == null ? Options.none() : options;
  }

  public DeployRequest(EnvironmentSpec environment, String image, boolean dryRun, boolean interactive, String confirm,
      Path journalRoot, boolean force, boolean checkPermissions) {
    this(environment, image, dryRun, interactive, confirm, journalRoot, force, checkPermissions, Options.none());
  }

  public DeployRequest(EnvironmentSpec environment, String image, boolean dryRun, boolean interactive, String confirm,
      Path journalRoot) {
    this(environment, image, dryRun, interactive, confirm, journalRoot, false, true);
  }

  public DeployRequest withForce(boolean force) {
    return new DeployRequest(environment, image, dryRun, interactive, confirm, journalRoot, force, checkPermissions,
        options);
  }

  public DeployRequest withOptions(Options options) {
    return new DeployRequest(environment, image, dryRun, interactive, confirm, journalRoot, force, checkPermissions,
        options);
  }

  /** The {@code sha256:...} digest the image is pinned to. */
  public String digest() {
    int at = image.indexOf('@');
    return at < 0 ? null : image.substring(at + 1);
  }
}
