package dev.slipway.image.mojo;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.common.registry.RegistryAccess;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.common.registry.RegistryCredentials;
import dev.slipway.image.sbom.ImageSource;
import dev.slipway.image.sbom.OciLayoutSource;
import dev.slipway.image.sbom.RegistrySource;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How the goals after image:build reach the image recorded in image.json: its OCI layout when one was written and
 * is still there, else the registry it was pushed to (credentials as image:build finds them).
 */
final class BuiltImageAccess {
  /** The registry login, looked up only when the registry is needed. */
  @FunctionalInterface
  interface Credentials {
    RegistryCredentials forRegistry(String registry) throws InvalidInputException;
  }

  private final BuiltImage image;
  private final String imageJson;
  private final RegistryAccess access;
  private final Credentials credentials;
  private final Log log;
  private RegistryClient client;

  BuiltImageAccess(BuiltImage image, String imageJson, RegistryAccess access, Credentials credentials, Log log) {
    this.image = image;
    this.imageJson = imageJson;
    this.access = access;
    this.credentials = credentials;
    this.log = log;
  }

  ImageSource source() throws InvalidInputException {
    if (image.layout() != null && Files.isDirectory(Path.of(image.layout()))) {
      return new OciLayoutSource(Path.of(image.layout()));
    }
    if (!image.pushed()) {
      throw new InvalidInputException("the image in image.json was neither pushed nor is its OCI layout at '"
          + image.layout() + "' still there: run image:build again in the same build");
    }
    return new RegistrySource(client());
  }

  /** The registry client, with credentials resolved on first use (the layout path needs none). */
  RegistryClient client() throws InvalidInputException {
    if (client == null) {
      ImageRef ref = ImageRef.parse(image.repository(), imageJson + " /repository");
      client = ref.client(credentials.forRegistry(ref.registry()), access, log);
    }
    return client;
  }
}
