package dev.slipway.deploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.github.GitHubClient;
import dev.slipway.common.github.GitHubReleases;
import dev.slipway.common.notify.Channel;
import dev.slipway.common.notify.Notifier;
import dev.slipway.common.notify.SlackWebhook;
import dev.slipway.deploy.journal.Journal;
import dev.slipway.deploy.journal.JournalRecord;
import dev.slipway.deploy.release.ReleasePublisher;
import dev.slipway.testkit.GitHubStandIn;
import dev.slipway.testkit.RecordingServer;
import dev.slipway.testkit.RecordingServer.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What happens once a deployment's outcome is decided, against stand-ins on loopback that record every request: the
 * GitHub release of a v*.*.* tag (created, then updated and never duplicated), Slack messages to the channels an
 * outcome goes to (with 429s retried and a hanging webhook bounded), and the CI step summary. Canary secrets (the
 * webhook path, the GitHub token, the AWS credentials) are searched for in every log line, journal and summary.
 */
class EpilogueTest {
  static final String SLACK_CANARY = "T0SLACKCANARY/B0SLACKCANARY/slackWebhookCanarySecret42";
  static final String GITHUB_TOKEN = "ghp_githubCanaryTokenForTheReleaseTest0001";
  @TempDir Path dir;
  private RecordingServer slack;
  private GitHubStandIn github;

  @BeforeEach
  void start() throws Exception {
    slack = new RecordingServer();
    github = new GitHubStandIn(GITHUB_TOKEN);
  }

  @AfterEach
  void stop() {
    slack.close();
    github.close();
  }

  private Notifier notifier(SimWorld w, Duration limit) {
    Map<Channel, SlackWebhook.Target> targets = new EnumMap<>(Channel.class);
    for (Channel c : List.of(Channel.GENERAL, Channel.DEPLOYS, Channel.CRITICAL)) {
      targets.put(c, new SlackWebhook.Target(c, slack.uri("/services/" + c.label() + "/" + SLACK_CANARY),
          c.defaultEnv()));
    }
    return new Notifier(targets, new SlackWebhook(w.redactor), limit, Instant::now, w.log.redacting(w.redactor));
  }

  private ReleasePublisher releases(SimWorld w) {
    return spec -> new GitHubReleases(new GitHubClient(github.api(), GITHUB_TOKEN, w.redactor), w.log).publish(spec);
  }

  private DeployRequest production(SimWorld w, String image, Path summary) throws Exception {
    Path slipway = Files.createDirectories(dir.resolve("slipway"));
    String digest = image.substring(image.indexOf('@') + 1);
    DeployRequest.Options evidence = VerifyTest.evidence(slipway, digest, digest, "PASS", false);
    Path sbom = Files.createDirectories(slipway.resolve("sbom")).resolve("web-1.4.0.cdx.json");
    Files.writeString(sbom, "{\"bomFormat\":\"CycloneDX\",\"specVersion\":\"1.6\"}");
    Map<String, Path> files = new LinkedHashMap<>();
    files.put("web-1.4.0.cdx.json", sbom);
    files.put("scan.json", slipway.resolve("scan.json"));
    files.put("verified.json", slipway.resolve("verified.json"));
    files.put("image.json", slipway.resolve("image.json")); // absent: left out
    BuildInfo build = new BuildInfo("web", "0123456789abcdef0123456789abcdef01234567", null, List.of("v1.4.0"),
        "https://github.com/shop/web", "https://github.com/shop/web/actions/runs/42", "alice (GITHUB_ACTOR) as runner",
        null);
    return new DeployRequest(w.env("production", true), image, false, false, "production", dir.resolve("journal"))
        .withOptions(new DeployRequest.Options(evidence.verifiedJson(), evidence.scanJson(), false, build,
            new DeployRequest.ReleaseOptions("shop/web", files), Map.of("GITHUB_STEP_SUMMARY", summary.toString())));
  }

  @Test
  void aTaggedProductionDeploymentIsReleasedAnnouncedAndSummarized() throws Exception {
    Path summary = dir.resolve("step-summary.md");
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      JournalRecord r = w.deployer(notifier(w, Duration.ofSeconds(10)), releases(w))
          .deploy(production(w, SimWorld.NEW_IMAGE, summary));
      assertThat(r.outcome).isEqualTo("SUCCEEDED");
      assertThat(r.steps).extracting(e -> e.step + " " + e.outcome).endsWith("DONE OK", "RELEASE OK", "NOTIFY OK",
          "SUMMARY OK");

      // the release: one, with GitHub's notes, the digest, where it runs, the checks, the files
      assertThat(github.releases()).hasSize(1);
      JsonNode release = github.releases().get(0);
      assertThat(release.path("tag_name").asText()).isEqualTo("v1.4.0");
      assertThat(release.path("name").asText()).isEqualTo("web v1.4.0");
      assertThat(release.path("body").asText())
          .startsWith("## What's Changed")
          .contains("`" + SimWorld.NEW_IMAGE + "`")
          .contains("Deployed to **production** as `web:2`")
          .contains("| Signature (image:verify) | PASS | [verified.json](https://github.example/")
          .contains("[web-1.4.0.cdx.json](https://github.example/shop/web/releases/download/v1.4.0/web-1.4.0.cdx.json)"
              + " — SBOM (CycloneDX)")
          .doesNotContain("image.json");
      assertThat(release.path("assets")).extracting(a -> a.path("name").asText())
          .containsExactly("web-1.4.0.cdx.json", "scan.json", "verified.json");
      assertThat(r.release.url).isEqualTo("https://github.example/shop/web/releases/tag/v1.4.0");

      // Slack: general and deploys for a production success, not critical; Block Kit with the facts and links
      assertThat(slack.requests()).extracting(q -> q.path().split("/")[2]).containsExactly("general", "deploys");
      JsonNode message = SimWorld.JSON.readTree(slack.requests().get(1).body());
      assertThat(message.path("text").asText()).startsWith("✅ web deployed to production");
      String blocks = message.path("blocks").toString();
      assertThat(blocks).contains("*Environment*\\nproduction (shop-production/web)")
          .contains("*Image digest*\\n" + VerifyTest.DIGEST).contains("*Task definition*\\nweb:2 (was web:1)")
          .contains("*Outcome*\\nSUCCEEDED").contains("*Duration*\\n").contains("alice (GITHUB_ACTOR)")
          .contains("|Release v1.4.0>").contains("|CI run>").contains("console.aws.amazon.com/ecs/v2/clusters/"
              + "shop-production/services/web/deployments");
      assertThat(r.notifications).extracting(n -> n.channel + "=" + n.delivered)
          .containsExactly("general=true", "deploys=true");

      // the step summary: one record from the commit to the running revision
      String md = Files.readString(summary);
      assertThat(md).contains("## ✅ web deployed to production").contains("`0123456789abcdef0123456789abcdef01234567`")
          .contains("[CI run](https://github.com/shop/web/actions/runs/42)").contains(SimWorld.NEW_IMAGE)
          .contains("| Signature | ✅ PASS (`verified.json`, keyless").contains("`web:1` → `web:2`")
          .contains("| Release | [v1.4.0](https://github.example/shop/web/releases/tag/v1.4.0) |");

      // deployed again (a fix of the same tag): the release is updated, not duplicated
      JournalRecord again = w.deployer(notifier(w, Duration.ofSeconds(10)), releases(w))
          .deploy(production(w, SimWorld.NEW_IMAGE.replace("2222", "3333"), summary));
      assertThat(again.release.created).isFalse();
      assertThat(github.releases()).hasSize(1);
      assertThat(github.releases().get(0).path("body").asText()).contains("3333").doesNotContain("2222");
      assertThat(github.releases().get(0).path("assets")).hasSize(3);

      assertNoCanary(w, summary);
    }
  }

  @Test
  void aRollbackGoesToCriticalWithoutARelease() throws Exception {
    Path summary = dir.resolve("summary.md");
    AtomicInteger critical = new AtomicInteger();
    slack.answer(q -> q.path().startsWith("/services/critical/") && critical.incrementAndGet() == 1
        ? new Response(429, Map.of("Retry-After", "1"), "rate_limited") : Response.of(200, "ok"));
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      w.healthStatus = 503;
      assertThatThrownBy(() -> w.deployer(notifier(w, Duration.ofSeconds(10)), releases(w))
          .deploy(production(w, SimWorld.NEW_IMAGE, summary)))
          .isInstanceOf(DeployFailedException.class).hasMessageContaining("Rolled back");
      assertThat(github.server().requests()).isEmpty();
      assertThat(slack.requests()).extracting(q -> q.path().split("/")[2])
          .containsExactly("deploys", "critical", "critical"); // the 429 was retried after its Retry-After
      JsonNode message = SimWorld.JSON.readTree(slack.requests().get(2).body());
      assertThat(message.path("text").asText()).startsWith("🔴 web: deployment to production failed and was rolled "
          + "back");
      assertThat(message.path("blocks").toString()).contains("Failure: HEALTH: health check")
          .contains("Rollback: UpdateService, succeeded");
      JournalRecord last = Journal.readLast(dir.resolve("journal"), "production");
      assertThat(last.notifications).extracting(n -> n.channel + "=" + n.delivered + "/" + n.attempts)
          .containsExactly("deploys=true/1", "critical=true/2");
      assertThat(Files.readString(summary)).contains("**FAILED_ROLLED_BACK**").contains("| Rollback | UpdateService");
      assertNoCanary(w, summary);
    }
  }

  @Test
  void aWebhookThatNeverAnswersCannotHoldUpTheDeploymentBeyondTheLimit() throws Exception {
    slack.answer(q -> {
      try {
        Thread.sleep(20_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Response.of(200, "ok");
    });
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      long start = System.nanoTime();
      JournalRecord r = w.deployer(notifier(w, Duration.ofSeconds(1)), null)
          .deploy(production(w, SimWorld.NEW_IMAGE, dir.resolve("s.md")));
      long tookMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(r.outcome).isEqualTo("SUCCEEDED");
      assertThat(r.notifications).allSatisfy(n -> assertThat(n.delivered).isFalse());
      assertThat(r.notifications.get(0).detail).contains("HttpTimeoutException");
      assertThat(r.steps).extracting(e -> e.step + " " + e.outcome).contains("NOTIFY FAILED");
      System.out.println("MEASURE deployment with a hanging Slack webhook (limit 1 s): " + tookMillis + " ms");
    }
  }

  @Test
  void aRollbackGoalIsPostedToDeploysAndCriticalAndJournaled() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      Path journals = dir.resolve("journal");
      w.deployer().deploy(w.request(w.staging(), journals));
      assertThat(slack.requests()).isEmpty();

      JournalRecord r = new Rollbacker(w.gateway, w.clock, w.redactor, w.log, notifier(w, Duration.ofSeconds(10)))
          .rollback(new Rollbacker.Request(w.staging(), null, false, null, Prompter.none(), journals));

      assertThat(r.outcome).isEqualTo("SUCCEEDED");
      assertThat(slack.requests()).extracting(q -> q.path().split("/")[2]).containsExactly("deploys", "critical");
      JsonNode message = SimWorld.JSON.readTree(slack.requests().get(1).body());
      assertThat(message.path("text").asText()).isEqualTo("Rollback of staging succeeded (deploy:rollback)");
      assertThat(message.path("blocks").toString()).contains("*From*\\nweb:2").contains("*To*\\nweb:1")
          .contains("*Outcome*\\nSUCCEEDED");
      assertThat(r.notifications).extracting(n -> n.channel + "=" + n.delivered)
          .containsExactly("deploys=true", "critical=true");
      assertThat(r.steps).extracting(e -> e.step + " " + e.outcome).endsWith("WAIT OK", "NOTIFY OK");
      try (Stream<Path> files = Files.list(journals.resolve("staging"))) {
        Path journal = files.filter(f -> f.getFileName().toString().endsWith("-rollback.json")).findFirst()
            .orElseThrow();
        assertThat(Files.readString(journal)).contains("\"critical\"").doesNotContain(SLACK_CANARY);
      }
      assertThat(w.log()).doesNotContain(SLACK_CANARY);
    }
  }

  private void assertNoCanary(SimWorld w, Path summary) throws Exception {
    StringBuilder all = new StringBuilder(w.log()).append(Files.readString(summary));
    try (Stream<Path> files = Files.walk(dir.resolve("journal"))) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        all.append(Files.readString(f));
      }
    }
    assertThat(all.toString()).contains("\"notifications\"")
        .doesNotContain(SLACK_CANARY).doesNotContain("slackWebhookCanarySecret").doesNotContain(GITHUB_TOKEN)
        .doesNotContain(SimWorld.CANARY_SECRET).doesNotContain(SimWorld.CANARY_ACCESS_KEY);
    assertThat(github.server().transcript()).doesNotContain(SLACK_CANARY);
    assertThat(slack.transcript()).doesNotContain(GITHUB_TOKEN).doesNotContain(SimWorld.CANARY_SECRET);
  }
}
