package dev.slipway.common.image;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The hand-over file {@code target/slipway/image.json} that {@code image:build} writes and later goals and later CI
 * jobs read ({@code image:sbom}, {@code image:sign}, {@code deploy:ecs}), so they work on exactly the digest that was
 * built. Schema version 1; documented in the image plugin's site ("image.json").
 *
 * @param reference {@code repository@digest} of what was built (the pushed index when pushed)
 * @param repository {@code registry/repository} (of {@code image.to}, or the layout's name when not pushed)
 * @param tags the tags pushed (or that would have been pushed)
 * @param digest the index digest
 * @param mediaType the index media type
 * @param platforms one entry per platform manifest
 * @param layout absolute path of the OCI image layout, when one was written
 * @param pushed whether the image is in the registry
 * @param baseImage the base image and, when it came from a registry, its digest
 * @param created the image creation time (ISO-8601)
 */
public record BuiltImage(
    int schemaVersion,
    String reference,
    String repository,
    List<String> tags,
    String digest,
    String mediaType,
    List<Platform> platforms,
    String layout,
    boolean pushed,
    Base baseImage,
    String created) {

  public static final int SCHEMA_VERSION = 1;

  /** One platform's manifest in the index. */
  public record Platform(String os, String architecture, String digest, long size) {
    public String name() {
      return os + "/" + architecture;
    }
  }

  /** The base image: its reference as configured, and the digest it resolved to (absent for scratch). */
  public record Base(String reference, String digest) {}

  public BuiltImage {
    tags = tags == null ? List.of() : List.copyOf(tags);
    platforms = platforms == null ? List.of() : List.copyOf(platforms);
  }

  public void write(Path file) throws IOException {
    Json.writeFile(file, this);
  }

  public static BuiltImage read(Path file) throws InvalidInputException {
    BuiltImage image = Json.readFile(file, BuiltImage.class, "an image.json written by image:build");
    if (image.schemaVersion() != SCHEMA_VERSION) {
      throw new InvalidInputException(file + ": /schemaVersion is " + image.schemaVersion()
          + ", this Slipway reads version " + SCHEMA_VERSION + " (rebuild with image:build)");
    }
    if (image.digest() == null || image.repository() == null) {
      throw new InvalidInputException(file + ": /digest and /repository are required (rebuild with image:build)");
    }
    return image;
  }
}
