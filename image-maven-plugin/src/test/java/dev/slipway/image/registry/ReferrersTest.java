package dev.slipway.image.registry;

import dev.slipway.common.registry.RegistryClient;
import dev.slipway.common.registry.MediaTypes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Log;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.Skopeo;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ReferrersTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();

  private RegistryClient client(String repo) {
    return new RegistryClient(registry.hostPort(), repo, null, true, Log.silent());
  }

  @Test
  void attachedArtifactsAreListedByTypeAndReadableBySkopeo() throws Exception {
    RegistryClient c = client("ref/app");
    TestImages.Pushed image = TestImages.pushIndex(c, "1.0", "referrers");
    Referrers referrers = new Referrers(c, Log.silent());
    Referrers.Subject subject = referrers.subject(image.digest());
    assertThat(subject.mediaType()).isEqualTo(MediaTypes.OCI_INDEX);

    byte[] sbom = "{\"bomFormat\":\"CycloneDX\"}".getBytes(StandardCharsets.UTF_8);
    String sbomDigest = referrers.attach(subject, "application/vnd.cyclonedx+json",
        List.of(new Referrers.Blob("application/vnd.cyclonedx+json", sbom)), Map.of("org.example.kind", "sbom"));
    byte[] bundle = "{\"mediaType\":\"application/vnd.dev.sigstore.bundle.v0.3+json\"}".getBytes(StandardCharsets.UTF_8);
    String bundleDigest = referrers.attach(subject, "application/vnd.dev.sigstore.bundle.v0.3+json",
        List.of(new Referrers.Blob("application/vnd.dev.sigstore.bundle.v0.3+json", bundle)), Map.of());
    // the same content again: same digest, no second entry
    assertThat(referrers.attach(subject, "application/vnd.cyclonedx+json",
        List.of(new Referrers.Blob("application/vnd.cyclonedx+json", sbom)), Map.of("org.example.kind", "sbom")))
        .isEqualTo(sbomDigest);

    assertThat(referrers.list(image.digest(), null)).extracting(Referrers.Referrer::digest)
        .containsExactly(sbomDigest, bundleDigest);
    assertThat(referrers.list(image.digest(), "application/vnd.cyclonedx+json"))
        .singleElement()
        .satisfies(r -> assertThat(r.annotations()).containsEntry("org.example.kind", "sbom"));
    assertThat(referrers.list(image.amd64(), null)).isEmpty();

    Skopeo skopeo = new Skopeo(registry);
    String repo = "docker://" + registry.hostPort() + "/ref/app";
    JsonNode index = skopeo.inspectRawJson(repo + ":" + Referrers.tagFor(image.digest()));
    assertThat(index.path("mediaType").asText()).isEqualTo(MediaTypes.OCI_INDEX);
    assertThat(index.path("manifests")).hasSize(2);
    JsonNode artifact = skopeo.inspectRawJson(repo + "@" + sbomDigest);
    assertThat(artifact.path("subject").path("digest").asText()).isEqualTo(image.digest());
    assertThat(artifact.path("subject").path("size").asLong()).isEqualTo(subject.size());
    assertThat(artifact.path("artifactType").asText()).isEqualTo("application/vnd.cyclonedx+json");
    assertThat(artifact.path("config").path("digest").asText()).isEqualTo(Referrers.EMPTY_CONFIG_DIGEST);
    assertThat(new String(c.getBlob(artifact.path("layers").get(0).path("digest").asText()), StandardCharsets.UTF_8))
        .contains("CycloneDX");
  }

  @Test
  void subjectWithoutReferrersHasNone() throws Exception {
    RegistryClient c = client("ref/empty");
    String digest = TestImages.pushManifest(c, "amd64", "lonely");
    assertThat(new Referrers(c, Log.silent()).list(digest, null)).isEmpty();
    assertThat(Referrers.tagFor(digest)).isEqualTo("sha256-" + digest.substring(7));
  }
}
