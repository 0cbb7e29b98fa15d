package dev.slipway.deploy.pipeline;

import dev.slipway.deploy.checks.HealthCheckSpec;
import dev.slipway.deploy.checks.SmokeTestSpec;
import dev.slipway.deploy.monitor.MonitorSpec;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * One deployment target as configured in the POM, validated: where the service runs, which containers get the new
 * image, how ECS rolls it out, how Slipway checks it, and how long each wait may take. Rollout settings that are null
 * were not configured: the service keeps its own.
 *
 * @param containers container names whose image is replaced; empty means "the only container"
 * @param desiredCount tasks to run after the deployment; null keeps the service's count
 * @param strategy null keeps the service's strategy
 * @param production whether this is production: stricter defaults (monitoring, verification refuses instead of warns)
 * @param monitor how MONITOR watches CloudWatch after SMOKE; null or a zero window: no MONITOR step
 * @param deploymentAlarms CloudWatch alarms passed to ECS as the deployment's alarms; null: the service keeps its own
 */
public record EnvironmentSpec(
    String name, String region, String cluster, String service, List<String> containers, Integer desiredCount,
    Strategy strategy, Integer minimumHealthyPercent, Integer maximumPercent, Integer bakeTimeMinutes,
    Double stepPercent, Integer stepBakeTimeMinutes, Boolean circuitBreakerEnable, Boolean circuitBreakerRollback,
    HealthCheckSpec healthCheck, String baseUrl, List<SmokeTestSpec> smokeTests, boolean requireConfirmation,
    Timeouts timeouts, boolean production, MonitorSpec monitor, DeploymentAlarms deploymentAlarms) {

  public enum Strategy {
    ROLLING,
    BLUE_GREEN,
    CANARY,
    LINEAR
  }

  /** ECS deployment alarms: ECS fails the deployment (and rolls back when {@code rollback}) when one is in ALARM. */
  public record DeploymentAlarms(List<String> names, boolean rollback) {
    public DeploymentAlarms {
      names = List.copyOf(names);
    }
  }

  /** How long the rollout may take, how long a rollback may take, and how often ECS is polled meanwhile. */
  public record Timeouts(Duration deployment, Duration rollback, Duration pollInterval) {
    /** Null takes the default (30m, 30m, 15s); zero and negative are refused, they would make a wait spin. */
    public Timeouts {
      deployment = positive(deployment == null ? Duration.ofMinutes(30) : deployment, "timeout");
      rollback = positive(rollback == null ? Duration.ofMinutes(30) : rollback, "rollbackTimeout");
      pollInterval = positive(pollInterval == null ? Duration.ofSeconds(15) : pollInterval, "pollInterval");
    }

    public static Timeouts defaults() {
      return new Timeouts(null, null, null);
    }
  }

  /** Without the production flag: production when the name says so ({@code production}, {@code prod}). */
  public EnvironmentSpec(
      String name, String region, String cluster, String service, List<String> containers, Integer desiredCount,
      Strategy strategy, Integer minimumHealthyPercent, Integer maximumPercent, Integer bakeTimeMinutes,
      Double stepPercent, Integer stepBakeTimeMinutes, Boolean circuitBreakerEnable, Boolean circuitBreakerRollback,
      HealthCheckSpec healthCheck, String baseUrl, List<SmokeTestSpec> smokeTests, boolean requireConfirmation,
      Timeouts timeouts) {
    this(name, region, cluster, service, containers, desiredCount, strategy, minimumHealthyPercent, maximumPercent,
        bakeTimeMinutes, stepPercent, stepBakeTimeMinutes, circuitBreakerEnable, circuitBreakerRollback, healthCheck,
        baseUrl, smokeTests, requireConfirmation, timeouts, isProductionName(name), null, null);
  }

  /** This environment with {@code monitor} watching after SMOKE. */
  public EnvironmentSpec withMonitor(MonitorSpec monitor) {
    return new EnvironmentSpec(name, region, cluster, service, containers, desiredCount, strategy,
        minimumHealthyPercent, maximumPercent, bakeTimeMinutes, stepPercent, stepBakeTimeMinutes, circuitBreakerEnable,
        circuitBreakerRollback, healthCheck, baseUrl, smokeTests, requireConfirmation, timeouts, production, monitor,
        deploymentAlarms);
  }

  /** This environment with ECS deployment alarms. */
  public EnvironmentSpec withDeploymentAlarms(DeploymentAlarms alarms) {
    return new EnvironmentSpec(name, region, cluster, service, containers, desiredCount, strategy,
        minimumHealthyPercent, maximumPercent, bakeTimeMinutes, stepPercent, stepBakeTimeMinutes, circuitBreakerEnable,
        circuitBreakerRollback, healthCheck, baseUrl, smokeTests, requireConfirmation, timeouts, production, monitor,
        alarms);
  }

  /** This environment marked as production or not. */
  public EnvironmentSpec withProduction(boolean production) {
    return new EnvironmentSpec(name, region, cluster, service, containers, desiredCount, strategy,
        minimumHealthyPercent, maximumPercent, bakeTimeMinutes, stepPercent, stepBakeTimeMinutes, circuitBreakerEnable,
        circuitBreakerRollback, healthCheck, baseUrl, smokeTests, requireConfirmation, timeouts, production, monitor,
        deploymentAlarms);
  }

  /** Whether MONITOR runs. */
  public boolean monitors() {
    return monitor != null && monitor.enabled();
  }

  public EnvironmentSpec {
    containers = containers == null ? List.of() : List.copyOf(containers);
    smokeTests = smokeTests == null ? List.of() : List.copyOf(smokeTests);
    timeouts = timeouts == null ? Timeouts.defaults() : timeouts;
  }

  /** The name people give production: {@code production} or {@code prod}, in any case. */
  public static boolean isProductionName(String name) {
    String n = name == null ? "" : name.strip().toLowerCase(Locale.ROOT);
    return n.equals("production") || n.equals("prod");
  }

  /** The strategy ECS will use: the configured one, or the service's ({@code current}) when none is configured. */
  public Strategy strategyOr(String current) {
    if (strategy != null) {
      return strategy;
    }
    try {
      return current == null ? Strategy.ROLLING : Strategy.valueOf(current);
    } catch (IllegalArgumentException e) {
      return Strategy.ROLLING;
    }
  }

  static Duration positive(Duration d, String element) {
    if (d.isZero() || d.isNegative()) {
      throw new IllegalArgumentException("<" + element + "> must be longer than zero, was " + d);
    }
    return d;
  }
}
