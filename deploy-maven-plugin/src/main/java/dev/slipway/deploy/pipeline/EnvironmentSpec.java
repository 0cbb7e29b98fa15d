package dev.slipway.deploy.pipeline;

import dev.slipway.deploy.checks.HealthCheckSpec;
import dev.slipway.deploy.checks.SmokeTestSpec;
import java.time.Duration;
import java.util.List;

/**
 * One deployment target as configured in the POM, validated: where the service runs, which containers get the new
 * image, how ECS rolls it out, how Slipway checks it, and how long each wait may take.
 *
 * @param containers container names whose image is replaced; empty means "the only container"
 * @param desiredCount tasks to run after the deployment; null keeps the service's count
 */
public record EnvironmentSpec(
    String name, String region, String cluster, String service, List<String> containers, Integer desiredCount,
    Strategy strategy, Integer minimumHealthyPercent, Integer maximumPercent, Integer bakeTimeMinutes,
    Double stepPercent, Integer stepBakeTimeMinutes, Boolean circuitBreakerEnable, Boolean circuitBreakerRollback,
    HealthCheckSpec healthCheck, String baseUrl, List<SmokeTestSpec> smokeTests, boolean requireConfirmation,
    Timeouts timeouts) {

  public enum Strategy {
    ROLLING,
    BLUE_GREEN,
    CANARY,
    LINEAR
  }

  /** How long the rollout may take, how long a rollback may take, and how often ECS is polled meanwhile. */
  public record Timeouts(Duration deployment, Duration rollback, Duration pollInterval) {
    public static Timeouts defaults() {
      return new Timeouts(Duration.ofMinutes(30), Duration.ofMinutes(30), Duration.ofSeconds(15));
    }
  }

  public EnvironmentSpec {
    containers = containers == null ? List.of() : List.copyOf(containers);
    smokeTests = smokeTests == null ? List.of() : List.copyOf(smokeTests);
    strategy = strategy == null ? Strategy.ROLLING : strategy;
    timeouts = timeouts == null ? Timeouts.defaults() : timeouts;
  }
}
