package dev.slipway.image.sbom;

import java.time.Instant;
import java.util.List;

/**
 * Everything an SBOM of one image states, before it is written in a format.
 *
 * @param repository {@code registry/repository} of the image
 * @param application the Maven application, or null for an image without one
 * @param timestamp the SBOM's creation time (the build's output timestamp, for reproducible output)
 */
public record SbomContent(String repository, List<String> tags, ResolvedImage image, List<PlatformContent> platforms,
    Application application, Instant timestamp, String toolVersion) {

  public SbomContent {
    tags = tags == null ? List.of() : List.copyOf(tags);
    platforms = List.copyOf(platforms);
  }

  /** What one platform's layers hold. */
  public record PlatformContent(ResolvedImage.Platform platform, OsRelease os, List<OsPackage> packages) {
    public PlatformContent {
      packages = List.copyOf(packages);
    }
  }
}
