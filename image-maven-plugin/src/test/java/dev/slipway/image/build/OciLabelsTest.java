package dev.slipway.image.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.git.GitInfo;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OciLabelsTest {
  @Test
  void derivesFromProjectAndGitAndLetsTheUserOverride() {
    var project = new OciLabels.ProjectInfo("svc", "A service", "1.2.0", "https://svc.example", null,
        List.of("Apache-2.0", "MIT"), "Acme");
    var git = new GitInfo("abc123", "main", List.of(), "https://token:x-oauth@github.com/acme/svc.git");
    Map<String, String> labels = OciLabels.of(project, Optional.of(git), Instant.parse("2026-01-01T00:00:00Z"),
        "eclipse-temurin:17-jre", "sha256:base", Map.of("org.opencontainers.image.vendor", "Acme Corp"));
    assertThat(labels)
        .containsEntry("org.opencontainers.image.title", "svc")
        .containsEntry("org.opencontainers.image.revision", "abc123")
        .containsEntry("org.opencontainers.image.source", "https://github.com/acme/svc.git")
        .containsEntry("org.opencontainers.image.licenses", "Apache-2.0 AND MIT")
        .containsEntry("org.opencontainers.image.created", "2026-01-01T00:00:00Z")
        .containsEntry("org.opencontainers.image.base.name", "eclipse-temurin:17-jre")
        .containsEntry("org.opencontainers.image.base.digest", "sha256:base")
        .containsEntry("org.opencontainers.image.vendor", "Acme Corp");
  }

  @Test
  void scmUrlsLoseTheirPrefixAndNothingEmptyIsWritten() {
    var project = new OciLabels.ProjectInfo("svc", null, null, null, "scm:git:https://github.com/acme/svc", List.of(),
        null);
    Map<String, String> labels = OciLabels.of(project, Optional.empty(), Instant.EPOCH, null, null, Map.of());
    assertThat(labels).containsEntry("org.opencontainers.image.source", "https://github.com/acme/svc")
        .doesNotContainKeys("org.opencontainers.image.description", "org.opencontainers.image.revision",
            "org.opencontainers.image.base.name");
  }

  @Test
  void aLocalPathIsNeverASourceAndAnSshRemoteIsWrittenInItsHttpsForm() {
    var local = new OciLabels.ProjectInfo("svc", null, null, null, "scm:git:file:///home/dev/svc", List.of(), null);
    var pathRemote = new GitInfo("abc123", "main", List.of(), "/home/dev/upstream/svc.git");
    Map<String, String> labels = OciLabels.of(local, Optional.of(pathRemote), Instant.EPOCH, null, null, Map.of());
    assertThat(labels).doesNotContainKey("org.opencontainers.image.source")
        .containsEntry("org.opencontainers.image.revision", "abc123");
    assertThat(labels.values()).noneMatch(v -> v.contains("/home/dev"));

    var ssh = new GitInfo("abc123", "main", List.of(), "git@github.com:acme/svc.git");
    assertThat(OciLabels.of(local, Optional.of(ssh), Instant.EPOCH, null, null, Map.of()))
        .containsEntry("org.opencontainers.image.source", "https://github.com/acme/svc.git");
  }
}
