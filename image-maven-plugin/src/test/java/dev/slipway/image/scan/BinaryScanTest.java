package dev.slipway.image.scan;

import dev.slipway.image.TestLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import dev.slipway.common.image.ScanSummary;
import dev.slipway.image.sbom.OciLayoutSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The binary engine end to end with a scripted trivy that checks every argument it gets (the layout view per
 * platform, read-only input, the cache, the output, the flags) and answers with Trivy's golden reports: alpine 3.10
 * for linux/amd64, alpine 3.9 for linux/arm64.
 */
class BinaryScanTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
  @TempDir Path tmp;
  ScanFixture fixture;
  TestParams params;
  TestLog log;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new ScanFixture(tmp);
    params = new TestParams(tmp);
    params.engine = "binary";
    log = new TestLog();
  }

  StandInTrivy standIn() {
    return new StandInTrivy(Goldens.path("alpine-310.json.golden").toString(),
        Goldens.path("alpine-39.json.golden").toString(), Goldens.path("alpine-310.json.golden").toString());
  }

  ImageScan.Outcome scan(Map<String, String> env) throws Exception {
    ScanConfig config = params.config(env);
    Trivy trivy = Engines.select(config, () -> false, "/nonexistent");
    return new ImageScan(trivy, () -> new OciLayoutSource(fixture.layout), log, CLOCK, Duration.ofMillis(200))
        .run(config, fixture.image);
  }

  @Test
  void everyPlatformIsScannedAndTheReportsSayWhatWasFoundWhere() throws Exception {
    params.trivy = standIn().write(tmp.resolve("bin"));
    params.failOn = "CRITICAL";
    Path summaryFile = Files.writeString(tmp.resolve("step-summary.md"), "# earlier step\n");
    ScanPolicyException failure = org.junit.jupiter.api.Assertions.assertThrows(ScanPolicyException.class,
        () -> scan(Map.of("GITHUB_STEP_SUMMARY", summaryFile.toString())));

    // alpine 3.9's two CRITICAL findings, on linux/arm64 only
    assertThat(failure.getMessage()).startsWith("image:scan: 2 vulnerabilities fail the policy (fail on CRITICAL)")
        .contains("CRITICAL CVE-2019-14697 musl 1.1.20-r4 (fixed in 1.1.20-r5) on linux/arm64");
    Path out = params.outputDirectory;
    ScanSummary s = ScanSummary.read(out.resolve("scan.json"));
    assertThat(s.digest()).isEqualTo(fixture.image.digest());
    assertThat(s.verdict()).isEqualTo("fail");
    assertThat(s.engine()).isEqualTo("binary");
    assertThat(s.trivyVersion()).isEqualTo("dev");
    assertThat(s.platforms()).extracting(ScanSummary.Platform::platform).containsExactly("linux/amd64", "linux/arm64");
    assertThat(s.platforms().get(0).digest()).isEqualTo(fixture.platformDigest("amd64"));
    assertThat(s.platforms().get(0).counts()).containsEntry("MEDIUM", 4).containsEntry("CRITICAL", 0);
    assertThat(s.platforms().get(1).counts()).containsEntry("CRITICAL", 2).containsEntry("MEDIUM", 4);
    assertThat(s.platforms().get(1).failing()).isEqualTo(2);
    assertThat(s.failing()).extracting(ScanSummary.Failing::platforms).containsOnly(List.of("linux/arm64"));
    // the DB the stand-in "downloaded" into the shared cache on its first run
    assertThat(s.database().updatedAt()).isEqualTo("2026-05-31T06:00:00Z");
    assertThat(s.database().ageHours()).isEqualTo(30.0);
    assertThat(s.reports().trivy()).containsExactly("trivy-linux-amd64.json", "trivy-linux-arm64.json");
    assertThat(out.resolve("trivy-linux-arm64.json")).hasSameTextualContentAs(Goldens.path("alpine-39.json.golden"));

    JsonNode sarif = Json.mapper().readTree(out.resolve("scan.sarif").toFile());
    JsonNode results = sarif.path("runs").get(0).path("results");
    // libcrypto/libssl CVE-2019-1549 is on both platforms (1.1.1c-r0 and 1.1.1b-r1 differ: two results)
    assertThat(results.size()).isEqualTo(4 + 6);
    assertThat(sarif.path("runs").get(0).path("properties").path("platforms").toString())
        .isEqualTo("[\"linux/amd64\",\"linux/arm64\"]");

    String markdown = Files.readString(out.resolve("scan.md"));
    assertThat(markdown).startsWith("## image:scan — FAIL").contains("| linux/arm64 | 2 | 0 | 4 | 0 | 0 | 2 | 0 | 0 |");
    assertThat(Files.readString(summaryFile)).isEqualTo("# earlier step\n" + markdown + "\n");

    // the arguments the stand-in accepted, once per platform, with the platform's manifest digest
    assertThat(Files.readAllLines(params.cacheDirectory.resolve("invocations"))).containsExactly(
        "image " + fixture.platformDigest("amd64"), "image " + fixture.platformDigest("arm64"));
    // progress: what runs, Trivy's own lines (timestamps dropped, warnings as warnings), counts per platform
    assertThat(log.all()).contains("[info] image:scan: linux/amd64 (1/2): Trivy scanning")
        .contains("[info] trivy: INFO [vulndb] Downloading vulnerability DB...")
        .contains("[warn] trivy: WARN stand-in: image scan of " + fixture.platformDigest("arm64"))
        .contains("[info] image:scan: linux/arm64 (2/2): alpine 3.9.4, 6 vulnerabilities (CRITICAL 2, HIGH 0, "
            + "MEDIUM 4, LOW 0, UNKNOWN 0)")
        .contains("[info] image:scan: vulnerability DB built 2026-05-31T06:00:00Z (30 h old)");
    // the per-platform layouts Trivy read are gone
    assertThat(out.resolve("work")).isEmptyDirectory();
  }

  @Test
  void warnOnlyReportsTheFailingVerdictWithoutFailing() throws Exception {
    params.trivy = standIn().write(tmp.resolve("bin"));
    params.warnOnly = true;
    ImageScan.Outcome o = scan(Map.of());
    assertThat(o.summary().verdict()).isEqualTo("fail");
    assertThat(o.summary().warnOnly()).isTrue();
    assertThat(log.all()).contains("[warn] image:scan: 2 vulnerabilities fail the policy (fail on CRITICAL, HIGH)")
        .contains("[warn-only: the build goes on]");
  }

  @Test
  void suppressedAndExpiredEntriesAreInEveryReport() throws Exception {
    params.trivy = standIn().write(tmp.resolve("bin"));
    Files.writeString(params.suppressions, """
        suppressions:
          - id: CVE-2019-14697
            reason: musl's x87 issue; no x87 code on arm64
            expires: 2026-12-31
            platforms: [linux/arm64]
          - id: CVE-2019-1549
            reason: was accepted for the 1.1.1b line
            expires: 2026-01-31
        """);
    ImageScan.Outcome o = scan(Map.of());
    ScanSummary s = o.summary();
    assertThat(s.verdict()).isEqualTo("pass");
    assertThat(s.suppressions().used()).singleElement().satisfies(u -> {
      assertThat(u.id()).isEqualTo("CVE-2019-14697");
      assertThat(u.matched()).isEqualTo(2);
      assertThat(u.source()).isEqualTo("scan-suppressions.yaml#/suppressions/0");
    });
    assertThat(s.suppressions().expired()).singleElement().satisfies(e -> {
      assertThat(e.id()).isEqualTo("CVE-2019-1549");
      assertThat(e.matched()).isEqualTo(4);
    });
    assertThat(s.platforms().get(1).suppressed()).isEqualTo(2);
    assertThat(Files.readString(o.markdownFile())).contains("### Expired suppressions (no longer applied)")
        .contains("| CVE-2019-1549 | 2026-01-31 | 4 | was accepted for the 1.1.1b line |");
    assertThat(log.all()).contains("[warn] image:scan: suppression of CVE-2019-1549 (scan-suppressions.yaml"
        + "#/suppressions/1) expired on 2026-01-31 and no longer applies; it would cover 4 finding(s)");
    JsonNode results = Json.mapper().readTree(o.sarifFile().toFile()).path("runs").get(0).path("results");
    int suppressed = 0;
    for (JsonNode r : results) {
      if (r.has("suppressions")) {
        suppressed++;
        assertThat(r.path("suppressions").get(0).path("justification").asText())
            .isEqualTo("musl's x87 issue; no x87 code on arm64");
      }
    }
    assertThat(suppressed).isEqualTo(2);
  }

  @Test
  void aFailingTrivyIsAnEnvironmentErrorWithItsLastLines() throws Exception {
    params.trivy = standIn().set("EXIT_WITH", "3").write(tmp.resolve("bin"));
    assertThatThrownBy(() -> scan(Map.of())).isInstanceOf(ScanException.class)
        .hasMessageContaining("failed scanning linux/amd64 (1/2) with exit code 3")
        .hasMessageContaining("FATAL stand-in: failing as asked");
    assertThat(params.outputDirectory.resolve("scan.json")).doesNotExist();
  }

  @Test
  void aStaleDatabaseFailsTheScanWhenMaxDbAgeIsSet() throws Exception {
    params.trivy = standIn().set("DB_UPDATED_AT", "2026-05-20T00:00:00Z").write(tmp.resolve("bin"));
    params.maxDbAge = "7d";
    assertThatThrownBy(() -> scan(Map.of())).isInstanceOf(ScanException.class)
        .hasMessageContaining("built 2026-05-20T00:00:00Z, 13 days ago, older than image.scan.maxDbAge=7d");
    // the first platform's scan told the age; the second was never scanned
    assertThat(Files.readAllLines(params.cacheDirectory.resolve("invocations"))).hasSize(1);

    // with skipDbUpdate the DB in the cache is judged before any scan
    params.skipDbUpdate = true;
    Files.delete(params.cacheDirectory.resolve("invocations"));
    assertThatThrownBy(() -> scan(Map.of())).isInstanceOf(ScanException.class).hasMessageContaining("13 days ago");
    assertThat(params.cacheDirectory.resolve("invocations")).doesNotExist();

    params.maxDbAge = "14d";
    params.skipDbUpdate = false;
    params.failOn = "none";
    assertThat(scan(Map.of()).summary().database().ageHours()).isEqualTo(300.0);
  }

  @Test
  void theSbomIsScannedOnceAndEachFindingLandsOnThePlatformsItsComponentIsOn() throws Exception {
    params.trivy = standIn().write(tmp.resolve("bin"));
    params.input = "sbom";
    // an SBOM as image:sbom writes it: libcrypto on arm64 only, libssl on both, through slipway:platform
    Path sbom = Files.writeString(tmp.resolve("hello-1.0.cdx.json"), """
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [
          {"type": "library", "name": "libcrypto1.1", "bom-ref": "pkg:apk/alpine/libcrypto1.1@1.1.1c-r0?arch=x86_64",
           "purl": "pkg:apk/alpine/libcrypto1.1@1.1.1c-r0?arch=x86_64&distro=3.10.2",
           "properties": [{"name": "slipway:platform", "value": "linux/arm64"}]},
          {"type": "library", "name": "libssl1.1", "bom-ref": "ssl",
           "purl": "pkg:apk/alpine/libssl1.1@1.1.1c-r0?arch=x86_64&distro=3.10.2",
           "properties": [{"name": "slipway:platform", "value": "linux/amd64"},
                          {"name": "slipway:platform", "value": "linux/arm64"}]}]}
        """);
    params.sbom = sbom;
    params.failOn = "MEDIUM";
    assertThatThrownBy(() -> scan(Map.of())).isInstanceOf(ScanPolicyException.class);
    ScanSummary s = ScanSummary.read(params.outputDirectory.resolve("scan.json"));
    assertThat(s.input()).isEqualTo("sbom");
    assertThat(s.reports().trivy()).containsExactly("trivy-sbom.json");
    // the golden's libcrypto1.1 findings match by purl (arm64 only), libssl1.1's by purl too (both platforms)
    assertThat(s.platforms().get(0).counts()).containsEntry("MEDIUM", 2);
    assertThat(s.platforms().get(1).counts()).containsEntry("MEDIUM", 4);
    assertThat(Files.readAllLines(params.cacheDirectory.resolve("invocations")))
        .containsExactly("sbom " + sbom);
  }
}
