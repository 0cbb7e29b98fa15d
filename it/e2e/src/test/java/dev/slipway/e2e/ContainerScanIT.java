package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.image.BuiltImage;
import dev.slipway.common.image.ScanSummary;
import dev.slipway.image.scan.Goldens;
import dev.slipway.image.scan.StandInTrivy;
import dev.slipway.testkit.BusyboxImage;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.MavenRun;
import dev.slipway.testkit.PodmanRuntime;
import dev.slipway.testkit.PublishedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code image:scan}'s container engine inside a real Maven build: Testcontainers in the plugin's class realm finds
 * the test kit's podman through {@code DOCKER_HOST}, pulls a stand-in scanner image from the local registry and runs
 * it once per platform with the build's layout and cache mounted.
 */
class ContainerScanIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static PodmanRuntime podman = PodmanRuntime.create();
  @TempDir Path dir;

  @Test
  void autoPicksTheContainerEngineWhereDockerAnswersAndScansEveryPlatform() throws Exception {
    Path golden = dir.resolve("golden");
    PublishedImage standIn = BusyboxImage.create()
        .file("/golden/amd64.json", Files.readAllBytes(Goldens.extract("alpine-310.json.golden", golden)), 0644)
        .file("/golden/arm64.json", Files.readAllBytes(Goldens.extract("alpine-39.json.golden", golden)), 0644)
        .file("/usr/local/bin/trivy", new StandInTrivy("/golden/amd64.json", "/golden/arm64.json", "")
            .set("INPUT_READ_ONLY", "true").text(), 0755)
        .entrypoint("/usr/local/bin/trivy")
        .publishTo(registry, "test/trivy-stand-in:e2e");
    Path project = ExampleProject.copy("hello-service", dir);
    Path cache = dir.resolve("trivy-cache");

    MavenRun.Result r = MavenRun.in(project).env(podman.environment())
        .args("package", "image:scan", "-DskipTests", "-Dimage.scan.trivyImage=" + standIn.repository(),
            "-Dimage.scan.trivyVersion=" + standIn.tag(), "-Dimage.scan.cacheDirectory=" + cache,
            "-Dimage.sbom.layerCacheDirectory=" + dir.resolve("layer-cache"),
            "-Dimage.scan.stepSummary=false") // never into the summary of the CI job running this test
        .run();
    assertThat(r.succeeded()).as(r.log()).isFalse(); // alpine 3.9's CRITICAL findings on linux/arm64
    assertThat(r.log()).contains("with container " + standIn.repository() + ":e2e")
        .contains("trivy: INFO [vulndb] Downloading vulnerability DB...")
        .contains("2 vulnerabilities fail the policy (fail on CRITICAL, HIGH)");
    // the container client's clean-up at JVM exit must not fail after Maven closed the plugin's class realm
    assertThat(r.log()).doesNotContain("NoClassDefFoundError").doesNotContain("Exception in thread");
    BuiltImage image = BuiltImage.read(project.resolve("target/slipway/image.json"));
    ScanSummary scan = ScanSummary.read(project.resolve("target/slipway/scan/scan.json"));
    assertThat(scan.engine()).isEqualTo("container");
    assertThat(scan.digest()).isEqualTo(image.digest());
    assertThat(scan.platforms()).hasSize(2);
    assertThat(Files.readAllLines(cache.resolve("invocations"))).containsExactly(
        "image " + image.platforms().get(0).digest(), "image " + image.platforms().get(1).digest());
  }
}
