package dev.slipway.image.scan;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Json;
import dev.slipway.common.registry.Digests;
import dev.slipway.common.registry.MediaTypes;
import dev.slipway.image.sbom.ImageSource;
import dev.slipway.image.sbom.OciLayoutSource;
import dev.slipway.image.sbom.ResolvedImage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * One platform of an image as an OCI layout of its own, for Trivy. Trivy's {@code --input DIR@sha256:<digest>}
 * looks the digest up among the manifests {@code index.json} lists directly and follows a nested index only to its
 * first manifest, while image:build's layout lists one descriptor of the image index (the shape skopeo and
 * containerd write). So each platform gets a small layout whose {@code index.json} lists just that platform's
 * manifest; its blobs are hard links to the build's layout (copies across file systems; downloads when the image is
 * only in a registry).
 */
public final class PlatformLayout {
  private PlatformLayout() {}

  /** Writes the layout of {@code platform} into {@code dir} (emptied first). */
  public static void write(ImageSource source, ResolvedImage.Platform platform, Path dir) throws IOException {
    delete(dir);
    Path blobs = Files.createDirectories(dir.resolve("blobs/sha256"));
    ImageSource.Manifest manifest = source.manifest(platform.manifestDigest());
    Files.write(blobs.resolve(Digests.hex(manifest.digest())), manifest.bytes());
    blob(source, platform.configDigest(), blobs);
    for (ResolvedImage.Layer layer : platform.layers()) {
      blob(source, layer.digest(), blobs);
    }
    Files.writeString(dir.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
    ObjectNode index = Json.mapper().createObjectNode();
    index.put("schemaVersion", 2);
    index.put("mediaType", MediaTypes.OCI_INDEX);
    ObjectNode desc = index.putArray("manifests").addObject();
    desc.put("mediaType", manifest.mediaType());
    desc.put("digest", manifest.digest());
    desc.put("size", manifest.bytes().length);
    ObjectNode p = desc.putObject("platform").put("os", platform.os()).put("architecture", platform.architecture());
    if (platform.variant() != null && !platform.variant().isEmpty()) {
      p.put("variant", platform.variant());
    }
    desc.putObject("annotations").put("org.opencontainers.image.ref.name", platform.id().replace('/', '-'));
    Files.write(dir.resolve("index.json"), Json.mapper().writeValueAsBytes(index));
  }

  private static void blob(ImageSource source, String digest, Path blobs) throws IOException {
    Path target = blobs.resolve(Digests.hex(digest));
    if (Files.exists(target)) {
      return;
    }
    if (source instanceof OciLayoutSource layout && Files.isRegularFile(layout.blobPath(digest))) {
      try {
        Files.createLink(target, layout.blobPath(digest));
        return;
      } catch (FileAlreadyExistsException e) {
        return;
      } catch (IOException | UnsupportedOperationException e) {
        Files.copy(layout.blobPath(digest), target, StandardCopyOption.REPLACE_EXISTING);
        return;
      }
    }
    try (InputStream in = source.openBlob(digest)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /** Removes {@code dir} and everything in it (hard links only: the build's layout keeps its blobs). */
  public static void delete(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
