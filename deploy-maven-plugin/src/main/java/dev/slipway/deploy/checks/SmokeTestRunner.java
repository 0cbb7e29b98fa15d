package dev.slipway.deploy.checks;

import dev.slipway.common.Log;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/** Runs smoke tests in order and stops at the first that fails. */
public final class SmokeTestRunner {
  private final HttpProbe probe;
  private final Supplier<Instant> now;
  private final Log log;

  public SmokeTestRunner(HttpProbe probe, Supplier<Instant> now, Log log) {
    this.probe = probe;
    this.now = now;
    this.log = log;
  }

  public CheckResult run(String baseUrl, List<SmokeTestSpec> tests) throws InterruptedException {
    for (SmokeTestSpec t : tests) {
      URI uri = resolve(baseUrl, t.path());
      String failure;
      try {
        Duration timeout = t.maxLatency() == null ? Duration.ofSeconds(30) : t.maxLatency().multipliedBy(2).plusSeconds(1);
        HttpProbe.Response r = probe.send(t.method(), uri, timeout);
        failure = verdict(t, r);
        if (failure == null) {
          log.info("SMOKE " + t.name() + ": " + r.status() + " in " + r.latency().toMillis() + " ms");
          continue;
        }
      } catch (java.io.IOException e) {
        failure = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      }
      log.error("SMOKE " + t.name() + " failed: " + failure);
      return new CheckResult(false, "smoke test '" + t.name() + "' (" + t.method() + " " + uri + ") failed: " + failure,
          now.get());
    }
    return new CheckResult(true, tests.size() + " smoke test(s) passed", now.get());
  }

  static String verdict(SmokeTestSpec t, HttpProbe.Response r) {
    if (r.status() != t.expectedStatus()) {
      return "HTTP " + r.status() + ", expected " + t.expectedStatus();
    }
    if (t.bodyContains() != null && !t.bodyContains().isEmpty() && !r.body().contains(t.bodyContains())) {
      return "body does not contain '" + t.bodyContains() + "'";
    }
    if (t.maxLatency() != null && r.latency().compareTo(t.maxLatency()) > 0) {
      return "took " + r.latency().toMillis() + " ms, more than the allowed " + t.maxLatency().toMillis() + " ms";
    }
    return null;
  }

  /** The URL a smoke test requests: {@code path} when absolute, else {@code path} on {@code baseUrl}. */
  public static URI resolve(String baseUrl, String path) {
    if (path.startsWith("http://") || path.startsWith("https://")) {
      return URI.create(path);
    }
    if (baseUrl == null) {
      throw new IllegalArgumentException("smoke test path " + path + " is relative but the environment has no baseUrl");
    }
    String base = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    return URI.create(base + (path.startsWith("/") ? path : "/" + path));
  }
}
