package dev.slipway.image.sign;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.git.GitInfo;
import dev.slipway.common.image.BuiltImage;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProvenanceTest {
  static final BuiltImage BUILT = new BuiltImage(1, "r/app@sha256:1", "r/app", List.of(), "sha256:1", null,
      List.of(), null, true, new BuiltImage.Base("eclipse-temurin:17-jre", "sha256:base"), null);

  @Test
  void inGithubActionsTheWorkflowIsTheBuilderAndTheRunAttemptTheInvocation() {
    Map<String, String> env = Map.of("GITHUB_WORKFLOW_REF", "acme/svc/.github/workflows/ci.yml@refs/heads/main",
        "GITHUB_RUN_ID", "42", "GITHUB_RUN_ATTEMPT", "2", "GITHUB_REPOSITORY", "acme/svc", "GITHUB_REF",
        "refs/tags/v1.0.0");
    Map<String, String> internal = new HashMap<>();
    internal.put("java.version", "17");
    internal.put("maven.version", null);
    var p = Statements.Provenance.of(Optional.of(new GitInfo("abc", null, List.of(), null)), env, BUILT,
        "g", "a", "1.0.0", List.of("verify"), internal, Instant.EPOCH, Instant.EPOCH, "0.1.0");
    assertThat(p.builderId()).isEqualTo("https://github.com/acme/svc/.github/workflows/ci.yml@refs/heads/main");
    assertThat(p.invocationId()).isEqualTo("https://github.com/acme/svc/actions/runs/42/attempts/2");
    assertThat(p.gitRepository()).isEqualTo("https://github.com/acme/svc");
    assertThat(p.gitRef()).isEqualTo("refs/tags/v1.0.0");
    assertThat(p.gitCommit()).isEqualTo("abc");
    assertThat(p.baseImageDigest()).isEqualTo("sha256:base");
    assertThat(p.environment()).containsOnlyKeys("java.version");
  }

  @Test
  void locallyTheGitRemoteAndBranchDescribeTheSourceWithoutCredentials() {
    var git = new GitInfo("abc", "feature/x", List.of(), "https://ci-token:canary-9f@git.example/acme/svc.git");
    var p = Statements.Provenance.of(Optional.of(git), Map.of(), null, "g", "a", "1", List.of(), Map.of(),
        Instant.EPOCH, Instant.EPOCH, null);
    assertThat(p.builderId()).isEqualTo("https://slipway.dev/builders/maven-local");
    assertThat(p.invocationId()).isNull();
    assertThat(p.gitRepository()).isEqualTo("https://git.example/acme/svc.git");
    assertThat(p.gitRef()).isEqualTo("refs/heads/feature/x");
    assertThat(p.baseImageReference()).isNull();
  }
}
