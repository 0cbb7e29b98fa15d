package dev.slipway.deploy.checks;

import java.time.Duration;

/**
 * One smoke test: {@code method} {@code path} (relative to the environment's base URL, or absolute) must answer
 * {@code expectedStatus}, contain {@code bodyContains} when set, and take no longer than {@code maxLatency} when set.
 */
public record SmokeTestSpec(
    String name, String method, String path, int expectedStatus, String bodyContains, Duration maxLatency) {
  public SmokeTestSpec {
    method = method == null || method.isBlank() ? "GET" : method.strip().toUpperCase(java.util.Locale.ROOT);
    expectedStatus = expectedStatus <= 0 ? 200 : expectedStatus;
    name = name == null || name.isBlank() ? method + " " + path : name;
    if (maxLatency != null && (maxLatency.isZero() || maxLatency.isNegative())) {
      throw new IllegalArgumentException("<smokeTest><maxLatency> must be longer than zero, was " + maxLatency);
    }
  }
}
