package dev.slipway.deploy.pipeline;

import java.nio.file.Path;

/**
 * One run of {@code deploy:ecs}: the environment, the digest-pinned image, whether to only plan, whether someone can
 * answer a prompt, the value of {@code deploy.confirm}, where journals go, whether to deploy over a deployment still
 * in flight ({@code deploy.force}), and whether PREFLIGHT checks the permissions the deployment needs.
 */
public record DeployRequest(
    EnvironmentSpec environment, String image, boolean dryRun, boolean interactive, String confirm,
    Path journalRoot, boolean force, boolean checkPermissions) {

  public DeployRequest(EnvironmentSpec environment, String image, boolean dryRun, boolean interactive, String confirm,
      Path journalRoot) {
    this(environment, image, dryRun, interactive, confirm, journalRoot, false, true);
  }

  public DeployRequest withForce(boolean force) {
    return new DeployRequest(environment, image, dryRun, interactive, confirm, journalRoot, force, checkPermissions);
  }
}
