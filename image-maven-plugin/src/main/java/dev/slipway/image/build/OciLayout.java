package dev.slipway.image.build;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.AtomicFiles;
import dev.slipway.common.InvalidInputException;
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

  /**
   * The file that marks a directory as a layout image:build wrote. It is written before anything else, so a build
   * that stopped half-way leaves a directory the next build may still clear.
   */
  static final String MARKER = ".slipway-layout";
  private static final java.util.Set<String> OWN_ENTRIES = java.util.Set.of("oci-layout", "index.json", "blobs", MARKER);

  /**
   * Starts an empty layout in {@code dir}. A directory that is missing or empty is used as it is; one that holds an
   * earlier layout of image:build (its marker, and nothing but layout files) is cleared; anything else is refused,
   * naming {@code parameter} and the directory, and nothing in it is touched: a mistyped {@code -Dimage.layout=.}
   * must never delete a project.
   */
  public static OciLayout create(Path dir, String parameter) throws IOException, InvalidInputException {
    if (Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      if (!Files.isDirectory(dir)) {
        throw new InvalidInputException(parameter + " = " + dir + " is a file, not a directory: the OCI layout needs "
            + "a directory of its own (a new or empty one)");
      }
      List<String> names;
      try (var list = Files.list(dir)) {
        names = list.map(p -> p.getFileName().toString()).sorted().toList();
      }
      if (!names.isEmpty()) {
        refuseUnlessOurs(dir, names, parameter);
        clear(dir, names);
      }
    }
    Files.createDirectories(dir.resolve("blobs/sha256"));
    AtomicFiles.write(dir.resolve(MARKER), ("{\"writtenBy\":\"dev.slipway:image-maven-plugin\"}\n")
        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return new OciLayout(dir);
  }

  private static void refuseUnlessOurs(Path dir, List<String> names, String parameter) throws IOException,
      InvalidInputException {
    String refusal = parameter + " = " + dir + " is not empty and is not an OCI layout that image:build wrote";
    String advice = ": nothing in it was changed. Point " + parameter + " at a new or empty directory (or remove this "
        + "one yourself if it is a layout you no longer need)";
    if (!names.contains(MARKER)) {
      boolean foreignLayout = names.contains("oci-layout") || names.contains("index.json");
      throw new InvalidInputException(refusal + (foreignLayout ? " (it is an OCI layout written by another tool)"
          : " (it holds " + preview(names) + ")") + advice);
    }
    List<String> strangers = new ArrayList<>();
    for (String n : names) {
      if (!OWN_ENTRIES.contains(n) && !isOwnTemp(n)) {
        strangers.add(n);
      }
    }
    Path blobs = dir.resolve("blobs");
    if (Files.isDirectory(blobs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try (var list = Files.list(blobs)) {
        list.map(p -> "blobs/" + p.getFileName()).filter(n -> !n.equals("blobs/sha256")).forEach(strangers::add);
      }
      Path sha = blobs.resolve("sha256");
      if (Files.isDirectory(sha, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        try (var list = Files.list(sha)) {
          list.filter(p -> !p.getFileName().toString().matches("[0-9a-f]{64}") && !isOwnTemp(p.getFileName().toString())
                  || !Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS))
              .map(p -> "blobs/sha256/" + p.getFileName()).forEach(strangers::add);
        }
      }
    } else if (Files.exists(blobs, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      strangers.add("blobs");
    }
    if (!strangers.isEmpty()) {
      throw new InvalidInputException(refusal + " alone (it also holds " + preview(strangers) + ")" + advice);
    }
  }

  private static boolean isOwnTemp(String name) {
    // OciLayout's own blob copies and AtomicFiles' temporaries: ".<name><random>.tmp"
    return name.startsWith(".") && name.endsWith(".tmp");
  }

  private static String preview(List<String> names) {
    return names.size() <= 5 ? String.join(", ", names)
        : String.join(", ", names.subList(0, 5)) + " and " + (names.size() - 5) + " more";
  }

  /** Removes the layout's own entries (checked by {@link #refuseUnlessOurs}), the marker last. */
  private static void clear(Path dir, List<String> names) throws IOException {
    for (String n : names) {
      if (n.equals(MARKER)) {
        continue;
      }
      Path p = dir.resolve(n);
      if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
        try (var walk = Files.walk(p)) {
          for (Path q : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
            Files.delete(q);
          }
        }
      } else {
        Files.delete(p);
      }
    }
    Files.deleteIfExists(dir.resolve(MARKER));
  }

  /** Removes this layout and its directory (for the staging layout of a push-only build). */
  public void delete() throws IOException {
    if (Files.isDirectory(dir)) {
      List<String> names;
      try (var list = Files.list(dir)) {
        names = list.map(p -> p.getFileName().toString()).toList();
      }
      clear(dir, names);
      Files.delete(dir);
    }
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
            // one pass: the digest is taken while the bytes are copied, not by reading the copy again
            java.security.MessageDigest sha;
            try {
              sha = java.security.MessageDigest.getInstance("SHA-256");
            } catch (java.security.NoSuchAlgorithmException impossible) {
              throw new IllegalStateException(impossible);
            }
            try (var out = Files.newOutputStream(tmp)) {
              byte[] buffer = new byte[1 << 16];
              for (int n; (n = tar.read(buffer)) > 0; ) {
                sha.update(buffer, 0, n);
                out.write(buffer, 0, n);
              }
            }
            String actual = "sha256:" + java.util.HexFormat.of().formatHex(sha.digest());
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

  /**
   * Adds the image of {@code from} for another platform without building it again: with no base image the
   * platforms differ only in the {@code architecture} and {@code os} of the image configuration, so the configuration
   * is copied with those two changed and a manifest written for it over the very same layers.
   */
  public Entry addForPlatform(Entry from, String os, String architecture) throws IOException {
    ObjectNode manifest = (ObjectNode) Json.mapper().readTree(blob(from.digest()).toFile());
    ObjectNode config = (ObjectNode) Json.mapper().readTree(
        blob(manifest.path("config").path("digest").asText()).toFile());
    if (config.hasNonNull("variant") || config.hasNonNull("os.version")) {
      throw new IOException("cannot derive a platform from an image configuration with a variant or os.version");
    }
    config.put("architecture", architecture);
    config.put("os", os);
    byte[] configBytes = compact(config);
    String configDigest = Digests.sha256(configBytes);
    AtomicFiles.write(blob(configDigest), configBytes);
    ObjectNode descriptor = (ObjectNode) manifest.path("config");
    descriptor.put("digest", configDigest);
    descriptor.put("size", configBytes.length);
    byte[] manifestBytes = compact(manifest);
    String manifestDigest = Digests.sha256(manifestBytes);
    AtomicFiles.write(blob(manifestDigest), manifestBytes);
    Entry entry = new Entry(os, architecture, manifestDigest, manifestBytes.length);
    entries.add(entry);
    return entry;
  }

  private static byte[] compact(JsonNode node) throws IOException {
    return Json.mapper().writer().without(com.fasterxml.jackson.databind.SerializationFeature.INDENT_OUTPUT)
        .writeValueAsBytes(node);
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
