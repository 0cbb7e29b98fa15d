package dev.slipway.deploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.deploy.journal.Journal;
import dev.slipway.deploy.journal.JournalRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * VERIFY before REGISTER: production refuses an image whose verified.json or scan.json does not name the deployed
 * digest with a passing verdict, staging warns, and an override deploys while the journal records who overrode it.
 */
class VerifyTest {
  static final String DIGEST = SimWorld.NEW_IMAGE.substring(SimWorld.NEW_IMAGE.indexOf('@') + 1);
  static final String OTHER = "sha256:" + "9".repeat(64);
  @TempDir Path dir;

  /** verified.json as image:verify writes it today, and a scan.json with the members deploy:ecs relies on. */
  static DeployRequest.Options evidence(Path dir, String signedDigest, String scannedDigest, String scanVerdict,
      boolean allowUnverified) throws Exception {
    Path verified = Files.writeString(dir.resolve("verified.json"), "{\"schemaVersion\":1,\"reference\":\""
        + "127.0.0.1:5000/shop/web@" + signedDigest + "\",\"repository\":\"127.0.0.1:5000/shop/web\",\"digest\":\""
        + signedDigest + "\",\"verifiedAt\":\"2026-03-01T09:00:00Z\",\"mode\":\"keyless\",\"identity\":"
        + "\"https://github.com/shop/web/.github/workflows/ci.yml@refs/heads/main\",\"issuer\":"
        + "\"https://token.actions.githubusercontent.com\"}");
    Path scan = Files.writeString(dir.resolve("scan.json"), "{\"schemaVersion\":1,\"image\":{\"reference\":"
        + "\"127.0.0.1:5000/shop/web@" + scannedDigest + "\",\"digest\":\"" + scannedDigest + "\"},\"verdict\":\""
        + scanVerdict + "\",\"summary\":{\"CRITICAL\":0,\"HIGH\":1}}");
    BuildInfo build = new BuildInfo("web", "0123456789abcdef0123456789abcdef01234567", "main", List.of(),
        "https://github.com/shop/web", "https://github.com/shop/web/actions/runs/42", "alice (GITHUB_ACTOR) as runner",
        null);
    return new DeployRequest.Options(verified, scan, allowUnverified, build, null, Map.of());
  }

  @Test
  void productionDeploysAnImageThatBothFilesVouchFor() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      DeployRequest req = new DeployRequest(w.env("production", true), SimWorld.NEW_IMAGE, false, false,
          "production", dir).withOptions(evidence(dir, DIGEST, DIGEST, "PASS", false));
      JournalRecord r = w.deployer().deploy(req);
      assertThat(r.outcome).isEqualTo("SUCCEEDED");
      assertThat(r.verification.problems).isEmpty();
      assertThat(r.verification.evidence).extracting(e -> e.kind + "=" + e.vouches)
          .containsExactly("SIGNATURE=true", "SCAN=true");
      assertThat(r.steps).extracting(e -> e.step).startsWith("PREFLIGHT", "VERIFY", "CONFIRM", "SNAPSHOT");
      assertThat(r.build.commit).startsWith("0123456789ab");
      assertThat(r.build.ciRun).endsWith("/actions/runs/42");
    }
  }

  @Test
  void productionRefusesAScanOfAnotherDigestOrAFailedScanBeforeAnyChange() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      DeployRequest other = new DeployRequest(w.env("production", true), SimWorld.NEW_IMAGE, false, false,
          "production", dir).withOptions(evidence(dir, DIGEST, OTHER, "PASS", false));
      assertThatThrownBy(() -> w.deployer().deploy(other))
          .isInstanceOf(DeployFailedException.class)
          .hasMessageContaining("Deployment refused: production deploys only an image whose verified.json and "
              + "scan.json name its digest " + DIGEST)
          .hasMessageContaining("scan.json: is about " + OTHER)
          .hasMessageContaining("-Ddeploy.allowUnverified=true");
      DeployRequest failed = other.withOptions(evidence(dir, DIGEST, DIGEST, "FAIL", false));
      assertThatThrownBy(() -> w.deployer().deploy(failed)).hasMessageContaining("scan.json: verdict FAIL");
      Files.delete(dir.resolve("verified.json"));
      DeployRequest unsigned = other.withOptions(new DeployRequest.Options(dir.resolve("verified.json"),
          dir.resolve("scan.json"), false, BuildInfo.none(), null, Map.of()));
      assertThatThrownBy(() -> w.deployer().deploy(unsigned))
          .hasMessageContaining("verified.json: not found (run image:verify on this image first)");
      assertThat(w.sim.mutatingCalls()).isEmpty();
      assertThat(dir.resolve("production")).doesNotExist();
    }
  }

  @Test
  void anOverrideDeploysAndTheJournalRecordsWhoOverrode() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      DeployRequest req = new DeployRequest(w.env("production", true), SimWorld.NEW_IMAGE, false, false,
          "production", dir).withOptions(evidence(dir, OTHER, DIGEST, "PASS", true));
      JournalRecord r = w.deployer().deploy(req);
      assertThat(r.outcome).isEqualTo("SUCCEEDED");
      JournalRecord last = Journal.readLast(dir, "production");
      assertThat(last.verification.overriddenBy).isEqualTo("alice (GITHUB_ACTOR) as runner");
      assertThat(last.verification.problems).singleElement().asString().contains("verified.json: is about " + OTHER);
      assertThat(w.log()).contains("[WARN] VERIFY overridden by alice (GITHUB_ACTOR) as runner");
    }
  }

  @Test
  void stagingWarnsAndDeploys() throws Exception {
    try (SimWorld w = new SimWorld(SimWorld.scenario())) {
      JournalRecord r = w.deployer().deploy(w.request(w.staging(), dir)
          .withOptions(evidence(dir, DIGEST, DIGEST, "FAIL", false)));
      assertThat(r.outcome).isEqualTo("SUCCEEDED");
      assertThat(r.verification.policy).isEqualTo("warn");
      assertThat(r.verification.overriddenBy).isNull();
      assertThat(w.log()).contains("[WARN] VERIFY").contains("scan.json: verdict FAIL")
          .contains("is not production: deploying anyway");
    }
  }
}
