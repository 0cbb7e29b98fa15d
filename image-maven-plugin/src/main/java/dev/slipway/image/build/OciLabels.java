package dev.slipway.image.build;

import dev.slipway.common.git.GitInfo;
import dev.slipway.common.git.GitRemotes;
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
    // only a public URL, never a path of the build machine: the POM's <scm> URL, else the git remote (both already
    // in their https form without credentials), else nothing
    String source = GitRemotes.publicUrl(project.source());
    put(labels, "source", source != null ? source : git.map(GitInfo::remoteUrl).orElse(null));
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
}
