package dev.slipway.deploy.pipeline;

import dev.slipway.common.notify.Notifier;
import dev.slipway.deploy.checks.HttpProbe;
import dev.slipway.deploy.ecs.EcsGateway;
import dev.slipway.deploy.monitor.CloudWatch;
import dev.slipway.deploy.release.ReleasePublisher;

/**
 * The outside systems and the plumbing a deployment uses: ECS (with STS, ELBv2, IAM), CloudWatch, HTTP for checks,
 * the clock, the terminal, the JVM's shutdown hooks, Slack and GitHub releases. Null CloudWatch means an environment
 * that monitors is refused; null releases means no RELEASE step; {@link Notifier#none()} sends nothing.
 */
public record DeployTools(EcsGateway ecs, CloudWatch cloudWatch, HttpProbe probe, Clock clock, Prompter prompter,
    ShutdownHooks hooks, Notifier notifier, ReleasePublisher releases) {
  public DeployTools {
    notifier = notifier == null ? Notifier.none() : notifier;
  }
}
