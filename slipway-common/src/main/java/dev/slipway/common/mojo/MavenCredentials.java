package dev.slipway.common.mojo;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import java.nio.file.Files;
import java.nio.file.Path;
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
   * Where a goal's parameters say a registry login comes from, without the secret itself in any parameter (Maven's
   * {@code -X} prints every parameter and {@code -D} property): {@code passwordEnv} names an environment variable,
   * {@code passwordFile} a file, {@code server} a settings.xml {@code <server>}. {@code deprecatedPassword} is the old
   * parameter that took the password itself; it still works, with a warning.
   *
   * @param prefix the parameters' property prefix for messages: {@code image} or {@code image.from}
   */
  public record Parameters(String prefix, String username, String passwordEnv, Path passwordFile, String server,
      String deprecatedPassword) {
    @Override
    public String toString() {
      return "Parameters[" + prefix + ", username=" + username + ", passwordEnv=" + passwordEnv + ", passwordFile="
          + passwordFile + ", server=" + server + (deprecatedPassword != null ? ", deprecated password set" : "") + "]";
    }
  }

  /**
   * Credentials for {@code registry}, first match wins: the settings.xml server named by {@code server}; the user
   * name with its password from {@code passwordFile}, the variable {@code passwordEnv} names, or the deprecated
   * password parameter; when {@code useEnvironment}, {@code SLIPWAY_REGISTRY_USERNAME}/{@code SLIPWAY_REGISTRY_PASSWORD};
   * a settings.xml server whose id is the registry ({@code host:port}, then {@code host}). Null when none applies.
   * Every password is added to {@code redactor}; a half-given login is an error naming the parameters.
   */
  public static RegistryCredentials resolve(String registry, Parameters p, boolean useEnvironment, Settings settings,
      SettingsDecrypter decrypter, Map<String, String> env, Redactor redactor, Log log) throws InvalidInputException {
    redactor.add(p.deprecatedPassword());
    String pre = p.prefix();
    if (p.deprecatedPassword() != null && !p.deprecatedPassword().isEmpty()) {
      log.warn(pre + ".password is deprecated: Maven prints every parameter under -X, so the password shows in "
          + "debug logs; name an environment variable that holds it with " + pre + ".passwordEnv, a file with "
          + pre + ".passwordFile, or a settings.xml <server> with " + pre + ".server");
    }
    if (!blank(p.server())) {
      Server server = settings == null ? null : settings.getServer(p.server().strip());
      if (server == null) {
        throw new InvalidInputException(pre + ".server = '" + p.server() + "': settings.xml has no <server> with that "
            + "id" + (settings == null || settings.getServers().isEmpty() ? "" : " (it has: " + settings.getServers()
                .stream().map(Server::getId).toList() + ")"));
      }
      Server decrypted = decrypt(server, decrypter);
      if (decrypted.getUsername() == null || decrypted.getPassword() == null) {
        throw new InvalidInputException(pre + ".server = '" + p.server() + "': the <server> needs both <username> "
            + "and <password>");
      }
      redactor.add(decrypted.getPassword());
      return new RegistryCredentials(decrypted.getUsername(), decrypted.getPassword(),
          "settings.xml server '" + server.getId() + "'");
    }
    boolean passwordGiven = p.passwordFile() != null || !blank(p.passwordEnv()) || !blank(p.deprecatedPassword());
    if (blank(p.username())) {
      if (passwordGiven) {
        throw new InvalidInputException(pre + ": a password is given (" + pre + (p.passwordFile() != null
            ? ".passwordFile" : !blank(p.passwordEnv()) ? ".passwordEnv" : ".password") + ") but no user name: set "
            + pre + ".username too");
      }
    } else {
      if (p.passwordFile() != null) {
        return new RegistryCredentials(p.username(), readPasswordFile(p.passwordFile(), pre, redactor),
            pre + ".passwordFile");
      }
      if (!blank(p.passwordEnv())) {
        String value = env.get(p.passwordEnv().strip());
        if (value == null || value.isEmpty()) {
          throw new InvalidInputException(pre + ".passwordEnv = '" + p.passwordEnv() + "': that environment variable "
              + "is not set (or empty) in the environment of this build");
        }
        redactor.add(value);
        return new RegistryCredentials(p.username(), value, "the variable " + p.passwordEnv().strip() + " ("
            + pre + ".passwordEnv)");
      }
      if (!blank(p.deprecatedPassword())) {
        return new RegistryCredentials(p.username(), p.deprecatedPassword(), "the deprecated " + pre + ".password");
      }
      throw new InvalidInputException(pre + ".username = '" + p.username() + "' has no password: name the "
          + "environment variable that holds it with " + pre + ".passwordEnv, or a file with " + pre + ".passwordFile,"
          + " or use a settings.xml <server> (" + pre + ".server)");
    }
    return resolve(registry, null, null, settings, decrypter, useEnvironment ? env : Map.of(), redactor);
  }

  private static String readPasswordFile(Path file, String prefix, Redactor redactor) throws InvalidInputException {
    try {
      String value = Files.readString(file).strip();
      if (value.isEmpty()) {
        throw new InvalidInputException(prefix + ".passwordFile = " + file + ": the file is empty");
      }
      redactor.add(value);
      return value;
    } catch (java.nio.file.NoSuchFileException e) {
      throw new InvalidInputException(prefix + ".passwordFile = " + file + ": no such file");
    } catch (java.io.IOException e) {
      throw new InvalidInputException(prefix + ".passwordFile = " + file + ": cannot be read ("
          + e.getClass().getSimpleName() + ")");
    }
  }

  private static boolean blank(String s) {
    return s == null || s.isBlank();
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
