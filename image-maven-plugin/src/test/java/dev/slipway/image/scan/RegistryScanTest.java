package dev.slipway.image.scan;

import dev.slipway.image.TestLog;
import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.Log;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.common.image.ScanSummary;
import dev.slipway.common.registry.MediaTypes;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.image.sbom.ImageReader;
import dev.slipway.image.sbom.RegistrySource;
import dev.slipway.image.sbom.ResolvedImage;
import dev.slipway.image.sbom.TestImage;
import dev.slipway.testkit.LocalRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** An image that was pushed without a layout: each platform's blobs come from the registry for Trivy. */
class RegistryScanTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir Path tmp;

  @Test
  void aPushedImageIsScannedFromTheRegistry() throws Exception {
    RegistryClient client = new RegistryClient(registry.hostPort(), "team/pushed", null, true, Log.silent());
    String digest = new TestImage()
        .platform("linux", "amd64", null, new TestImage.Layer().file("etc/os-release", "ID=alpine\n"))
        .platform("linux", "arm64", null, new TestImage.Layer().file("etc/os-release", "ID=alpine\n"))
        .push(client, "1.0");
    ResolvedImage resolved = new ImageReader(new RegistrySource(client)).read(digest);
    List<BuiltImage.Platform> platforms = new ArrayList<>();
    resolved.platforms().forEach(p -> platforms.add(new BuiltImage.Platform(p.os(), p.architecture(),
        p.manifestDigest(), p.manifestSize())));
    String repository = registry.hostPort() + "/team/pushed";
    BuiltImage image = new BuiltImage(1, repository + "@" + digest, repository, List.of("1.0"), digest,
        MediaTypes.OCI_INDEX, platforms, null, true, new BuiltImage.Base("scratch", null), "2026-01-01T00:00:00Z");

    TestParams params = new TestParams(tmp);
    params.engine = "binary";
    params.failOn = "none";
    params.trivy = new StandInTrivy(Goldens.path("alpine-310.json.golden").toString(),
        Goldens.path("alpine-39.json.golden").toString(), "").write(tmp.resolve("bin"));
    ScanConfig config = params.config(Map.of());
    ScanSummary s = new ImageScan(Engines.select(config, () -> false, ""), () -> new RegistrySource(client),
        new TestLog(), Clock.fixed(Instant.parse("2026-06-01T00:00:00Z"), ZoneOffset.UTC), Duration.ofSeconds(30))
        .run(config, image).summary();
    assertThat(s.verdict()).isEqualTo("pass");
    assertThat(s.platforms()).extracting(ScanSummary.Platform::digest)
        .containsExactly(platforms.get(0).digest(), platforms.get(1).digest());
    // the stand-in found each platform's manifest and every blob it names in its one-platform layout
    assertThat(Files.readAllLines(params.cacheDirectory.resolve("invocations")))
        .containsExactly("image " + platforms.get(0).digest(), "image " + platforms.get(1).digest());
  }
}
