package dev.slipway.image.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.AtomicFiles;
import dev.slipway.common.Json;
import dev.slipway.common.registry.Digests;
import dev.slipway.common.registry.MediaTypes;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A multi-platform OCI image layout on disk ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/}). jib-core
 * writes one platform per tarball, so the layout is assembled here from per-platform OCI tarballs: blobs are merged
 * (shared layers stored once) and an OCI image index lists one manifest per platform with its {@code platform}.
 *
 * <p>That image index is itself a blob, and {@code index.json} holds a single descriptor of it, named with
 * {@code org.opencontainers.image.ref.name}: the shape skopeo and containerd write for a multi-platform image, and
 * the one {@code skopeo copy --all oci:DIR docker://…} needs (with several top-level entries and no name it refuses
 * to choose). The image's digest is the index blob's digest, the same bytes that are pushed to a registry.
 */
public final class OciLayout {
  /** A platform manifest in the layout. */
  public record Entry(String os, String architecture, String digest, long size) {}

  private final Path dir;
  private final List<Entry> entries = new ArrayList<>();

  private OciLayout(Path dir) {
    this.dir = dir;
  }

  /** Starts an empty layout in {@code dir}, removing whatever an earlier build left there. */
  public static OciLayout create(Path dir) throws IOException {
    if (Files.exists(dir)) {
      try (var walk = Files.walk(dir)) {
        for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(p);
        }
      }
    }
    Files.createDirectories(dir.resolve("blobs/sha256"));
    return new OciLayout(dir);
  }

  public Path dir() {
    return dir;
  }

  public List<Entry> entries() {
    return List.copyOf(entries);
  }

  public Path blob(String digest) {
    return dir.resolve("blobs/sha256").resolve(Digests.hex(digest));
  }

  /**
   * Adds the single image of a jib OCI tarball as the manifest for {@code os/architecture}. Every blob's content is
   * checked against its digest while it is copied.
   */
  public Entry addTarball(Path tarball, String os, String architecture) throws IOException {
    Map<String, byte[]> small = new HashMap<>();
    try (InputStream raw = Files.newInputStream(tarball);
        TarArchiveInputStream tar = new TarArchiveInputStream(raw)) {
      TarArchiveEntry e;
      while ((e = tar.getNextEntry()) != null) {
        if (e.isDirectory()) {
          continue;
        }
        String name = e.getName();
        if (name.equals("index.json")) {
          small.put(name, tar.readAllBytes());
        } else if (name.startsWith("blobs/sha256/")) {
          String digest = "sha256:" + name.substring("blobs/sha256/".length());
          Path target = blob(digest);
          if (Files.exists(target)) {
            continue;
          }
          Path tmp = Files.createTempFile(dir, ".blob", ".tmp");
          try {
            Files.copy(tar, tmp, StandardCopyOption.REPLACE_EXISTING);
            String actual = Digests.sha256(tmp);
            if (!actual.equals(digest)) {
              throw new IOException(tarball + ": blob " + name + " has digest " + actual);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
          } finally {
            Files.deleteIfExists(tmp);
          }
        }
      }
    }
    byte[] index = small.get("index.json");
    if (index == null) {
      throw new IOException(tarball + " is not an OCI image tarball (no index.json)");
    }
    JsonNode manifests = Json.mapper().readTree(index).path("manifests");
    if (manifests.size() != 1) {
      throw new IOException(tarball + ": expected one manifest, found " + manifests.size());
    }
    JsonNode m = manifests.get(0);
    Entry entry = new Entry(os, architecture, m.path("digest").asText(), m.path("size").asLong());
    if (!Files.exists(blob(entry.digest()))) {
      throw new IOException(tarball + ": manifest blob " + entry.digest() + " is missing");
    }
    entries.add(entry);
    return entry;
  }

  /** The bytes of {@code index.json}: an OCI image index, one manifest per platform. Its sha256 is the image digest. */
  public byte[] indexBytes() throws IOException {
    ObjectNode index = Json.mapper().createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    ArrayNode manifests = index.putArray("manifests");
    for (Entry e : entries) {
      ObjectNode d = manifests.addObject();
      d.put("mediaType", MediaTypes.OCI_MANIFEST);
      d.put("digest", e.digest());
      d.put("size", e.size());
      ObjectNode platform = d.putObject("platform");
      platform.put("architecture", e.architecture());
      platform.put("os", e.os());
    }
    // compact: these exact bytes are pushed as the index manifest, so the digest must not depend on indentation
    return Json.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
        .writeValueAsBytes(index);
  }

  /**
   * Stores the image index as a blob, writes {@code oci-layout} and {@code index.json} pointing at it under
   * {@code refName}, and returns the image index digest.
   */
  public String finish(String refName) throws IOException {
    byte[] index = indexBytes();
    String digest = Digests.sha256(index);
    AtomicFiles.write(blob(digest), index);
    ObjectNode top = Json.mapper().createObjectNode();
    top.put("schemaVersion", 2);
    top.put("mediaType", MediaTypes.OCI_INDEX);
    ObjectNode d = top.putArray("manifests").addObject();
    d.put("mediaType", MediaTypes.OCI_INDEX);
    d.put("digest", digest);
    d.put("size", index.length);
    d.putObject("annotations").put("org.opencontainers.image.ref.name", refName);
    AtomicFiles.write(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes());
    AtomicFiles.write(dir.resolve("index.json"), Json.mapper().writeValueAsBytes(top));
    return digest;
  }
}
