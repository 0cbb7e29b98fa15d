package dev.slipway.deploy.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.Skopeo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Which image gets deployed: image.json, a pinned reference, or a tag resolved at a real registry. */
class ImageSelectorTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir Path dir;
  private final ImageSelector selector = new ImageSelector(new HttpRegistryDigestResolver(registry -> null, Log.silent()), Log.silent());
  private static final String DIGEST = "sha256:" + "ab".repeat(32);

  @Test
  void readsRepositoryAndDigestFromImageJson() throws Exception {
    Path f = dir.resolve("image.json");
    Files.writeString(f, "{\"schemaVersion\":1,\"reference\":\"registry.example/shop/web@" + DIGEST + "\","
        + "\"repository\":\"registry.example/shop/web\",\"tags\":[\"1.0\"],\"digest\":\"" + DIGEST + "\","
        + "\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"platforms\":[{\"os\":\"linux\","
        + "\"architecture\":\"amd64\",\"digest\":\"sha256:" + "cd".repeat(32) + "\"}],\"pushed\":true,"
        + "\"baseImage\":{\"reference\":\"x\",\"digest\":\"y\"}}");
    assertThat(selector.select(null, f)).isEqualTo("registry.example/shop/web@" + DIGEST);
  }

  @Test
  void badImageJsonNamesFileAndPointer() throws Exception {
    Path f = dir.resolve("image.json");
    Files.writeString(f, "{\"schemaVersion\":1,\"repository\":\"r.example/a\",\"digest\":\"sha256:short\"}");
    assertThatThrownBy(() -> selector.select(null, f)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(f + " at /digest");
    Files.writeString(f, "{\"schemaVersion\":1,\"repository\":\"r.example/a\",\"digest\":\"" + DIGEST
        + "\",\"pushed\":false}");
    assertThatThrownBy(() -> selector.select(null, f)).hasMessageContaining("at /pushed");
    Files.writeString(f, "{\"schemaVersion\":1,\n\"repository\": }");
    assertThatThrownBy(() -> selector.select(null, f)).hasMessageContaining(f + ":2:");
    assertThatThrownBy(() -> selector.select(null, dir.resolve("none.json")))
        .hasMessageContaining("run image:build first");
  }

  @Test
  void imageJsonIsReadWithTheSharedSchemaSoAWrongTypeIsAnErrorWithItsLine() throws Exception {
    Path f = dir.resolve("image.json");
    // written by something other than image:build: platforms must be a list of objects
    Files.writeString(f, "{\"schemaVersion\":1,\"repository\":\"r.example/a\",\n\"digest\":\"" + DIGEST
        + "\",\n\"platforms\":\"linux/amd64\",\"pushed\":true}");
    assertThatThrownBy(() -> selector.select(null, f)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(f + ":3:");
    Files.writeString(f, "{\"schemaVersion\":2,\"repository\":\"r.example/a\",\"digest\":\"" + DIGEST
        + "\",\"pushed\":true}");
    assertThatThrownBy(() -> selector.select(null, f)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining("/schemaVersion").hasMessageContaining("version 1");
  }

  @Test
  void pinnedReferenceIsUsedAsIsAndBadOnesAreExplained() throws Exception {
    assertThat(selector.select("registry.example/shop/web:1.0@" + DIGEST, dir.resolve("x")))
        .isEqualTo("registry.example/shop/web@" + DIGEST);
    assertThatThrownBy(() -> selector.select("registry.example/shop/web@sha256:nothex", dir.resolve("x")))
        .hasMessageContaining("deploy.image").hasMessageContaining("64 lower-case hex");
    assertThatThrownBy(() -> selector.select("Registry.example/Shop/WEB:1", dir.resolve("x")))
        .hasMessageContaining("invalid repository name");
  }

  @Test
  void aRegistryThatWantsCredentialsIsExplainedAndSettingsCredentialsResolveTheTag() throws Exception {
    try (LocalRegistry locked = LocalRegistry.withBasicAuth("ci", "registry-password").start()) {
      assertThatThrownBy(() -> selector.select(locked.hostPort() + "/shop/web:1.0", dir.resolve("x")))
          .hasMessageContaining("HTTP 401")
          .hasMessageContaining("<server> with id '" + locked.hostPort() + "'");

      Path layout = ociLayout(dir.resolve("locked-layout"));
      String ref = locked.hostPort() + "/shop/web:1.0";
      new Skopeo(locked).copyAll("oci:" + layout + ":1.0", "docker://" + ref);
      String expected = "sha256:" + sha256(new Skopeo(locked).inspectRaw("docker://" + ref)
          .getBytes(StandardCharsets.UTF_8));
      ImageSelector withCredentials = new ImageSelector(new HttpRegistryDigestResolver(
          registry -> new dev.slipway.common.registry.RegistryCredentials("ci", "registry-password", "test"),
          Log.silent()), Log.silent());
      assertThat(withCredentials.select(ref, dir.resolve("unused.json")))
          .isEqualTo(locked.hostPort() + "/shop/web@" + expected);
    }
  }

  @Test
  void tagIsResolvedToTheDigestTheRegistryServes() throws Exception {
    Path layout = ociLayout(dir.resolve("layout"));
    String ref = registry.hostPort() + "/shop/web:1.0";
    new Skopeo(registry).copyAll("oci:" + layout + ":1.0", "docker://" + ref);
    String raw = new Skopeo(registry).inspectRaw("docker://" + ref);
    String expected = "sha256:" + sha256(raw.getBytes(StandardCharsets.UTF_8));

    String pinned = selector.select(ref, dir.resolve("unused.json"));

    assertThat(pinned).isEqualTo(registry.hostPort() + "/shop/web@" + expected);
    assertThatThrownBy(() -> selector.select(registry.hostPort() + "/shop/web:nope", dir.resolve("x")))
        .hasMessageContaining("not found");
  }

  /** A one-layer OCI image written by hand, so the test depends on no image tool but skopeo. */
  private static Path ociLayout(Path root) throws Exception {
    Path blobs = Files.createDirectories(root.resolve("blobs/sha256"));
    byte[] layer = gzippedEmptyTar();
    String layerDigest = sha256(layer);
    Files.write(blobs.resolve(layerDigest), layer);
    byte[] config = ("{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\","
        + "\"diff_ids\":[\"sha256:" + sha256(emptyTar()) + "\"]}}").getBytes(StandardCharsets.UTF_8);
    Files.write(blobs.resolve(sha256(config)), config);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
        + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:"
        + sha256(config) + "\",\"size\":" + config.length + "},\"layers\":[{\"mediaType\":"
        + "\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:" + layerDigest + "\",\"size\":"
        + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
    Files.write(blobs.resolve(sha256(manifest)), manifest);
    Files.writeString(root.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.writeString(root.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
        + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:" + sha256(manifest) + "\",\"size\":"
        + manifest.length + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"1.0\"}}]}");
    return root;
  }

  private static byte[] emptyTar() {
    return new byte[1024];
  }

  private static byte[] gzippedEmptyTar() throws Exception {
    var bytes = new java.io.ByteArrayOutputStream();
    try (var gz = new java.util.zip.GZIPOutputStream(bytes)) {
      gz.write(emptyTar());
    }
    return bytes.toByteArray();
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }
}
