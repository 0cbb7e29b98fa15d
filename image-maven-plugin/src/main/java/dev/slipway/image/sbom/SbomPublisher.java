package dev.slipway.image.sbom;

import dev.slipway.image.registry.Referrers;
import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Attaches written SBOM files to the pushed image as OCI artifacts whose {@code subject} is the image digest
 * ({@code artifactType} = the SBOM's media type, e.g. {@code application/vnd.cyclonedx+json}), through
 * {@link Referrers} (which also maintains the {@code sha256-<hex>} referrers tag for registries without the
 * referrers API).
 */
public final class SbomPublisher {
  /** One attached artifact. */
  public record Attached(SbomFormat format, String artifactDigest) {}

  private final Referrers referrers;

  public SbomPublisher(Referrers referrers) {
    this.referrers = referrers;
  }

  public List<Attached> attach(String imageDigest, List<ImageSbom.Written> files, Instant created)
      throws IOException {
    Referrers.Subject subject = referrers.subject(imageDigest);
    List<Attached> out = new ArrayList<>();
    for (ImageSbom.Written w : files) {
      byte[] content = Files.readAllBytes(w.file());
      Referrers.Blob blob = new Referrers.Blob(w.format().mediaType(), content,
          Map.of("org.opencontainers.image.title", w.file().getFileName().toString()));
      String digest = referrers.attach(subject, w.format().mediaType(), List.of(blob),
          Map.of("org.opencontainers.image.created", created.toString()));
      out.add(new Attached(w.format(), digest));
    }
    return out;
  }
}
