package dev.slipway.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;

/**
 * Writes an OCI image layout (image-spec 1.1: {@code oci-layout}, {@code index.json}, {@code blobs/sha256/}) holding
 * one image index with one image per platform, for skopeo to copy to a registry. The kit's own base images are made
 * this way from root-filesystem tarballs: the same bytes give the same digests, and a layout on disk can be cached.
 */
final class OciLayout {
  static final String INDEX = "application/vnd.oci.image.index.v1+json";
  static final String MANIFEST = "application/vnd.oci.image.manifest.v1+json";
  static final String CONFIG = "application/vnd.oci.image.config.v1+json";
  static final String LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path dir;

  /** A blob in the layout: its descriptor's digest and size. */
  record Blob(String digest, long size) {}

  /** A gzip layer blob and the digest of its uncompressed tar (the config's diff_id). */
  record Layer(Blob blob, String diffId) {}

  /** An image of one platform ({@code os/arch}), as its manifest blob. */
  record Image(String platform, Blob manifest) {}

  /** The parts of an image's config the kit sets; null fields are left out. */
  record Config(List<String> env, List<String> entrypoint, List<String> cmd, String user, String workingDir,
      Map<String, String> labels) {}

  OciLayout(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir.resolve("blobs/sha256"));
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
  }

  Path dir() {
    return dir;
  }

  /** Compresses a tarball into a layer blob (gzip's default level, as image tools use: sizes like real images'). */
  Layer addLayer(Path tar) throws IOException {
    Path tmp = Files.createTempFile(dir, "layer", ".tmp");
    MessageDigest uncompressed = sha256();
    MessageDigest compressed = sha256();
    try (InputStream in = new DigestInputStream(Files.newInputStream(tar), uncompressed);
        DigestOutputStream digestOut = new DigestOutputStream(Files.newOutputStream(tmp), compressed);
        OutputStream gzip = new GZIPOutputStream(digestOut, 1 << 16)) {
      in.transferTo(gzip);
    }
    String digest = "sha256:" + HexFormat.of().formatHex(compressed.digest());
    long size = Files.size(tmp);
    Files.move(tmp, blobPath(digest), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return new Layer(new Blob(digest, size), "sha256:" + HexFormat.of().formatHex(uncompressed.digest()));
  }

  /** Writes the config and manifest of one platform's image. */
  Image addImage(String platform, List<Layer> layers, Config config, String created, String createdBy)
      throws IOException {
    String[] osArch = platform.split("/");
    ObjectNode cfg = JSON.createObjectNode();
    cfg.put("created", created);
    cfg.put("architecture", osArch[1]);
    cfg.put("os", osArch[0]);
    ObjectNode c = cfg.putObject("config");
    if (config.user() != null) {
      c.put("User", config.user());
    }
    if (config.env() != null) {
      config.env().forEach(c.putArray("Env")::add);
    }
    if (config.entrypoint() != null) {
      config.entrypoint().forEach(c.putArray("Entrypoint")::add);
    }
    if (config.cmd() != null) {
      config.cmd().forEach(c.putArray("Cmd")::add);
    }
    if (config.workingDir() != null) {
      c.put("WorkingDir", config.workingDir());
    }
    if (config.labels() != null && !config.labels().isEmpty()) {
      ObjectNode labels = c.putObject("Labels");
      config.labels().forEach(labels::put);
    }
    ObjectNode rootfs = cfg.putObject("rootfs");
    rootfs.put("type", "layers");
    ArrayNode diffIds = rootfs.putArray("diff_ids");
    layers.forEach(l -> diffIds.add(l.diffId()));
    ArrayNode history = cfg.putArray("history");
    for (int i = 0; i < layers.size(); i++) {
      history.addObject().put("created", created).put("created_by", createdBy);
    }
    Blob configBlob = addJson(cfg);

    ObjectNode manifest = JSON.createObjectNode();
    manifest.put("schemaVersion", 2);
    manifest.put("mediaType", MANIFEST);
    descriptor(manifest.putObject("config"), CONFIG, configBlob);
    ArrayNode layerArray = manifest.putArray("layers");
    layers.forEach(l -> descriptor(layerArray.addObject(), LAYER_GZIP, l.blob()));
    return new Image(platform, addJson(manifest));
  }

  /** Writes the index of {@code images} and names it {@code tag} in index.json; returns the index blob. */
  Blob writeIndex(List<Image> images, String tag) throws IOException {
    ObjectNode index = JSON.createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", INDEX);
    ArrayNode manifests = index.putArray("manifests");
    for (Image image : images) {
      ObjectNode d = manifests.addObject();
      descriptor(d, MANIFEST, image.manifest());
      String[] osArch = image.platform().split("/");
      d.putObject("platform").put("architecture", osArch[1]).put("os", osArch[0]);
    }
    Blob blob = addJson(index);

    ObjectNode top = JSON.createObjectNode();
    top.put("schemaVersion", 2);
    top.put("mediaType", INDEX);
    ObjectNode d = top.putArray("manifests").addObject();
    descriptor(d, INDEX, blob);
    d.putObject("annotations").put("org.opencontainers.image.ref.name", tag);
    Path tmp = Files.createTempFile(dir, "index", ".tmp");
    Files.write(tmp, JSON.writeValueAsBytes(top));
    Files.move(tmp, dir.resolve("index.json"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    return blob;
  }

  private Blob addJson(Object tree) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(tree);
    String digest = "sha256:" + HexFormat.of().formatHex(sha256().digest(bytes));
    Files.write(blobPath(digest), bytes);
    return new Blob(digest, bytes.length);
  }

  private Path blobPath(String digest) {
    return dir.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
  }

  private static void descriptor(ObjectNode d, String mediaType, Blob blob) {
    d.put("mediaType", mediaType);
    d.put("digest", blob.digest());
    d.put("size", blob.size());
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
