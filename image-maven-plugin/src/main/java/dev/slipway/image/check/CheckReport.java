package dev.slipway.image.check;

import java.util.List;

/**
 * The outcome of image:check, as written to {@code target/slipway/check.json}.
 *
 * @param passed false when a rule of severity error failed
 */
public record CheckReport(int schemaVersion, String image, String digest, boolean passed, List<Result> results) {

  public CheckReport {
    results = List.copyOf(results);
  }

  /** PASS, FAIL, or SKIPPED (the rule is off). */
  public enum Status { PASS, FAIL, SKIPPED }

  /**
   * One rule's verdict, for one platform when the rule is per platform ({@code platform} null otherwise).
   */
  public record Result(String rule, Severity severity, Status status, String platform, String message) {}

  /** The failed results of severity error: what fails the build. */
  public List<Result> violations() {
    return results.stream().filter(r -> r.status() == Status.FAIL && r.severity() == Severity.ERROR).toList();
  }
}
