package dev.slipway.deploy.pipeline;

import java.nio.file.Path;

/**
 * One run of {@code deploy:ecs}: the environment, the digest-pinned image, whether to only plan, whether someone can
 * answer a prompt, the value of {@code deploy.confirm}, and where journals go.
 */
public record DeployRequest(
    EnvironmentSpec environment, String image, boolean dryRun, boolean interactive, String confirm,
    Path journalRoot) {}
