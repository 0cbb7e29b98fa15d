package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.image.BuiltImage;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.MavenRun;
import dev.slipway.testkit.Skopeo;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Credentials from a settings.xml {@code <server>} whose id is the registry, against a basic-auth registry. */
class RegistryAuthIT {
  static final String PASSWORD = "canary-Pa55word-7f3e";
  @RegisterExtension static LocalRegistry registry = LocalRegistry.withBasicAuth("ci-bot", PASSWORD);
  @TempDir Path dir;

  Path settings(String password) throws Exception {
    Path file = dir.resolve("settings-" + password.hashCode() + ".xml");
    Files.writeString(file, """
        <settings>
          <servers>
            <server>
              <id>%s</id>
              <username>ci-bot</username>
              <password>%s</password>
            </server>
          </servers>
        </settings>
        """.formatted(registry.hostPort(), password));
    return file;
  }

  @Test
  void pushesWithTheSettingsServerCredentials() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    MavenRun.Result r = MavenRun.in(project).settings(settings(PASSWORD)).args("package", "-DskipTests",
        "-Dimage.to=" + registry.hostPort() + "/secure/hello", "-Dimage.insecureRegistries=" + registry.hostPort(),
        "-Dimage.platforms=linux/amd64").run();
    assertThat(r.succeeded()).as(r.log()).isTrue();
    assertThat(r.log()).doesNotContain(PASSWORD);
    BuiltImage image = BuiltImage.read(project.resolve("target/slipway/image.json"));
    String raw = new Skopeo(registry).inspectRaw("docker://" + registry.hostPort() + "/secure/hello@" + image.digest());
    assertThat(raw).contains("linux");
  }

  @Test
  void aWrongPasswordFailsWithAClearMessageAndIsNeverPrinted() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    String wrong = "wrong-canary-9d1c";
    MavenRun.Result r = MavenRun.in(project).settings(settings(wrong)).args("package", "-DskipTests",
        "-Dimage.to=" + registry.hostPort() + "/secure/hello", "-Dimage.insecureRegistries=" + registry.hostPort(),
        "-Dimage.platforms=linux/amd64").run();
    assertThat(r.succeeded()).isFalse();
    assertThat(r.log()).contains("HTTP 401").contains("settings.xml server '" + registry.hostPort() + "'");
    assertThat(r.log()).doesNotContain(wrong).doesNotContain(PASSWORD);
  }

  @Test
  void aMavenEncryptedPasswordIsDecryptedWithTheMasterPassword() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    MavenRun.Result master = MavenRun.in(project).args("--encrypt-master-password", "master-canary-31").run();
    assertThat(master.succeeded()).as(master.log()).isTrue();
    Path security = dir.resolve("settings-security.xml");
    Files.writeString(security, "<settingsSecurity><master>" + lastBraced(master.log())
        + "</master></settingsSecurity>");
    MavenRun.Result encrypted = MavenRun.in(project).args("--encrypt-password", PASSWORD,
        "-Dsettings.security=" + security).run();
    assertThat(encrypted.succeeded()).as(encrypted.log()).isTrue();
    String cipher = lastBraced(encrypted.log());
    assertThat(cipher).doesNotContain(PASSWORD);

    MavenRun.Result r = MavenRun.in(project).settings(settings(cipher)).args("package", "-DskipTests",
        "-Dsettings.security=" + security, "-Dimage.to=" + registry.hostPort() + "/secure/encrypted",
        "-Dimage.insecureRegistries=" + registry.hostPort(), "-Dimage.platforms=linux/amd64").run();
    assertThat(r.succeeded()).as(r.log()).isTrue();
    assertThat(r.log()).doesNotContain(PASSWORD).doesNotContain(cipher);
    BuiltImage image = BuiltImage.read(project.resolve("target/slipway/image.json"));
    assertThat(new Skopeo(registry).inspectRaw("docker://" + registry.hostPort() + "/secure/encrypted:"
        + image.tags().get(0))).contains("linux");
  }

  /** The last {...} token a Maven encryption command printed. */
  static String lastBraced(String log) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\{[A-Za-z0-9+/=]+\\}").matcher(log);
    String last = null;
    while (m.find()) {
      last = m.group();
    }
    assertThat(last).as(log).isNotNull();
    return last;
  }

  /**
   * Lines of the log that carry {@code secret}, leaving out only an environment dump's {@code VAR=secret} entry for
   * the variable that holds it (Maven's, when a Maven version prints the environment under -X; CI masks it): every
   * line Slipway writes and every parameter Maven prints must be free of it.
   */
  static java.util.List<String> linesCarrying(String log, String secret, String variable) {
    return log.lines().filter(l -> l.contains(secret))
        .filter(l -> !l.matches(".*\\b" + java.util.regex.Pattern.quote(variable) + "\\s*[=:]\\s*"
            + java.util.regex.Pattern.quote(secret) + "\\s*$"))
        .toList();
  }

  @Test
  void underDebugThePasswordFromAVariableIsInNoLineOfOursAndSbomSendsItToTheListedPlainHttpRegistry()
      throws Exception {
    // registry.slipway.test resolves to the loopback registry through a hosts file given to the forked JVM: a plain
    // HTTP registry under a name that is not loopback, where only image:build used to send credentials
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, "127.0.0.1 localhost\n127.0.0.1 registry.slipway.test\n");
    String named = "registry.slipway.test:" + registry.port();
    Path project = ExampleProject.copy("hello-service", dir);
    MavenRun.Result r = MavenRun.in(project).jvmOptions("-Djdk.net.hosts.file=" + hosts)
        .env("REGISTRY_PASSWORD_CANARY", PASSWORD)
        .args("-X", "package", "-DskipTests", "-Dimage.to=" + named + "/secure/debug",
            "-Dimage.insecureRegistries=" + named, "-Dimage.username=ci-bot",
            "-Dimage.passwordEnv=REGISTRY_PASSWORD_CANARY", "-Dimage.platforms=linux/amd64").run();
    assertThat(r.succeeded()).as(r.log()).isTrue();
    assertThat(r.log()).contains("(f) passwordEnv = REGISTRY_PASSWORD_CANARY")
        .contains("SBOM application/vnd.cyclonedx+json attached to " + named + "/secure/debug@");
    assertThat(linesCarrying(r.log(), PASSWORD, "REGISTRY_PASSWORD_CANARY")).isEmpty();
    BuiltImage image = BuiltImage.read(project.resolve("target/slipway/image.json"));
    assertThat(new Skopeo(registry).inspectRaw("docker://" + registry.hostPort() + "/secure/debug@" + image.digest()))
        .contains("linux");
  }

  @Test
  void theDeprecatedPasswordParameterStillWorksAndWarns() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    MavenRun.Result r = MavenRun.in(project).args("package", "-DskipTests",
        "-Dimage.to=" + registry.hostPort() + "/secure/old", "-Dimage.insecureRegistries=" + registry.hostPort(),
        "-Dimage.username=ci-bot", "-Dimage.password=" + PASSWORD, "-Dimage.platforms=linux/amd64",
        "-Dimage.sbom.skip").run();
    assertThat(r.succeeded()).as(r.log()).isTrue();
    assertThat(r.log()).contains("image.password is deprecated").contains("image.passwordEnv");
    assertThat(r.log()).doesNotContain(PASSWORD);
  }
}
