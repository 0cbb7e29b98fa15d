package dev.slipway.image.scan;

/**
 * A secret value (the Trivy server token) that never shows itself: {@link #toString()} is a mask, so a record
 * holding it can be logged or put in an exception message without leaking it. Only {@link #reveal()} gives the
 * value, to the one place that hands it to Trivy (an environment variable of the Trivy process) and to the
 * redactor that masks it in everything Trivy prints.
 */
public final class Secret {
  private final String value;
  private final String source;

  /** {@code source} says where it came from, for messages: an environment variable or a settings.xml server id. */
  public Secret(String value, String source) {
    this.value = value;
    this.source = source;
  }

  public String reveal() {
    return value;
  }

  public String source() {
    return source;
  }

  @Override
  public String toString() {
    return "**** (from " + source + ")";
  }
}
