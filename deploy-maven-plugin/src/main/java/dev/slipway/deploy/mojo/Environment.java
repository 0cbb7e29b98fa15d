package dev.slipway.deploy.mojo;

import dev.slipway.common.InvalidInputException;
import dev.slipway.deploy.pipeline.EnvironmentFactory;
import dev.slipway.deploy.pipeline.EnvironmentSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * One {@code <environment>} of the plugin configuration, as Maven fills it in. Validation into the core's
 * {@link EnvironmentSpec} is {@link EnvironmentFactory}'s job.
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
  /** ROLLING, BLUE_GREEN, CANARY or LINEAR; unset keeps the service's strategy. */
  String strategy;
  Integer minHealthyPercent;
  Integer maxPercent;
  /** ECS bake time in minutes (BLUE_GREEN, CANARY, LINEAR). */
  Integer bakeTimeMinutes;
  /** Canary percent (CANARY) or step percent (LINEAR). */
  Double stepPercent;
  /** Canary or step bake time in minutes. */
  Integer stepBakeTimeMinutes;
  /** ECS deployment circuit breaker on or off; unset keeps the service's setting. */
  Boolean circuitBreaker;
  /** Let ECS roll back on its own when the circuit breaker trips; unset keeps the service's setting. */
  Boolean circuitBreakerRollback;
  HealthCheck healthCheck;
  /** Base URL smoke test paths are resolved against. */
  String baseUrl;
  List<SmokeTest> smokeTests = new ArrayList<>();
  /** Ask for the environment's name before changing anything (set it for production). */
  boolean requireConfirmation;
  /**
   * Whether this is production (default: the name is production or prod): production monitors CloudWatch for 5
   * minutes by default and refuses an unverified image; other environments warn.
   */
  Boolean production;
  /** Longest wait for the rollout, e.g. 30m. */
  String timeout = "30m";
  /** Longest wait for a rollback, e.g. 30m. */
  String rollbackTimeout = "30m";
  /** How often ECS is polled while waiting, e.g. 15s. */
  String pollInterval = "15s";
  /** CloudWatch monitoring after SMOKE; production watches 5 minutes with the defaults even without it. */
  Monitor monitor;
  /** CloudWatch alarms handed to ECS as the deployment's alarms (ECS stops the deployment when one fires). */
  List<String> deploymentAlarms = new ArrayList<>();
  /** Whether ECS rolls back by itself when a deployment alarm fires (default true). */
  Boolean deploymentAlarmsRollback;

  /** Hands the POM values to the core's {@link EnvironmentFactory}, which validates them. */
  EnvironmentSpec toSpec(String defaultRegion) throws InvalidInputException {
    List<EnvironmentFactory.SmokeTestInput> smoke = new ArrayList<>();
    for (SmokeTest t : smokeTests) {
      smoke.add(t.toInput());
    }
    return EnvironmentFactory.create(new EnvironmentFactory.Input(name, region, cluster, service, containers,
        desiredCount, strategy, minHealthyPercent, maxPercent, bakeTimeMinutes, stepPercent, stepBakeTimeMinutes,
        circuitBreaker, circuitBreakerRollback, healthCheck == null ? null : healthCheck.toInput(), baseUrl, smoke,
        requireConfirmation, timeout, rollbackTimeout, pollInterval, production,
        monitor == null ? null : monitor.toInput(), deploymentAlarms, deploymentAlarmsRollback), defaultRegion);
  }
}
