package dev.slipway.perf.load;

/** The service named by {@code perf.start} could not be started or never became healthy. */
public final class ServiceStartException extends Exception {
  public ServiceStartException(String message) {
    super(message);
  }

  public ServiceStartException(String message, Throwable cause) {
    super(message, cause);
  }
}
