package dev.slipway.common.registry;

import java.io.IOException;

/** A registry answered with an error, or could not be reached. {@link #status()} is 0 when nothing answered. */
public class RegistryException extends IOException {
  private final int status;
  private final boolean retryable;

  public RegistryException(String message, int status) {
    super(message);
    this.status = status;
    this.retryable = status == 0 || status == 429 || status >= 500;
  }

  /** Nothing answered (refused, timed out, reset): worth retrying. */
  public RegistryException(String message, Throwable cause) {
    this(message, cause, true);
  }

  /** Nothing answered; {@code retryable} false for what another attempt cannot change (a name that does not resolve). */
  public RegistryException(String message, Throwable cause, boolean retryable) {
    super(message, cause);
    this.status = 0;
    this.retryable = retryable;
  }

  public int status() {
    return status;
  }

  /** Worth retrying: nothing answered, the registry was overloaded, or it failed on its side. */
  public boolean isTransient() {
    return retryable;
  }
}
