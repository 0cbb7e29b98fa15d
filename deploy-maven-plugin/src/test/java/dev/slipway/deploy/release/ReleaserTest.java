package dev.slipway.deploy.release;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.common.github.GitHubClient;
import dev.slipway.common.github.GitHubReleases;
import dev.slipway.deploy.journal.Journal;
import dev.slipway.deploy.journal.JournalRecord;
import dev.slipway.deploy.pipeline.BuildInfo;
import dev.slipway.testkit.GitHubStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy:release alone, against the GitHub stand-in: idempotent, with the production journal's facts. */
class ReleaserTest {
  static final String TOKEN = "ghp_releaserCanaryToken000000000000000001";
  static final String IMAGE = "127.0.0.1:5000/shop/web@sha256:" + "4".repeat(64);
  @TempDir Path dir;

  @Test
  void releasesATagOnceAndUpdatesItAfterwardsWithWhereProductionRunsIt() throws Exception {
    Path verified = Files.writeString(dir.resolve("verified.json"), "{\"digest\":\"sha256:" + "4".repeat(64)
        + "\",\"mode\":\"key\",\"keyId\":\"cosign.pub\"}");
    JournalRecord record = new JournalRecord();
    record.environment = "production";
    record.image = IMAGE;
    record.outcome = "SUCCEEDED";
    record.newTaskDefinition = "arn:aws:ecs:eu-west-1:123456789012:task-definition/web:7";
    record.deploymentId = "ecs-svc/42";
    record.finishedAt = Instant.parse("2026-03-01T10:05:00Z");
    new Journal(dir.resolve("deploy"), "production", Instant.parse("2026-03-01T10:00:00Z"), new Redactor(), record)
        .write();
    BuildInfo build = new BuildInfo("web", "abcdef0123456789", "main", List.of("v2.0.0"), null, null, null, null);
    try (GitHubStandIn github = new GitHubStandIn(TOKEN)) {
      Releaser releaser = new Releaser(s -> new GitHubReleases(new GitHubClient(github.api(), TOKEN, new Redactor()),
          Log.silent()).publish(s), Log.silent());
      Releaser.Request request = new Releaser.Request("shop/web", "v2.0.0", build, IMAGE, verified,
          dir.resolve("scan.json"), dir.resolve("deploy"), "production", Map.of("verified.json", verified));
      assertThat(releaser.release(request).created()).isTrue();
      assertThat(releaser.release(request).created()).isFalse();
      assertThat(github.releases()).hasSize(1);
      assertThat(github.releases().get(0).path("body").asText())
          .contains("Deployed to **production** as `web:7` (deployment `ecs-svc/42`) at 2026-03-01T10:05:00Z.")
          .contains("| Signature (image:verify) | PASS | [verified.json](")
          .contains("| Scan (image:scan) | MISSING | scan.json |");
      assertThat(github.releases().get(0).path("prerelease").asBoolean()).isFalse();

      assertThatThrownBy(() -> releaser.release(new Releaser.Request("shop/web", "2.0", build, IMAGE, verified,
          null, null, null, Map.of()))).isInstanceOf(InvalidInputException.class).hasMessageContaining("v*.*.*");
    }
  }
}
