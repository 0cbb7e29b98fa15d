package dev.slipway.common.mojo;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.Redactor;
import dev.slipway.common.registry.RegistryCredentials;
import java.util.Map;
import org.apache.maven.settings.Server;
import org.apache.maven.settings.Settings;
import org.junit.jupiter.api.Test;

class MavenCredentialsTest {
  static Settings settings(String id, String user, String password) {
    Server s = new Server();
    s.setId(id);
    s.setUsername(user);
    s.setPassword(password);
    Settings settings = new Settings();
    settings.addServer(s);
    return settings;
  }

  @Test
  void explicitBeatsEnvironmentBeatsSettingsAndEverySecretIsRedacted() {
    Redactor redactor = new Redactor();
    Settings settings = settings("reg.example:5000", "from-settings", "settings-secret");
    Map<String, String> env = Map.of("SLIPWAY_REGISTRY_USERNAME", "from-env", "SLIPWAY_REGISTRY_PASSWORD", "env-secret");

    RegistryCredentials explicit = MavenCredentials.resolve("reg.example:5000", "me", "param-secret", settings, null,
        env, redactor);
    assertThat(explicit.username()).isEqualTo("me");
    RegistryCredentials fromEnv = MavenCredentials.resolve("reg.example:5000", null, null, settings, null, env,
        redactor);
    assertThat(fromEnv.username()).isEqualTo("from-env");
    RegistryCredentials fromSettings = MavenCredentials.resolve("reg.example:5000", null, null, settings, null,
        Map.of(), redactor);
    assertThat(fromSettings.username()).isEqualTo("from-settings");
    assertThat(fromSettings.source()).isEqualTo("settings.xml server 'reg.example:5000'");
    assertThat(fromSettings.toString()).doesNotContain("settings-secret");

    assertThat(redactor.redact("param-secret env-secret settings-secret")).isEqualTo("**** **** ****");
  }

  @Test
  void aServerNamedByHostAloneServesEveryPortAndNoServerMeansNone() {
    Settings settings = settings("reg.example", "u", "p4ssword");
    assertThat(MavenCredentials.resolve("reg.example:5000", null, null, settings, null, Map.of(), new Redactor()))
        .extracting(RegistryCredentials::username).isEqualTo("u");
    assertThat(MavenCredentials.resolve("other.example", null, null, settings, null, Map.of(), new Redactor()))
        .isNull();
  }

  @Test
  void halfGivenCredentialsAreAnErrorNotASilentFallThrough() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MavenCredentials.resolve("reg.example", "me", null,
            settings("reg.example", "u", "p4ssword"), null, Map.of(), new Redactor()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("only the user name is set");
  }

  static final class Lines implements dev.slipway.common.Log {
    final java.util.List<String> lines = new java.util.ArrayList<>();

    public void debug(String m) {}

    public void info(String m) {
      lines.add(m);
    }

    public void warn(String m) {
      lines.add("WARN " + m);
    }

    public void error(String m) {
      lines.add("ERROR " + m);
    }
  }

  static MavenCredentials.Parameters params(String user, String env, java.nio.file.Path file, String server,
      String deprecated) {
    return new MavenCredentials.Parameters("image", user, env, file, server, deprecated);
  }

  @Test
  void thePasswordComesFromTheNamedVariableFileOrServerAndNeverFromAParameterValue(@org.junit.jupiter.api.io.TempDir
      java.nio.file.Path dir) throws Exception {
    Redactor redactor = new Redactor();
    Lines log = new Lines();
    Settings settings = settings("ci-registry", "robot", "canary-server-7a1");
    Map<String, String> env = Map.of("REG_PASS", "canary-env-3c9");

    RegistryCredentials fromEnv = MavenCredentials.resolve("reg.example", params("me", "REG_PASS", null, null, null),
        true, settings, null, env, redactor, log);
    assertThat(fromEnv.username()).isEqualTo("me");
    assertThat(fromEnv.password()).isEqualTo("canary-env-3c9");
    assertThat(fromEnv.source()).contains("REG_PASS").doesNotContain("canary");

    java.nio.file.Path file = dir.resolve("registry-password");
    java.nio.file.Files.writeString(file, "canary-file-5d2\n");
    RegistryCredentials fromFile = MavenCredentials.resolve("reg.example", params("me", null, file, null, null),
        true, settings, null, env, redactor, log);
    assertThat(fromFile.password()).isEqualTo("canary-file-5d2");

    RegistryCredentials fromServer = MavenCredentials.resolve("reg.example",
        params(null, null, null, "ci-registry", null), true, settings, null, env, redactor, log);
    assertThat(fromServer.username()).isEqualTo("robot");
    assertThat(fromServer.source()).isEqualTo("settings.xml server 'ci-registry'");

    assertThat(log.lines).isEmpty();
    assertThat(redactor.redact("canary-env-3c9 canary-file-5d2 canary-server-7a1")).isEqualTo("**** **** ****");
  }

  @Test
  void theOldPasswordParameterStillWorksWithAWarningThatNeverShowsIt() throws Exception {
    Redactor redactor = new Redactor();
    Lines log = new Lines();
    RegistryCredentials c = MavenCredentials.resolve("reg.example", new MavenCredentials.Parameters("image.from",
        "me", null, null, null, "canary-old-9e4"), false, null, null, Map.of(), redactor, log);
    assertThat(c.password()).isEqualTo("canary-old-9e4");
    assertThat(log.lines).singleElement().asString().startsWith("WARN image.from.password is deprecated")
        .contains("image.from.passwordEnv").contains("image.from.passwordFile").contains("image.from.server")
        .doesNotContain("canary-old-9e4");
    assertThat(c.toString()).doesNotContain("canary-old-9e4");
  }

  @Test
  void everyMisconfigurationNamesTheParameter(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
    Lines log = new Lines();
    Settings settings = settings("ci-registry", "robot", "pw");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MavenCredentials.resolve("r", params("me", "UNSET_VAR",
            null, null, null), true, settings, null, Map.of(), new Redactor(), log))
        .hasMessageContaining("image.passwordEnv = 'UNSET_VAR': that environment variable is not set");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MavenCredentials.resolve("r", params("me", null,
            dir.resolve("missing"), null, null), true, settings, null, Map.of(), new Redactor(), log))
        .hasMessageContaining("image.passwordFile = " + dir.resolve("missing") + ": no such file");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MavenCredentials.resolve("r", params(null, null, null,
            "nope", null), true, settings, null, Map.of(), new Redactor(), log))
        .hasMessageContaining("image.server = 'nope': settings.xml has no <server> with that id (it has: [ci-registry])");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MavenCredentials.resolve("r", params("me", null, null,
            null, null), true, settings, null, Map.of(), new Redactor(), log))
        .hasMessageContaining("image.username = 'me' has no password").hasMessageContaining("image.passwordEnv");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> MavenCredentials.resolve("r", params(null, "REG_PASS",
            null, null, null), true, settings, null, Map.of(), new Redactor(), log))
        .hasMessageContaining("no user name: set image.username too");
  }

  @Test
  void withNothingExplicitTheEnvironmentPairAndTheRegistryServerStillApply() throws Exception {
    Settings settings = settings("reg.example:5000", "from-settings", "settings-secret");
    Map<String, String> env = Map.of("SLIPWAY_REGISTRY_USERNAME", "from-env", "SLIPWAY_REGISTRY_PASSWORD", "env-secret");
    MavenCredentials.Parameters none = params(null, null, null, null, null);
    assertThat(MavenCredentials.resolve("reg.example:5000", none, true, settings, null, env, new Redactor(),
        new Lines()).username()).isEqualTo("from-env");
    assertThat(MavenCredentials.resolve("reg.example:5000", none, false, settings, null, env, new Redactor(),
        new Lines()).username()).isEqualTo("from-settings");
  }
}
