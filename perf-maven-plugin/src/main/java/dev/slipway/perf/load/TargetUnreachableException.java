package dev.slipway.perf.load;

/** The target refused or did not answer a connection before the run started, so no load was sent. */
public final class TargetUnreachableException extends Exception {
  public TargetUnreachableException(String message, Throwable cause) {
    super(message, cause);
  }
}
