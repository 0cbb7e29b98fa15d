package dev.slipway.image.mojo;

import dev.slipway.common.mojo.MavenCredentials;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.common.registry.RegistryCredentials;
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
  private final String imageJson;
  private final List<String> insecureRegistries;
  private final String username;
  private final String password;
  private final Settings settings;
  private final SettingsDecrypter decrypter;
  private final Redactor redactor;
  private final Log log;
  private RegistryClient client;

  BuiltImageAccess(BuiltImage image, String imageJson, List<String> insecureRegistries, String username,
      String password, Settings settings, SettingsDecrypter decrypter, Redactor redactor, Log log) {
    this.image = image;
    this.imageJson = imageJson;
    this.insecureRegistries = insecureRegistries;
    this.username = username;
    this.password = password;
    this.settings = settings;
    this.decrypter = decrypter;
    this.redactor = redactor;
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
      boolean insecure = insecureRegistries != null && insecureRegistries.stream().map(String::strip)
          .anyMatch(r -> r.equals(ref.registry()));
      RegistryCredentials credentials = MavenCredentials.resolve(ref.registry(), username, password, settings,
          decrypter, System.getenv(), redactor);
      client = ref.client(credentials, insecure, log);
    }
    return client;
  }
}
