package dev.slipway.image.scan;

/**
 * Trivy could not scan, or its result cannot be trusted: no engine available, Trivy failed or timed out, the
 * server does not answer, the vulnerability DB is older than allowed. The environment's fault, not the image's;
 * the message says what to change and carries nothing secret.
 */
public class ScanException extends Exception {
  public ScanException(String message) {
    super(message);
  }

  public ScanException(String message, Throwable cause) {
    super(message, cause);
  }
}
