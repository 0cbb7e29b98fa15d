package dev.slipway.image.sbom;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What {@link ImageSbom} needs: the image (its digest in a source), how to name it, the application inside, and
 * where and how to write.
 *
 * @param baseName file name stem, e.g. {@code hello-service-1.0} gives {@code hello-service-1.0.cdx.json}
 * @param timestamp SBOM creation time (from {@code project.build.outputTimestamp} for reproducible files)
 */
public record SbomConfig(String digest, String repository, List<String> tags, Application application,
    Instant timestamp, Set<SbomFormat> formats, Path outputDirectory, String baseName, String toolVersion) {

  public SbomConfig {
    tags = tags == null ? List.of() : List.copyOf(tags);
    formats = Set.copyOf(formats);
  }
}
