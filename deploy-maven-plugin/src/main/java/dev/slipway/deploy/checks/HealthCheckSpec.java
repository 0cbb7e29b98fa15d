package dev.slipway.deploy.checks;

import java.time.Duration;

/**
 * An HTTP health check after the rollout: wait {@code initialDelay}, then try up to {@code attempts} times,
 * {@code interval} apart, until {@code url} answers {@code expectedStatus}. Defaults follow the old deploy.sh
 * (30 s initial wait, 10 attempts).
 */
public record HealthCheckSpec(
    String url, Duration initialDelay, int attempts, Duration interval, int expectedStatus, Duration requestTimeout) {
  public HealthCheckSpec {
    initialDelay = initialDelay == null ? Duration.ofSeconds(30) : initialDelay;
    interval = interval == null ? Duration.ofSeconds(10) : interval;
    requestTimeout = requestTimeout == null ? Duration.ofSeconds(10) : requestTimeout;
    attempts = attempts <= 0 ? 10 : attempts;
    if (initialDelay.isNegative()) {
      throw new IllegalArgumentException("<healthCheck><initialDelay> must not be negative, was " + initialDelay);
    }
    if (interval.isZero() || interval.isNegative() || requestTimeout.isZero() || requestTimeout.isNegative()) {
      throw new IllegalArgumentException("<healthCheck><interval> and <requestTimeout> must be longer than zero");
    }
    expectedStatus = expectedStatus <= 0 ? 200 : expectedStatus;
  }
}
