package dev.slipway.deploy.mojo;

import dev.slipway.common.InvalidInputException;
import dev.slipway.deploy.checks.HealthCheckSpec;
import dev.slipway.deploy.pipeline.Durations;

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

  HealthCheckSpec toSpec(String where) throws InvalidInputException {
    Environment.require(url, where + " <healthCheck><url>");
    if (!url.startsWith("http://") && !url.startsWith("https://")) {
      throw new InvalidInputException(where + " <healthCheck><url>: '" + url + "' must start with http:// or https://");
    }
    if (attempts < 1) {
      throw new InvalidInputException(where + " <healthCheck><attempts>: " + attempts + " must be at least 1");
    }
    return new HealthCheckSpec(url, Durations.parse(initialDelay, where + " <healthCheck><initialDelay>"), attempts,
        Durations.parse(interval, where + " <healthCheck><interval>"), expectedStatus,
        Durations.parse(requestTimeout, where + " <healthCheck><requestTimeout>"));
  }
}
