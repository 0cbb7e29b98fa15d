package dev.slipway.image.sbom;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;

/**
 * What {@link ImageSbom} needs: the image (its digest in a source), how to name it, the application inside, and
 * where and how to write.
 *
 * @param baseName file name stem, e.g. {@code hello-service-1.0} gives {@code hello-service-1.0.cdx.json}
 * @param application reads the Maven application (null: the image has none); called while the layers stream
 * @param timestamp SBOM creation time (from {@code project.build.outputTimestamp} for reproducible files)
 */
public record SbomConfig(String digest, String repository, List<String> tags, ApplicationSource application,
    Instant timestamp, Set<SbomFormat> formats, Path outputDirectory, String baseName, String toolVersion) {

  /** Reads the application in the image; runs on the calling thread while layers are read in the background. */
  @FunctionalInterface
  public interface ApplicationSource {
    Application read() throws IOException;
  }

  public SbomConfig {
    tags = tags == null ? List.of() : List.copyOf(tags);
    formats = Set.copyOf(formats);
  }
}
