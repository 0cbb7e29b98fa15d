package dev.slipway.deploy.mojo;

import dev.slipway.common.InvalidInputException;
import dev.slipway.deploy.checks.SmokeTestSpec;
import dev.slipway.deploy.pipeline.Durations;
import dev.slipway.deploy.pipeline.EnvironmentSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One {@code <environment>} of the plugin configuration, as Maven fills it in. {@link #toSpec} validates it into the
 * core's {@link EnvironmentSpec}, naming the offending element and the accepted values.
 */
public class Environment {
  /** The name selected with -Denv (e.g. staging, production). Required. */
  String name;
  /** AWS region; defaults to deploy.region, then the SDK's region chain. */
  String region;
  /** ECS cluster name or ARN. Required. */
  String cluster;
  /** ECS service name. Required. */
  String service;
  /** Containers whose image is replaced; empty means the task definition's only container. */
  List<String> containers = new ArrayList<>();
  /** Tasks to run after the deployment; empty keeps the service's desired count. */
  Integer desiredCount;
  /** ROLLING (default), BLUE_GREEN, CANARY or LINEAR. */
  String strategy;
  Integer minHealthyPercent;
  Integer maxPercent;
  /** ECS bake time in minutes (BLUE_GREEN, CANARY, LINEAR). */
  Integer bakeTimeMinutes;
  /** Canary percent (CANARY) or step percent (LINEAR). */
  Double stepPercent;
  /** Canary or step bake time in minutes. */
  Integer stepBakeTimeMinutes;
  /** ECS deployment circuit breaker: enabled (default true). */
  Boolean circuitBreaker = Boolean.TRUE;
  /** Let ECS roll back on its own when the circuit breaker trips (default true). */
  Boolean circuitBreakerRollback = Boolean.TRUE;
  HealthCheck healthCheck;
  /** Base URL smoke test paths are resolved against. */
  String baseUrl;
  List<SmokeTest> smokeTests = new ArrayList<>();
  /** Ask for the environment's name before changing anything (set it for production). */
  boolean requireConfirmation;
  /** Longest wait for the rollout, e.g. 30m. */
  String timeout = "30m";
  /** Longest wait for a rollback, e.g. 30m. */
  String rollbackTimeout = "30m";
  /** How often ECS is polled while waiting, e.g. 15s. */
  String pollInterval = "15s";

  EnvironmentSpec toSpec(String defaultRegion) throws InvalidInputException {
    String where = "<environment> '" + (name == null ? "?" : name) + "'";
    require(name, "<environments>/<environment>/<name>");
    require(cluster, where + " <cluster>");
    require(service, where + " <service>");
    EnvironmentSpec.Strategy s;
    try {
      s = strategy == null ? EnvironmentSpec.Strategy.ROLLING
          : EnvironmentSpec.Strategy.valueOf(strategy.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(where + " <strategy>: '" + strategy
          + "' is not one of ROLLING, BLUE_GREEN, CANARY, LINEAR");
    }
    if (desiredCount != null && desiredCount < 0) {
      throw new InvalidInputException(where + " <desiredCount>: " + desiredCount + " must be 0 or more");
    }
    if (minHealthyPercent != null && (minHealthyPercent < 0 || minHealthyPercent > 100)) {
      throw new InvalidInputException(where + " <minHealthyPercent>: " + minHealthyPercent + " must be 0..100");
    }
    if (maxPercent != null && maxPercent < 100) {
      throw new InvalidInputException(where + " <maxPercent>: " + maxPercent + " must be at least 100");
    }
    List<SmokeTestSpec> smoke = new ArrayList<>();
    for (int i = 0; i < smokeTests.size(); i++) {
      smoke.add(smokeTests.get(i).toSpec(where + " <smokeTests>[" + i + "]", baseUrl));
    }
    var timeouts = new EnvironmentSpec.Timeouts(
        Durations.parse(timeout, where + " <timeout>"),
        Durations.parse(rollbackTimeout, where + " <rollbackTimeout>"),
        Durations.parse(pollInterval, where + " <pollInterval>"));
    return new EnvironmentSpec(name, region != null ? region : defaultRegion, cluster, service, containers,
        desiredCount, s, minHealthyPercent, maxPercent, bakeTimeMinutes, stepPercent, stepBakeTimeMinutes,
        circuitBreaker, circuitBreakerRollback, healthCheck == null ? null : healthCheck.toSpec(where), baseUrl, smoke,
        requireConfirmation, timeouts);
  }

  static void require(String value, String element) throws InvalidInputException {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(element + " is required");
    }
  }
}
