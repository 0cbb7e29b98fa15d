package dev.slipway.deploy.mojo;

import dev.slipway.common.InvalidInputException;
import dev.slipway.deploy.checks.SmokeTestSpec;
import dev.slipway.deploy.pipeline.Durations;
import java.util.Set;

/** {@code <smokeTest>} of an environment. */
public class SmokeTest {
  private static final Set<String> METHODS = Set.of("GET", "HEAD", "OPTIONS", "POST", "PUT", "DELETE", "PATCH");
  /** Name shown in logs (default: method and path). */
  String name;
  /** HTTP method (default GET). */
  String method = "GET";
  /** Path relative to the environment's baseUrl, or an absolute URL. */
  String path;
  /** Expected status (default 200). */
  int expectedStatus = 200;
  /** Text the body must contain. */
  String bodyContains;
  /** Longest acceptable latency, e.g. 500ms. */
  String maxLatency;

  SmokeTestSpec toSpec(String where, String baseUrl) throws InvalidInputException {
    Environment.require(path, where + " <path>");
    String m = method == null ? "GET" : method.strip().toUpperCase(java.util.Locale.ROOT);
    if (!METHODS.contains(m)) {
      throw new InvalidInputException(where + " <method>: '" + method + "' is not one of " + METHODS);
    }
    if (!path.startsWith("http") && (baseUrl == null || baseUrl.isBlank())) {
      throw new InvalidInputException(where + " <path>: '" + path + "' is relative but the environment has no "
          + "<baseUrl>");
    }
    return new SmokeTestSpec(name, m, path, expectedStatus, bodyContains, Durations.parse(maxLatency, where
        + " <maxLatency>"));
  }
}
