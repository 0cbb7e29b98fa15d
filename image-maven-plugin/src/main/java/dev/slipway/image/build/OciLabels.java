package dev.slipway.image.build;

import dev.slipway.common.git.GitInfo;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code org.opencontainers.image.*} annotations as image labels, filled from the project and git; the user's
 * labels win over every derived one.
 */
public final class OciLabels {
  private static final String P = "org.opencontainers.image.";

  /** What the build tool knows of the project. Any field may be null. */
  public record ProjectInfo(
      String title, String description, String version, String url, String source, List<String> licenses,
      String vendor) {}

  private OciLabels() {}

  public static Map<String, String> of(ProjectInfo project, Optional<GitInfo> git, Instant created,
      String baseName, String baseDigest, Map<String, String> overrides) {
    Map<String, String> labels = new LinkedHashMap<>();
    put(labels, "title", project.title());
    put(labels, "description", project.description());
    put(labels, "version", project.version());
    put(labels, "url", project.url());
    String source = project.source() != null ? project.source() : git.map(GitInfo::remoteUrl).orElse(null);
    put(labels, "source", source == null ? null : publicUrl(source));
    git.ifPresent(g -> put(labels, "revision", g.commit()));
    put(labels, "created", created.toString());
    if (project.licenses() != null && !project.licenses().isEmpty()) {
      put(labels, "licenses", String.join(" AND ", project.licenses()));
    }
    put(labels, "vendor", project.vendor());
    put(labels, "base.name", baseName);
    put(labels, "base.digest", baseDigest);
    labels.putAll(overrides);
    labels.values().removeIf(v -> v == null || v.isEmpty());
    return labels;
  }

  private static void put(Map<String, String> labels, String key, String value) {
    if (value != null && !value.isBlank()) {
      labels.put(P + key, value.strip());
    }
  }

  /** A remote URL without user-info, and SCM prefixes such as {@code scm:git:} removed. */
  static String publicUrl(String url) {
    String u = url.replaceFirst("^scm:[a-z]+:", "");
    return u.replaceFirst("(?<=://)[^/@]+@", "");
  }
}
