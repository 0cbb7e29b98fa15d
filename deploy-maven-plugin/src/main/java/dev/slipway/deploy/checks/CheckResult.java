package dev.slipway.deploy.checks;

import java.time.Instant;

/** The verdict of a health check or smoke test run, when it was reached, and what a person should read about it. */
public record CheckResult(boolean passed, String detail, Instant decidedAt) {}
