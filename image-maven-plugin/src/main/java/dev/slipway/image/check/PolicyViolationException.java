package dev.slipway.image.check;

/** The image violates a rule of severity error: the project's fault, so the build fails. */
public class PolicyViolationException extends Exception {
  private final transient CheckReport report;

  public PolicyViolationException(String message, CheckReport report) {
    super(message);
    this.report = report;
  }

  public CheckReport report() {
    return report;
  }
}
