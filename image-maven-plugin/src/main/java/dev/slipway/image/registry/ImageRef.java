package dev.slipway.image.registry;

import com.google.cloud.tools.jib.api.ImageReference;
import com.google.cloud.tools.jib.api.InvalidImageReferenceException;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.registry.RegistryAccess;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.common.registry.RegistryCredentials;

/**
 * A parsed image reference: {@code registry/repository[:tag][@digest]}, with Docker Hub's defaults filled in
 * ({@code docker.io}, {@code library/}). Parsing follows the distribution reference grammar (through jib-core).
 */
public record ImageRef(String registry, String repository, String tag, String digest) {

  /** Parses {@code value}; {@code parameter} names the setting it came from, for the error message. */
  public static ImageRef parse(String value, String parameter) throws InvalidInputException {
    if (value == null || value.isBlank()) {
      throw new InvalidInputException(parameter + " is empty: expected an image reference such as "
          + "registry.example.com/team/app:1.0 or 127.0.0.1:5000/app");
    }
    try {
      ImageReference ref = ImageReference.parse(value.strip());
      String tag = ref.getTag().orElse(null);
      String digest = ref.getDigest().orElse(null);
      return new ImageRef(ref.getRegistry(), ref.getRepository(), tag, digest);
    } catch (InvalidImageReferenceException e) {
      throw new InvalidInputException(parameter + " = '" + value + "' is not a valid image reference: expected "
          + "[registry[:port]/]repository[:tag][@sha256:<64 hex>], lowercase repository, e.g. "
          + "127.0.0.1:5000/hello-service:1.0");
    }
  }

  /** A registry client for this reference's repository. */
  public RegistryClient client(RegistryCredentials credentials, boolean insecure, Log log) {
    return new RegistryClient(registry, repository, credentials, insecure, log);
  }

  /** A registry client for this reference's repository, reaching the registry as {@code access} says. */
  public RegistryClient client(RegistryCredentials credentials, RegistryAccess access, Log log) {
    return access.client(registry, repository, credentials, log);
  }

  /** {@code registry/repository}, without tag or digest. */
  public String name() {
    return registry + "/" + repository;
  }

  /** The same repository at {@code newDigest}. */
  public ImageRef withDigest(String newDigest) {
    return new ImageRef(registry, repository, null, newDigest);
  }

  public ImageRef withTag(String newTag) {
    return new ImageRef(registry, repository, newTag, null);
  }

  /** What to ask the registry for: the digest if there is one, else the tag, else {@code latest}. */
  public String reference() {
    return digest != null ? digest : tag != null ? tag : "latest";
  }

  @Override
  public String toString() {
    return name() + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
  }
}
