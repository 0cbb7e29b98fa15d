package dev.slipway.image.scan;

import dev.slipway.image.TestLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.image.ScanSummary;
import dev.slipway.image.sbom.OciLayoutSource;
import dev.slipway.testkit.BusyboxImage;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.PodmanRuntime;
import dev.slipway.testkit.PublishedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container engine for real: a stand-in scanner image built in the test (the kit's static busybox plus the
 * stand-in trivy script as entrypoint and Trivy's golden reports inside), pushed to the local registry, pulled and
 * run by Testcontainers over the test kit's podman. The stand-in checks the mounts (the platform's layout read-only,
 * the cache writable and persistent across runs, the output directory) and the arguments; exit codes and output
 * collection go through the real Docker API.
 */
class ContainerScanTest {
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);

  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static PodmanRuntime podman = PodmanRuntime.create();
  @TempDir Path tmp;

  static PublishedImage standIn(StandInTrivy script, String tag) throws Exception {
    return BusyboxImage.create()
        .file("/golden/amd64.json", Files.readAllBytes(Goldens.path("alpine-310.json.golden")), 0644)
        .file("/golden/arm64.json", Files.readAllBytes(Goldens.path("alpine-39.json.golden")), 0644)
        .file("/usr/local/bin/trivy", script.text(), 0755)
        .entrypoint("/usr/local/bin/trivy")
        .publishTo(registry, "test/trivy-stand-in:" + tag);
  }

  static StandInTrivy script() {
    return new StandInTrivy("/golden/amd64.json", "/golden/arm64.json", "/golden/amd64.json")
        .set("INPUT_READ_ONLY", "true");
  }

  ScanFixture fixture;
  TestParams params;
  TestLog log;

  @BeforeEach
  void setUp() throws Exception {
    fixture = new ScanFixture(tmp);
    params = new TestParams(tmp);
    params.engine = "container";
    log = new TestLog();
  }

  ImageScan.Outcome scan() throws Exception {
    ScanConfig config = params.config(Map.of());
    Trivy trivy = Engines.select(config, () -> true, "");
    return new ImageScan(trivy, () -> new OciLayoutSource(fixture.layout), log, CLOCK, Duration.ofSeconds(30))
        .run(config, fixture.image);
  }

  @Test
  void trivysImageScansEveryPlatformWithTheLayoutAndACacheMounted() throws Exception {
    PublishedImage image = standIn(script(), "1");
    params.trivyImage = image.repository();
    params.trivyVersion = image.tag();
    params.failOn = "CRITICAL";
    params.warnOnly = true;
    ImageScan.Outcome o = scan();

    ScanSummary s = o.summary();
    assertThat(s.engine()).isEqualTo("container");
    assertThat(s.verdict()).isEqualTo("fail");
    assertThat(s.platforms()).extracting(p -> p.counts().get("CRITICAL")).containsExactly(0, 2);
    assertThat(s.database().updatedAt()).isEqualTo("2026-05-31T06:00:00Z");
    // the reports the container wrote into the mounted output directory, byte for byte Trivy's
    assertThat(params.outputDirectory.resolve("trivy-linux-amd64.json"))
        .hasSameTextualContentAs(Goldens.path("alpine-310.json.golden"));
    // the cache is the host directory: the DB "downloaded" by the first container is there for the second
    assertThat(params.cacheDirectory.resolve("db/metadata.json")).exists();
    assertThat(Files.readAllLines(params.cacheDirectory.resolve("invocations"))).containsExactly(
        "image " + fixture.platformDigest("amd64"), "image " + fixture.platformDigest("arm64"));
    assertThat(log.all()).contains("with container " + image.repository() + ":1")
        .contains("[info] trivy: INFO [vulndb] Downloading vulnerability DB...")
        .contains("[warn] trivy: WARN stand-in: image scan of " + fixture.platformDigest("arm64"));
    assertThat(log.lines.stream().filter(l -> l.contains("Downloading vulnerability DB"))).hasSize(1);
    // every container is gone
    assertThat(podman.podman("ps", "--all", "--quiet", "--filter", "ancestor=" + image.repository() + ":1").strip())
        .isEmpty();
  }

  @Test
  void aFailingScannerInTheContainerIsAnErrorWithItsOutputAndTheContainerIsRemoved() throws Exception {
    PublishedImage image = standIn(script().set("EXIT_WITH", "2"), "failing");
    params.trivyImage = image.repository() + ":failing";
    assertThatThrownBy(this::scan).isInstanceOf(ScanException.class)
        .hasMessageContaining("failed scanning linux/amd64 (1/2) with exit code 2")
        .hasMessageContaining("FATAL stand-in: failing as asked");
    assertThat(podman.podman("ps", "--all", "--quiet", "--filter", "ancestor=" + image.repository() + ":failing")
        .strip()).isEmpty();
  }

  /**
   * The same scan with Trivy itself, where its image and a DB are at hand (they cannot be pulled here): set
   * {@code SLIPWAY_TRIVY_IMAGE} to an aquasec/trivy image the runtime can pull and {@code SLIPWAY_TRIVY_CACHE} to a
   * Trivy cache directory holding its DB and Java DB.
   */
  @Test
  void realTrivyScansTheSameLayoutWhereItsImageAndDbAreAtHand() throws Exception {
    String realImage = System.getenv("SLIPWAY_TRIVY_IMAGE");
    String realCache = System.getenv("SLIPWAY_TRIVY_CACHE");
    org.junit.jupiter.api.Assumptions.assumeTrue(realImage != null && realCache != null,
        "SLIPWAY_TRIVY_IMAGE and SLIPWAY_TRIVY_CACHE are not set: no real Trivy here");
    params.trivyImage = realImage;
    params.cacheDirectory = Path.of(realCache);
    params.skipDbUpdate = true;
    params.skipJavaDbUpdate = true;
    params.offline = true;
    params.failOn = "none";
    ScanSummary s = scan().summary();
    assertThat(s.trivyVersion()).isNotBlank();
    assertThat(s.platforms()).hasSize(2);
    assertThat(s.database()).isNotNull();
  }

  @Test
  void anImageThatCannotBePulledNamesTheImageAndWhatToDo() throws Exception {
    params.trivyImage = registry.hostPort() + "/test/no-such-trivy";
    assertThatThrownBy(this::scan).isInstanceOf(ScanException.class)
        .hasMessageStartingWith("cannot run Trivy's image " + registry.hostPort() + "/test/no-such-trivy:0.74.0");
  }
}
