package dev.slipway.image.mojo;

import dev.slipway.common.Log;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.image.registry.RegistryClient;
import dev.slipway.image.registry.RegistryCredentials;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * Credentials for a registry: {@code image.username}/{@code image.password} when given, else the settings.xml
 * {@code <server>} whose id is the registry host ({@code 127.0.0.1:5000}, {@code ghcr.io}), decrypted.
 */
final class RegistryLogin {
  private RegistryLogin() {}

  static RegistryClient client(ImageRef ref, String username, String password, Settings settings,
      SettingsDecrypter decrypter, boolean insecure, Log log) {
    return RegistryClient.of(ref, credentials(ref.registry(), username, password, settings, decrypter), insecure,
        log);
  }

  static RegistryCredentials credentials(String registry, String username, String password, Settings settings,
      SettingsDecrypter decrypter) {
    if (username != null && !username.isBlank()) {
      return new RegistryCredentials(username, password, "image.username/image.password");
    }
    Server server = settings == null ? null : settings.getServer(registry);
    if (server == null) {
      return null;
    }
    if (decrypter != null) {
      SettingsDecryptionResult r = decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
      if (r.getServer() != null) {
        server = r.getServer();
      }
    }
    return new RegistryCredentials(server.getUsername(), server.getPassword(),
        "settings.xml server '" + registry + "'");
  }
}
