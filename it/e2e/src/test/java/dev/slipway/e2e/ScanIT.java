package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.image.BuiltImage;
import dev.slipway.common.image.ScanSummary;
import dev.slipway.image.scan.Goldens;
import dev.slipway.image.scan.StandInTrivy;
import dev.slipway.testkit.MavenRun;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code image:scan} in forked Maven builds of the example service, with the binary engine and the scripted
 * {@code trivy} (it checks every argument and answers with Trivy's golden reports: alpine 3.10 for linux/amd64,
 * alpine 3.9 with two CRITICAL findings for linux/arm64): the goal's wiring, exit codes, reports, step summary and
 * the default suppression file.
 */
class ScanIT {
  @TempDir Path dir;

  @Test
  void theScanFailsTheBuildOnPolicyThenASuppressionFileLetsItPass() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    Path trivy = new StandInTrivy(Goldens.extract("alpine-310.json.golden", dir.resolve("golden")).toString(),
        Goldens.extract("alpine-39.json.golden", dir.resolve("golden")).toString(), "").write(dir.resolve("bin"));
    Path summary = Files.writeString(dir.resolve("step-summary.md"), "");
    String cache = "-Dimage.scan.cacheDirectory=" + dir.resolve("trivy-cache");

    MavenRun.Result failed = MavenRun.in(project).env("GITHUB_STEP_SUMMARY", summary.toString())
        .args("package", "image:scan", "-DskipTests", "-Dimage.scan.trivy=" + trivy, cache,
            "-Dimage.scan.failOn=CRITICAL", "-Dimage.sbom.layerCacheDirectory=" + dir.resolve("layer-cache"))
        .run();
    assertThat(failed.succeeded()).as(failed.log()).isFalse();
    assertThat(failed.log()).contains("image:scan: linux/arm64 (2/2): alpine 3.9.4, 6 vulnerabilities")
        .contains("2 vulnerabilities fail the policy (fail on CRITICAL)")
        .contains("CRITICAL CVE-2019-14697 musl 1.1.20-r4 (fixed in 1.1.20-r5) on linux/arm64")
        .contains("BUILD FAILURE");
    BuiltImage image = BuiltImage.read(project.resolve("target/slipway/image.json"));
    ScanSummary scan = ScanSummary.read(project.resolve("target/slipway/scan/scan.json"));
    assertThat(scan.digest()).isEqualTo(image.digest());
    assertThat(scan.verdict()).isEqualTo("fail");
    assertThat(scan.engine()).isEqualTo("binary");
    assertThat(scan.platforms()).extracting(ScanSummary.Platform::digest)
        .containsExactlyElementsOf(image.platforms().stream().map(BuiltImage.Platform::digest).toList());
    assertThat(project.resolve("target/slipway/scan/scan.sarif")).exists();
    assertThat(Files.readString(summary)).startsWith("## image:scan — FAIL");

    // the team accepts the finding for now: scan-suppressions.yaml in the project is read without configuration
    Files.writeString(project.resolve("scan-suppressions.yaml"), """
        suppressions:
          - id: CVE-2019-14697
            reason: musl's x87 floating-point issue; the service runs no x87 code
            expires: 2099-01-01
        """);
    MavenRun.Result passed = MavenRun.in(project).env("GITHUB_STEP_SUMMARY", summary.toString())
        .args("image:scan", "-Dimage.scan.trivy=" + trivy, cache, "-Dimage.scan.failOn=CRITICAL").run();
    assertThat(passed.succeeded()).as(passed.log()).isTrue();
    assertThat(passed.log()).contains("image:scan: PASS: nothing fails the policy (fail on CRITICAL)");
    ScanSummary again = ScanSummary.read(project.resolve("target/slipway/scan/scan.json"));
    assertThat(again.verdict()).isEqualTo("pass");
    assertThat(again.suppressions().used()).singleElement().satisfies(u -> {
      assertThat(u.source()).isEqualTo("scan-suppressions.yaml#/suppressions/0");
      assertThat(u.matched()).isEqualTo(2);
    });
    assertThat(Files.readString(summary)).contains("## image:scan — PASS");
  }
}
