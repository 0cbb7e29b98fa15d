package dev.slipway.deploy.pipeline;

import dev.slipway.common.InvalidInputException;
import java.util.regex.Pattern;

/**
 * A container image reference split the way registries read it: {@code [registry/]repository[:tag][@digest]}. The
 * registry part is present when the first path component has a dot, a colon or is {@code localhost}; otherwise it is
 * Docker Hub ({@code docker.io}, official images under {@code library/}).
 */
public record ImageReference(String registry, String repository, String tag, String digest) {
  private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");

  public static ImageReference parse(String text, String parameter) throws InvalidInputException {
    if (text == null || text.isBlank() || text.contains(" ")) {
      throw new InvalidInputException(parameter + ": '" + text + "' is not an image reference; expected "
          + "[registry/]repository[:tag][@sha256:<64 hex>]");
    }
    String rest = text.strip();
    String digest = null;
    int at = rest.indexOf('@');
    if (at >= 0) {
      digest = rest.substring(at + 1);
      rest = rest.substring(0, at);
      if (!DIGEST.matcher(digest).matches()) {
        throw new InvalidInputException(parameter + ": '" + text + "' has digest '" + digest
            + "'; expected sha256: followed by 64 lower-case hex digits");
      }
    }
    String registry = "docker.io";
    int slash = rest.indexOf('/');
    if (slash > 0) {
      String first = rest.substring(0, slash);
      if (first.contains(".") || first.contains(":") || first.equals("localhost")) {
        registry = first;
        rest = rest.substring(slash + 1);
      }
    }
    String tag = null;
    int colon = rest.lastIndexOf(':');
    if (colon > 0) {
      tag = rest.substring(colon + 1);
      rest = rest.substring(0, colon);
    }
    if (rest.isEmpty() || !rest.matches("[a-z0-9]+([._-]+[a-z0-9]+)*(/[a-z0-9]+([._-]+[a-z0-9]+)*)*")) {
      throw new InvalidInputException(parameter + ": '" + text + "' has an invalid repository name '" + rest
          + "' (lower-case letters, digits and . _ - / only)");
    }
    if ("docker.io".equals(registry) && !rest.contains("/")) {
      rest = "library/" + rest;
    }
    if (tag == null && digest == null) {
      tag = "latest";
    }
    return new ImageReference(registry, rest, tag, digest);
  }

  /** {@code registry/repository}, as written in a task definition. */
  public String name() {
    return registry + "/" + repository;
  }

  public String pinned() {
    if (digest == null) {
      throw new IllegalStateException("not pinned to a digest: " + this);
    }
    return name() + "@" + digest;
  }

  static boolean isDigest(String s) {
    return s != null && DIGEST.matcher(s).matches();
  }
}
