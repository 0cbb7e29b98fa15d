package dev.slipway.common.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Log;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.Skopeo;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RegistryClientTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.withBasicAuth("builder", "b-pass-42");

  private RegistryClient client(String repo, RegistryCredentials creds) {
    return new RegistryClient(registry.hostPort(), repo, creds, true, Log.silent());
  }

  static byte[] artifactManifest(String configDigest, int configSize, String layerDigest, int layerSize) {
    return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + configDigest
        + "\",\"size\":" + configSize + "},"
        + "\"layers\":[{\"mediaType\":\"text/plain\",\"digest\":\"" + layerDigest + "\",\"size\":" + layerSize
        + "}]}").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void pushesBlobsAndManifestThatSkopeoReadsBack() throws Exception {
    RegistryClient c = client("roundtrip/app", new RegistryCredentials("builder", "b-pass-42", "test"));
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = "hello layer".getBytes(StandardCharsets.UTF_8);
    String configDigest = Digests.sha256(config);
    String layerDigest = Digests.sha256(layer);
    c.pushBlob(configDigest, config);
    c.pushBlob(layerDigest, layer);
    c.pushBlob(layerDigest, layer); // already there: no second upload, no error
    assertThat(c.hasBlob(layerDigest)).isTrue();
    assertThat(new String(c.getBlob(layerDigest), StandardCharsets.UTF_8)).isEqualTo("hello layer");

    byte[] manifest = artifactManifest(configDigest, config.length, layerDigest, layer.length);
    String digest = c.putManifest("v1", MediaTypes.OCI_MANIFEST, manifest);
    assertThat(digest).isEqualTo(Digests.sha256(manifest));

    RegistryClient.Manifest back = c.getManifest(digest);
    assertThat(back.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(back.bytes()).isEqualTo(manifest);
    assertThat(c.headManifest("v1")).get().extracting(RegistryClient.Descriptor::digest).isEqualTo(digest);
    assertThat(c.headManifest("missing")).isEmpty();
    assertThat(c.listTags()).containsExactly("v1");

    JsonNode raw = new Skopeo(registry).inspectRawJson("docker://" + registry.hostPort() + "/roundtrip/app:v1");
    assertThat(raw.path("layers").get(0).path("digest").asText()).isEqualTo(layerDigest);
  }

  @Test
  void wrongPasswordIsRejectedWithAClearMessage() {
    RegistryClient c = client("secure/app", new RegistryCredentials("builder", "wrong", "settings.xml server"));
    assertThatThrownBy(() -> c.headManifest("latest"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("credentials from settings.xml server were rejected")
        .hasMessageNotContaining("wrong");
  }

  @Test
  void anonymousAccessToAnAuthRegistryNamesTheSettingsServer() {
    RegistryClient c = client("secure/app", null);
    assertThatThrownBy(() -> c.headManifest("latest"))
        .hasMessageContaining("<server> with id '" + registry.hostPort() + "'");
  }

  @Test
  void unreachableRegistryIsTransientAndNamed() {
    RegistryClient c = new RegistryClient("127.0.0.1:1", "x", null, true, Log.silent());
    assertThatThrownBy(() -> c.headManifest("latest"))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.isTransient()).isTrue())
        .hasMessageContaining("cannot connect to registry 127.0.0.1:1");
  }
}
