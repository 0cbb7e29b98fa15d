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
}
