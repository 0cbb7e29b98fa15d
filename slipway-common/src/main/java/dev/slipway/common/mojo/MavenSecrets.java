package dev.slipway.common.mojo;

import dev.slipway.common.Redactor;
import java.util.Map;
import java.util.Optional;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * A secret named by a parameter, never given as one (Maven -X prints every parameter and -D property): the password
 * of a settings.xml {@code <server>} (decrypted with Maven's master password; Maven never prints servers), else an
 * environment variable. Every secret found is added to the redactor before it is returned.
 */
public final class MavenSecrets {
  private MavenSecrets() {}

  /** A secret and where it came from, for messages that must not show the secret itself. */
  public record Secret(String value, String source) {}

  public static Optional<Secret> resolve(String envVar, String serverId, Settings settings,
      SettingsDecrypter decrypter, Map<String, String> env, Redactor redactor) {
    if (serverId != null && !serverId.isBlank() && settings != null) {
      Server server = settings.getServer(serverId.strip());
      if (server != null) {
        Server decrypted = MavenCredentials.decrypt(server, decrypter);
        String value = decrypted.getPassword();
        if (value != null && !value.isBlank()) {
          redactor.add(value);
          return Optional.of(new Secret(value.strip(), "settings.xml server '" + serverId.strip() + "'"));
        }
      }
    }
    if (envVar != null && !envVar.isBlank()) {
      String value = env.get(envVar.strip());
      if (value != null && !value.isBlank()) {
        redactor.add(value);
        return Optional.of(new Secret(value.strip(), envVar.strip()));
      }
    }
    return Optional.empty();
  }
}
