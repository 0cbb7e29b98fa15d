package dev.slipway.image.sbom;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Json;
import dev.slipway.common.registry.Digests;
import dev.slipway.common.registry.MediaTypes;
import dev.slipway.common.registry.RegistryClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Builds real multi-platform OCI images in memory for tests (gzip tar layers, configs, manifests, an index) and
 * writes them as an OCI image layout or pushes them to a registry.
 */
public final class TestImage {
  /** One layer: a tar of files, symlinks and whiteouts, gzip-compressed. */
  public static final class Layer {
    private final ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    public Layer() {
      tar = new TarArchiveOutputStream(tarBytes);
      tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    }

    public Layer file(String path, String content) throws IOException {
      return file(path, content.getBytes(StandardCharsets.UTF_8));
    }

    public Layer file(String path, byte[] content) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(path);
      e.setSize(content.length);
      tar.putArchiveEntry(e);
      tar.write(content);
      tar.closeArchiveEntry();
      return this;
    }

    public Layer symlink(String path, String target) throws IOException {
      TarArchiveEntry e = new TarArchiveEntry(path, TarArchiveEntry.LF_SYMLINK);
      e.setLinkName(target);
      tar.putArchiveEntry(e);
      tar.closeArchiveEntry();
      return this;
    }

    /** Deletes {@code path} of the layers below ({@code dir/.wh.name}). */
    public Layer whiteout(String path) throws IOException {
      int slash = path.lastIndexOf('/');
      return file(path.substring(0, slash + 1) + ".wh." + path.substring(slash + 1), new byte[0]);
    }

    /** Hides everything the layers below have in {@code dir}. */
    public Layer opaque(String dir) throws IOException {
      return file(dir + "/.wh..wh..opq", new byte[0]);
    }

    byte[] gzip() throws IOException {
      tar.finish();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
        gz.write(tarBytes.toByteArray());
      }
      return out.toByteArray();
    }
  }

  private record PlatformImage(String os, String arch, ObjectNode config, List<byte[]> layers) {}

  private final List<PlatformImage> platforms = new ArrayList<>();
  private final Map<String, byte[]> blobs = new LinkedHashMap<>();
  private final List<String[]> manifests = new ArrayList<>();
  private byte[] index;

  /** Adds a platform whose image config's {@code config} section is {@code runtimeConfig} (may be null). */
  public TestImage platform(String os, String arch, ObjectNode runtimeConfig, Layer... layers) throws IOException {
    List<byte[]> gz = new ArrayList<>();
    for (Layer l : layers) {
      gz.add(l.gzip());
    }
    ObjectNode config = Json.mapper().createObjectNode();
    config.put("architecture", arch);
    config.put("os", os);
    config.set("config", runtimeConfig == null ? Json.mapper().createObjectNode() : runtimeConfig);
    platforms.add(new PlatformImage(os, arch, config, gz));
    return this;
  }

  /** Assembles blobs, manifests and the index; returns the index digest. */
  public String build() throws IOException {
    ArrayNode entries = Json.mapper().createArrayNode();
    for (PlatformImage p : platforms) {
      ObjectNode manifest = Json.mapper().createObjectNode();
      manifest.put("schemaVersion", 2);
      manifest.put("mediaType", MediaTypes.OCI_MANIFEST);
      ArrayNode layerDescs = manifest.putArray("layers");
      ArrayNode diffIds = p.config().putObject("rootfs").put("type", "layers").putArray("diff_ids");
      for (byte[] layer : p.layers()) {
        String d = put(layer);
        layerDescs.addObject().put("mediaType", "application/vnd.oci.image.layer.v1.tar+gzip")
            .put("digest", d).put("size", layer.length);
        diffIds.add(d);
      }
      byte[] config = compact(p.config());
      manifest.putObject("config").put("mediaType", MediaTypes.OCI_CONFIG).put("digest", put(config))
          .put("size", config.length);
      byte[] m = compact(manifest);
      String md = put(m);
      manifests.add(new String[] {md});
      entries.addObject().put("mediaType", MediaTypes.OCI_MANIFEST).put("digest", md).put("size", m.length)
          .putObject("platform").put("os", p.os()).put("architecture", p.arch());
    }
    ObjectNode idx = Json.mapper().createObjectNode();
    idx.put("schemaVersion", 2);
    idx.put("mediaType", MediaTypes.OCI_INDEX);
    idx.set("manifests", entries);
    index = compact(idx);
    return Digests.sha256(index);
  }

  /** Writes an OCI layout whose index.json is the image index itself (as image:build writes it). */
  public String writeLayout(Path dir) throws IOException {
    String digest = index == null ? build() : Digests.sha256(index);
    Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    Files.write(dir.resolve("index.json"), index);
    for (Map.Entry<String, byte[]> b : blobs.entrySet()) {
      Files.write(dir.resolve("blobs/sha256").resolve(Digests.hex(b.getKey())), b.getValue());
    }
    return digest;
  }

  /** Pushes blobs, manifests and the index (tagged {@code tag}); returns the index digest. */
  public String push(RegistryClient client, String tag) throws IOException {
    if (index == null) {
      build();
    }
    for (Map.Entry<String, byte[]> b : blobs.entrySet()) {
      boolean isManifest = manifests.stream().anyMatch(m -> m[0].equals(b.getKey()));
      if (isManifest) {
        client.putManifest(b.getKey(), MediaTypes.OCI_MANIFEST, b.getValue());
      } else {
        client.pushBlob(b.getKey(), b.getValue());
      }
    }
    return client.putManifest(tag, MediaTypes.OCI_INDEX, index);
  }

  private String put(byte[] bytes) {
    String d = Digests.sha256(bytes);
    blobs.put(d, bytes);
    return d;
  }

  private static byte[] compact(Object node) throws IOException {
    return Json.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
        .writeValueAsBytes(node);
  }
}
