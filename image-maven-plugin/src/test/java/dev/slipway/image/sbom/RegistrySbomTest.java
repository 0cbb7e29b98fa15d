package dev.slipway.image.sbom;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.image.registry.Referrers;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.Skopeo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The SBOM of an image read from a registry, attached back to it as referrers, read back by digest. */
class RegistrySbomTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.withBasicAuth("sbom", "s-pass-7");
  @TempDir Path tmp;

  @Test
  void sbomsOfAPushedImageAreAttachedOncePerFormatAndReadBackByDigest() throws Exception {
    RegistryClient client = new RegistryClient(registry.hostPort(), "team/alpine-app",
        new dev.slipway.common.registry.RegistryCredentials("sbom", "s-pass-7", "test"), true, Log.silent());
    TestImage image = new TestImage()
        .platform("linux", "amd64", null, new TestImage.Layer()
            .file("etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n")
            .file("lib/apk/db/installed", OsPackagesTest.ALPINE_INSTALLED))
        .platform("linux", "arm64", null, new TestImage.Layer()
            .file("etc/os-release", "ID=alpine\nVERSION_ID=3.19.1\n")
            .file("lib/apk/db/installed", OsPackagesTest.ALPINE_INSTALLED.replace("A:x86_64", "A:aarch64")));
    String digest = image.push(client, "1.0");

    ImageSbom.Result result = new ImageSbom(new RegistrySource(client), Log.silent()).generate(new SbomConfig(
        digest, registry.hostPort() + "/team/alpine-app", List.of("1.0"), null, Instant.parse("2026-01-01T00:00:00Z"),
        EnumSet.of(SbomFormat.CYCLONEDX_JSON, SbomFormat.SPDX_JSON), tmp, "alpine-app", "0.1.0"));
    assertThat(result.osPackages()).isEqualTo(6);

    SbomPublisher publisher = new SbomPublisher(new Referrers(client, Log.silent()));
    List<SbomPublisher.Attached> first = publisher.attach(digest, result.files(), Instant.EPOCH);
    List<SbomPublisher.Attached> again = publisher.attach(digest, result.files(), Instant.EPOCH);
    assertThat(again).isEqualTo(first);

    List<Referrers.Referrer> all = new Referrers(client, Log.silent()).list(digest, null);
    assertThat(all).extracting(Referrers.Referrer::artifactType)
        .containsExactlyInAnyOrder("application/vnd.cyclonedx+json", "application/spdx+json");
    for (Referrers.Referrer r : all) {
      JsonNode manifest = client.getManifest(r.digest()).json();
      assertThat(manifest.path("subject").path("digest").asText()).isEqualTo(digest);
      String blob = manifest.path("layers").get(0).path("digest").asText();
      Path file = tmp.resolve(manifest.path("layers").get(0).path("annotations")
          .path("org.opencontainers.image.title").asText());
      assertThat(client.getBlob(blob)).isEqualTo(Files.readAllBytes(file));
    }
    JsonNode index = new Skopeo(registry).inspectRawJson("docker://" + registry.hostPort()
        + "/team/alpine-app:" + Referrers.tagFor(digest));
    assertThat(index.path("manifests")).hasSize(2);

    JsonNode bom = Json.mapper().readTree(tmp.resolve("alpine-app.cdx.json").toFile());
    assertThat(bom.path("components").findValuesAsText("purl"))
        .contains("pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=aarch64&distro=alpine-3.19.1",
            "pkg:apk/alpine/musl@1.2.4_git20230717-r4?arch=x86_64&distro=alpine-3.19.1");
  }
}
