package dev.slipway.common.mojo;

import dev.slipway.common.Redactor;
import dev.slipway.common.registry.RegistryCredentials;
import java.util.Map;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/**
 * Registry credentials the Maven way, in this order: explicit parameters, the environment
 * ({@code SLIPWAY_REGISTRY_USERNAME}/{@code SLIPWAY_REGISTRY_PASSWORD}), then a {@code settings.xml} server whose id
 * is the registry ({@code host[:port]}), its password decrypted with Maven's master password. Null when none applies;
 * the core then tries Docker's config and credential helpers. Every password found is added to the redactor.
 */
public final class MavenCredentials {
  private MavenCredentials() {}

  public static RegistryCredentials resolve(String registry, String username, String password, Settings settings,
      SettingsDecrypter decrypter, Map<String, String> env, Redactor redactor) {
    if (username != null && password != null) {
      redactor.add(password);
      return new RegistryCredentials(username, password, "the goal's username/password parameters");
    }
    if (username != null || password != null) {
      redactor.add(password);
      throw new IllegalArgumentException("registry " + registry + ": only the " + (username != null ? "user name"
          : "password") + " is set; give both the username and the password parameters, or neither (then "
          + "SLIPWAY_REGISTRY_USERNAME/PASSWORD, a settings.xml server with id '" + registry + "' or Docker's "
          + "credentials are used)");
    }
    String envUser = env.get("SLIPWAY_REGISTRY_USERNAME");
    String envPass = env.get("SLIPWAY_REGISTRY_PASSWORD");
    if (envUser != null && envPass != null) {
      redactor.add(envPass);
      return new RegistryCredentials(envUser, envPass, "SLIPWAY_REGISTRY_USERNAME/PASSWORD");
    }
    Server server = settings == null ? null : settings.getServer(registry);
    if (server == null && settings != null && registry.contains(":")) {
      server = settings.getServer(registry.substring(0, registry.lastIndexOf(':')));
    }
    if (server == null) {
      return null;
    }
    Server decrypted = decrypt(server, decrypter);
    if (decrypted.getUsername() == null || decrypted.getPassword() == null) {
      return null;
    }
    redactor.add(decrypted.getPassword());
    return new RegistryCredentials(decrypted.getUsername(), decrypted.getPassword(),
        "settings.xml server '" + server.getId() + "'");
  }

  /**
   * The server with its password decrypted the Maven way (master password in settings-security.xml); a password that
   * cannot be decrypted is an error, never passed on in its encrypted form.
   */
  public static Server decrypt(Server server, SettingsDecrypter decrypter) {
    if (decrypter == null) {
      return server;
    }
    SettingsDecryptionResult result = decrypter.decrypt(new DefaultSettingsDecryptionRequest(server));
    for (SettingsProblem p : result.getProblems()) {
      if (p.getSeverity() != SettingsProblem.Severity.WARNING) {
        throw new IllegalStateException("cannot decrypt the password of settings.xml server '" + server.getId()
            + "': " + p.getMessage());
      }
    }
    return result.getServer();
  }
}
