package dev.slipway.image.mojo;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.image.registry.RegistryClient;
import dev.slipway.image.registry.RegistryCredentials;
import dev.slipway.image.sbom.ImageSource;
import dev.slipway.image.sbom.OciLayoutSource;
import dev.slipway.image.sbom.RegistrySource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * How the goals after image:build reach the image recorded in image.json: its OCI layout when one was written and
 * is still there, else the registry it was pushed to (credentials as image:build finds them).
 */
final class BuiltImageAccess {
  private final BuiltImage image;
  private final ImageRef ref;
  private final RegistryCredentials credentials;
  private final boolean insecure;
  private final Log log;
  private RegistryClient client;

  BuiltImageAccess(BuiltImage image, String imageJson, List<String> insecureRegistries, String username,
      String password, Settings settings, SettingsDecrypter decrypter, Redactor redactor, Log log)
      throws InvalidInputException {
    this.image = image;
    this.ref = ImageRef.parse(image.repository(), imageJson + " /repository");
    this.insecure = insecureRegistries != null && insecureRegistries.stream().map(String::strip)
        .anyMatch(r -> r.equals(ref.registry()));
    this.credentials = MavenCredentials.resolve(ref.registry(), username, password, settings, decrypter,
        System.getenv(), redactor);
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

  RegistryClient client() {
    if (client == null) {
      client = RegistryClient.of(ref, credentials, insecure, log);
    }
    return client;
  }
}
