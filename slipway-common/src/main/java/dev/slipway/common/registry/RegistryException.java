package dev.slipway.common.registry;

import java.io.IOException;

/** A registry answered with an error, or could not be reached. {@link #status()} is 0 when nothing answered. */
public class RegistryException extends IOException {
  private final int status;

  public RegistryException(String message, int status) {
    super(message);
    this.status = status;
  }

  public RegistryException(String message, Throwable cause) {
    super(message, cause);
    this.status = 0;
  }

  public int status() {
    return status;
  }

  /** Worth retrying: nothing answered, the registry was overloaded, or it failed on its side. */
  public boolean isTransient() {
    return status == 0 || status == 429 || status >= 500;
  }
}
