package dev.slipway.deploy.mojo;

import dev.slipway.deploy.pipeline.EnvironmentFactory;

/** {@code <healthCheck>} of an environment. */
public class HealthCheck {
  /** Absolute URL answering the expected status when the service is healthy. */
  String url;
  /** Wait before the first attempt (default 30s). */
  String initialDelay = "30s";
  /** Attempts before giving up (default 10). */
  int attempts = 10;
  /** Pause between attempts (default 10s). */
  String interval = "10s";
  /** Status that means healthy (default 200). */
  int expectedStatus = 200;
  /** Timeout of one request (default 10s). */
  String requestTimeout = "10s";

  EnvironmentFactory.HealthCheckInput toInput() {
    return new EnvironmentFactory.HealthCheckInput(url, initialDelay, attempts, interval, expectedStatus,
        requestTimeout);
  }
}
