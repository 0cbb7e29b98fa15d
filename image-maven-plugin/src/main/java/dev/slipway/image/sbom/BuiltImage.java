package dev.slipway.image.sbom;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import dev.slipway.image.registry.Digests;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code image:build} recorded in {@code target/slipway/image.json}: the image's repository, tags, digest
 * (index or manifest), per-platform digests, the OCI layout it wrote and whether it was pushed. The later goals
 * (sbom, check, scan, sign) read the image through this file, never through in-memory state.
 */
public record BuiltImage(int schemaVersion, String reference, String repository, List<String> tags, String digest,
    String mediaType, List<PlatformDigest> platforms, String layout, boolean pushed, BaseImage baseImage) {

  public BuiltImage {
    tags = tags == null ? List.of() : List.copyOf(tags);
    platforms = platforms == null ? List.of() : List.copyOf(platforms);
  }

  public record PlatformDigest(String os, String architecture, String variant, String digest) {}

  public record BaseImage(String reference, String digest) {}

  public static BuiltImage read(Path file) throws InvalidInputException {
    BuiltImage image = Json.readFile(file, BuiltImage.class,
        "image:build's image.json (schemaVersion 1: repository, digest, platforms, layout, pushed)");
    if (image.repository() == null || image.repository().isBlank()) {
      throw new InvalidInputException(file + ": /repository is missing (expected e.g. \"127.0.0.1:5000/app\")");
    }
    if (!Digests.isSha256(image.digest())) {
      throw new InvalidInputException(file + ": /digest = '" + image.digest() + "' is not a sha256 digest "
          + "(expected sha256:<64 hex>)");
    }
    if (image.schemaVersion() != 1) {
      throw new InvalidInputException(file + ": /schemaVersion = " + image.schemaVersion()
          + " is not supported (expected 1; rebuild with the same Slipway version)");
    }
    return image;
  }
}
