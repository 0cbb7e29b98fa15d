package dev.slipway.image.registry;

import dev.slipway.common.registry.RegistryClient;
import dev.slipway.common.registry.Digests;
import dev.slipway.common.registry.MediaTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Pushes tiny but real OCI images (config + one layer + manifest, and an index over two platforms) for tests. */
public final class TestImages {
  /** What was pushed: the digest to sign (the index) and the per-platform manifest digests. */
  public record Pushed(String digest, String mediaType, String amd64, String arm64) {}

  private TestImages() {}

  /** Pushes a two-platform OCI index under {@code tag} and returns its digest and the platform digests. */
  public static Pushed pushIndex(RegistryClient client, String tag, String seed) throws IOException {
    String amd64 = pushManifest(client, "amd64", seed);
    String arm64 = pushManifest(client, "arm64", seed);
    byte[] a = client.getManifest(amd64).bytes();
    byte[] b = client.getManifest(arm64).bytes();
    String index = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":["
        + entry(amd64, a.length, "amd64") + "," + entry(arm64, b.length, "arm64") + "]}";
    String digest = client.putManifest(tag, MediaTypes.OCI_INDEX, index.getBytes(StandardCharsets.UTF_8));
    return new Pushed(digest, MediaTypes.OCI_INDEX, amd64, arm64);
  }

  private static String entry(String digest, int size, String arch) {
    return "{\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"digest\":\"" + digest + "\",\"size\":" + size
        + ",\"platform\":{\"os\":\"linux\",\"architecture\":\"" + arch + "\"}}";
  }

  /** Pushes a single-platform OCI image manifest (by digest, untagged) and returns its digest. */
  public static String pushManifest(RegistryClient client, String arch, String seed) throws IOException {
    byte[] layer = ("layer of " + seed + " for " + arch).getBytes(StandardCharsets.UTF_8);
    String layerDigest = Digests.sha256(layer);
    byte[] config = ("{\"architecture\":\"" + arch + "\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":"
        + "\"layers\",\"diff_ids\":[\"" + layerDigest + "\"]}}").getBytes(StandardCharsets.UTF_8);
    String configDigest = Digests.sha256(config);
    client.pushBlob(configDigest, config);
    client.pushBlob(layerDigest, layer);
    byte[] manifest = ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\",\"config\":{"
        + "\"mediaType\":\"" + MediaTypes.OCI_CONFIG + "\",\"digest\":\"" + configDigest + "\",\"size\":"
        + config.length + "},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\""
        + layerDigest + "\",\"size\":" + layer.length + "}]}").getBytes(StandardCharsets.UTF_8);
    return client.putManifest(Digests.sha256(manifest), MediaTypes.OCI_MANIFEST, manifest);
  }
}
