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

  /**
   * What one platform's layers hold.
   *
   * @param jvms JVM installations no OS package owns (tarball JDKs/JREs)
   * @param warnings package databases that could not be read (fully): the inventory of this platform is incomplete
   */
  public record PlatformContent(ResolvedImage.Platform platform, OsRelease os, List<OsPackage> packages,
      List<JvmRelease> jvms, List<String> warnings) {
    public PlatformContent {
      packages = List.copyOf(packages);
      jvms = jvms == null ? List.of() : List.copyOf(jvms);
      warnings = warnings == null ? List.of() : List.copyOf(warnings);
    }

    public PlatformContent(ResolvedImage.Platform platform, OsRelease os, List<OsPackage> packages) {
      this(platform, os, packages, List.of(), List.of());
    }
  }
}
