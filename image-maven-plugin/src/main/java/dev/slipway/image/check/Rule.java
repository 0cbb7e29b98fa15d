package dev.slipway.image.check;

import dev.slipway.common.InvalidInputException;
import java.util.Arrays;
import java.util.stream.Collectors;

/** The policy rules of image:check, by the name used in configuration, reports and failure messages. */
public enum Rule {
  NON_ROOT("nonRoot", Severity.ERROR, "the image runs as a non-root user"),
  MAX_SIZE("maxSize", Severity.ERROR, "compressed size per platform is at most image.check.maxSize"),
  REQUIRED_LABELS("requiredLabels", Severity.ERROR, "every label in image.check.requiredLabels is set"),
  PLATFORMS("platforms", Severity.ERROR, "every requested platform is in the image"),
  BASE_PINNED("basePinned", Severity.WARN, "the base image is referenced by digest"),
  NO_SECRET_ENV("noSecretEnv", Severity.ERROR, "no environment variable holds a literal secret"),
  PORTS("ports", Severity.ERROR, "the image declares the expected ports");

  private final String id;
  private final Severity defaultSeverity;
  private final String description;

  Rule(String id, Severity defaultSeverity, String description) {
    this.id = id;
    this.defaultSeverity = defaultSeverity;
    this.description = description;
  }

  public String id() {
    return id;
  }

  public Severity defaultSeverity() {
    return defaultSeverity;
  }

  public String description() {
    return description;
  }

  public static Rule byId(String id, String parameter) throws InvalidInputException {
    for (Rule r : values()) {
      if (r.id.equalsIgnoreCase(id.strip())) {
        return r;
      }
    }
    throw new InvalidInputException(parameter + ": unknown rule '" + id.strip() + "'; rules: "
        + Arrays.stream(values()).map(Rule::id).collect(Collectors.joining(", ")));
  }
}
