package dev.slipway.deploy.mojo;

import dev.slipway.deploy.pipeline.EnvironmentFactory;

/** {@code <smokeTest>} of an environment. */
public class SmokeTest {
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

  EnvironmentFactory.SmokeTestInput toInput() {
    return new EnvironmentFactory.SmokeTestInput(name, method, path, expectedStatus, bodyContains, maxLatency);
  }
}
