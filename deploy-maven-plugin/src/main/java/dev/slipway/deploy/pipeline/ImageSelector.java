package dev.slipway.deploy.pipeline;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.image.BuiltImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decides which image to deploy, always pinned to a digest: {@code deploy.image} when given (a tag is resolved to
 * its digest at the registry first), otherwise {@code repository@digest} from the {@code image.json} that
 * {@code image:build} wrote, so the deployment runs exactly what was built.
 */
public final class ImageSelector {
  private final RegistryDigestResolver resolver;
  private final Log log;

  public ImageSelector(RegistryDigestResolver resolver, Log log) {
    this.resolver = resolver;
    this.log = log;
  }

  public String select(String image, Path imageJson) throws InvalidInputException, IOException, InterruptedException {
    if (image != null && !image.isBlank()) {
      ImageReference ref = ImageReference.parse(image, "deploy.image");
      if (ref.digest() != null) {
        return ref.pinned();
      }
      String digest = resolver.digestOf(ref);
      log.info("IMAGE resolved " + ref.name() + ":" + ref.tag() + " to " + digest);
      return new ImageReference(ref.registry(), ref.repository(), null, digest).pinned();
    }
    if (!Files.exists(imageJson)) {
      throw new InvalidInputException(imageJson + ": file not found; run image:build first (it writes this file) "
          + "or set deploy.image to the image to deploy");
    }
    // the shared schema: version check, required members, and file:line:column for a malformed or mistyped file
    BuiltImage built = BuiltImage.read(imageJson);
    String repository = built.repository().strip();
    String digest = built.digest();
    if (repository.isEmpty()) {
      throw new InvalidInputException(imageJson + " at /repository: missing; expected the image's registry/repository");
    }
    if (!ImageReference.isDigest(digest)) {
      throw new InvalidInputException(imageJson + " at /digest: '" + digest + "' is not sha256:<64 hex>");
    }
    if (!built.pushed()) {
      throw new InvalidInputException(imageJson + " at /pushed: false: the image was only written to an OCI layout, "
          + "ECS cannot pull it. Build with push enabled or set deploy.image");
    }
    String pinned = ImageReference.parse(repository + "@" + digest, imageJson + " /repository").pinned();
    log.info("IMAGE " + pinned + " from " + imageJson);
    return pinned;
  }
}
