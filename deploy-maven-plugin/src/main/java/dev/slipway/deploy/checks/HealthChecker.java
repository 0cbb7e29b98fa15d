package dev.slipway.deploy.checks;

import dev.slipway.common.Log;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/** Runs a {@link HealthCheckSpec} against the service: initial delay, then attempts at a fixed interval. */
public final class HealthChecker {
  /** Sleeps on whatever clock the deployment runs on. */
  @FunctionalInterface
  public interface Sleeper {
    void sleep(Duration d) throws InterruptedException;
  }

  private final HttpProbe probe;
  private final Supplier<Instant> now;
  private final Sleeper sleeper;
  private final Log log;

  public HealthChecker(HttpProbe probe, Supplier<Instant> now, Sleeper sleeper, Log log) {
    this.probe = probe;
    this.now = now;
    this.sleeper = sleeper;
    this.log = log;
  }

  public CheckResult run(HealthCheckSpec spec) throws InterruptedException {
    URI uri = URI.create(spec.url());
    log.info("HEALTH waiting " + spec.initialDelay().toSeconds() + " s before checking " + uri);
    sleeper.sleep(spec.initialDelay());
    String last = "";
    for (int attempt = 1; attempt <= spec.attempts(); attempt++) {
      try {
        HttpProbe.Response r = probe.send("GET", uri, spec.requestTimeout());
        if (r.status() == spec.expectedStatus()) {
          log.info("HEALTH " + uri + " answered " + r.status() + " (attempt " + attempt + " of " + spec.attempts() + ")");
          return new CheckResult(true, uri + " answered " + r.status(), now.get());
        }
        last = "HTTP " + r.status() + " (expected " + spec.expectedStatus() + ")";
      } catch (java.io.IOException e) {
        last = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
      }
      log.warn("HEALTH attempt " + attempt + " of " + spec.attempts() + " failed: " + last);
      if (attempt < spec.attempts()) {
        sleeper.sleep(spec.interval());
      }
    }
    return new CheckResult(false, "health check " + uri + " failed " + spec.attempts() + " times; last: " + last,
        now.get());
  }
}
