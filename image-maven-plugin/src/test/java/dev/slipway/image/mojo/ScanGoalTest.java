package dev.slipway.image.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.Redactor;
import dev.slipway.image.scan.ScanConfig;
import dev.slipway.image.scan.Severity;
import dev.slipway.testkit.mojo.MojoGoalTest;
import dev.slipway.testkit.mojo.TestBuild;
import dev.slipway.testkit.mojo.UserProperty;
import java.io.File;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import javax.inject.Inject;
import org.apache.maven.api.plugin.testing.InjectMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.settings.Server;
import org.junit.jupiter.api.Test;

/**
 * image:scan's parameters as Maven binds them, skip, and the errors of bad configuration, in-process, on the
 * {@link ScanConfig} the goal hands to its scan. The validation rules themselves are {@code ScanConfigTest}'s;
 * scanning is {@code BinaryScanTest}'s and {@code ContainerScanIT}'s. No test here has an image.json, so a bad
 * parameter that stopped being checked first would fail with the missing image.json instead.
 */
@MojoGoalTest
class ScanGoalTest {
  static final String POM = "<project><build><plugins><plugin><artifactId>image-maven-plugin</artifactId>"
      + "<configuration>";
  static final String END = "</configuration></plugin></plugins></build></project>";
  static final String DIGEST = "sha256:eeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeeee";

  @Inject TestBuild build;

  private static ScanConfig config(ScanMojo mojo, Map<String, String> env) throws Exception {
    return mojo.config(env, new Redactor());
  }

  /** The goal fails on bad configuration, naming it, before it reads image.json or writes anything. */
  private void fails(ScanMojo mojo, String message) {
    assertThatThrownBy(mojo::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining(message);
    assertThat(build.written()).isEmpty();
  }

  private Path file(String name, String content) throws Exception {
    Path p = build.path(name);
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  @Test
  @InjectMojo(goal = "scan")
  void defaults(ScanMojo mojo) throws Exception {
    assertThat(mojo.skip).isFalse();
    assertThat(mojo.imageJson).as("then ${image.workDir}/image.json").isNull();
    assertThat(mojo.engine).isEqualTo("auto");
    assertThat(mojo.input).isEqualTo("image");
    assertThat(mojo.sbom).as("then image:sbom's file").isNull();
    assertThat(mojo.trivyImage).isEqualTo("aquasec/trivy");
    assertThat(mojo.trivyVersion).isEqualTo("0.74.0");
    assertThat(mojo.trivy).isNull();
    assertThat(mojo.server).isNull();
    assertThat(mojo.serverId).isNull();
    assertThat(mojo.tokenEnv).isEqualTo("TRIVY_TOKEN");
    assertThat(mojo.tokenHeader).isEqualTo("Trivy-Token");
    assertThat(mojo.cacheDirectory).isEqualTo(new File(System.getProperty("user.home"), ".cache/slipway/trivy"));
    assertThat(mojo.dbRepository).isNull();
    assertThat(mojo.javaDbRepository).isNull();
    assertThat(mojo.skipDbUpdate).isFalse();
    assertThat(mojo.skipJavaDbUpdate).isFalse();
    assertThat(mojo.offline).isFalse();
    assertThat(mojo.maxDbAge).isNull();
    assertThat(mojo.failOn).isEqualTo("CRITICAL,HIGH");
    assertThat(mojo.ignoreUnfixed).isFalse();
    assertThat(mojo.suppressions).isNull();
    assertThat(mojo.trivyIgnore).isNull();
    assertThat(mojo.warnOnly).isFalse();
    assertThat(mojo.timeout).isEqualTo("15m");
    assertThat(mojo.outputDirectory).as("then ${image.workDir}/scan").isNull();
    assertThat(mojo.stepSummary).isTrue();
    assertThat(mojo.registryTimeout).isEqualTo("30s");
    assertThat(mojo.registryConnectTimeout).isEqualTo("10s");

    ScanConfig c = config(mojo, Map.of("GITHUB_STEP_SUMMARY", build.path("summary.md").toString()));
    assertThat(c.engine()).isEqualTo(ScanConfig.Engine.AUTO);
    assertThat(c.input()).isEqualTo(ScanConfig.Input.IMAGE);
    assertThat(c.trivyImage()).isEqualTo("aquasec/trivy:0.74.0");
    assertThat(c.failOn()).containsExactlyInAnyOrder(Severity.CRITICAL, Severity.HIGH);
    assertThat(c.timeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.server()).isNull();
    assertThat(c.token()).isNull();
    assertThat(c.outputDirectory()).isEqualTo(build.path("target/slipway/scan"));
    assertThat(c.sbom()).isEqualTo(build.path("target/slipway/sbom/app-1.0.0.cdx.json"));
    assertThat(c.suppressions()).as("the default file is absent, and need not be there").isNull();
    assertThat(c.trivyIgnore()).isNull();
    assertThat(c.stepSummary()).isEqualTo(build.path("summary.md"));
    assertThat(mojo.registryAccess().timeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(mojo.registryAccess().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  @InjectMojo(goal = "scan")
  void theDefaultSuppressionFilesAreReadWhenTheyExist(ScanMojo mojo) throws Exception {
    file("scan-suppressions.yaml", "suppressions: []\n");
    file(".trivyignore.yaml", "vulnerabilities: []\n");
    ScanConfig c = config(mojo, Map.of());
    assertThat(c.suppressions()).isEqualTo(build.path("scan-suppressions.yaml"));
    assertThat(c.trivyIgnore()).isEqualTo(build.path(".trivyignore.yaml"));
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.imageJson", value = "out/image.json")
  @UserProperty(name = "image.scan.engine", value = "BINARY")
  @UserProperty(name = "image.scan.input", value = "sbom")
  @UserProperty(name = "image.scan.sbom", value = "boms/app.cdx.json")
  @UserProperty(name = "image.scan.trivyImage", value = "127.0.0.1:5000/mirror/trivy")
  @UserProperty(name = "image.scan.trivyVersion", value = "0.60.0")
  @UserProperty(name = "image.scan.trivy", value = "bin/trivy")
  @UserProperty(name = "image.scan.server", value = "http://127.0.0.1:9/")
  @UserProperty(name = "image.scan.tokenEnv", value = "SHOP_TRIVY_TOKEN")
  @UserProperty(name = "image.scan.tokenHeader", value = "X-Trivy")
  @UserProperty(name = "image.scan.cacheDirectory", value = "cache/trivy")
  @UserProperty(name = "image.scan.dbRepository", value = "127.0.0.1:5000/db:2, 127.0.0.1:5001/db:2")
  @UserProperty(name = "image.scan.javaDbRepository", value = "127.0.0.1:5000/java-db:1")
  @UserProperty(name = "image.scan.skipDbUpdate")
  @UserProperty(name = "image.scan.skipJavaDbUpdate")
  @UserProperty(name = "image.scan.offline")
  @UserProperty(name = "image.scan.maxDbAge", value = "7d")
  @UserProperty(name = "image.scan.failOn", value = "critical,medium")
  @UserProperty(name = "image.scan.ignoreUnfixed")
  @UserProperty(name = "image.scan.suppressions", value = "policy/suppressions.yaml")
  @UserProperty(name = "image.scan.trivyIgnore", value = "policy/trivyignore.yaml")
  @UserProperty(name = "image.scan.warnOnly")
  @UserProperty(name = "image.scan.timeout", value = "90s")
  @UserProperty(name = "image.scan.outputDirectory", value = "reports")
  @UserProperty(name = "image.scan.stepSummary", value = "false")
  @UserProperty(name = "image.registry.timeout", value = "2m")
  @UserProperty(name = "image.registry.connectTimeout", value = "3s")
  void everyPropertyBinds(ScanMojo mojo) throws Exception {
    file("boms/app.cdx.json", "{\"bomFormat\":\"CycloneDX\"}");
    Path trivy = file("bin/trivy", "#!/bin/sh\nexit 1\n");
    Files.setPosixFilePermissions(trivy, PosixFilePermissions.fromString("rwxr-xr-x"));
    file("policy/suppressions.yaml", "suppressions: []\n");
    file("policy/trivyignore.yaml", "vulnerabilities: []\n");
    assertThat(mojo.imageJson).as("a relative path is the project's").isEqualTo(build.path("out/image.json").toFile());

    ScanConfig c = config(mojo, Map.of("SHOP_TRIVY_TOKEN", "canary-token-3f9a", "GITHUB_STEP_SUMMARY", "/dev/null"));
    assertThat(c.engine()).isEqualTo(ScanConfig.Engine.BINARY);
    assertThat(c.input()).isEqualTo(ScanConfig.Input.SBOM);
    assertThat(c.sbom()).isEqualTo(build.path("boms/app.cdx.json"));
    assertThat(c.trivyImage()).isEqualTo("127.0.0.1:5000/mirror/trivy:0.60.0");
    assertThat(c.trivyBinary()).isEqualTo(trivy);
    assertThat(c.server()).isEqualTo(URI.create("http://127.0.0.1:9/"));
    assertThat(c.token().reveal()).isEqualTo("canary-token-3f9a");
    assertThat(c.token().source()).isEqualTo("environment variable SHOP_TRIVY_TOKEN");
    assertThat(c.toString()).doesNotContain("canary-token-3f9a");
    assertThat(c.tokenHeader()).isEqualTo("X-Trivy");
    assertThat(c.cacheDir()).isEqualTo(build.path("cache/trivy"));
    assertThat(c.dbRepositories()).containsExactly("127.0.0.1:5000/db:2", "127.0.0.1:5001/db:2");
    assertThat(c.javaDbRepositories()).containsExactly("127.0.0.1:5000/java-db:1");
    assertThat(c.skipDbUpdate()).isTrue();
    assertThat(c.skipJavaDbUpdate()).isTrue();
    assertThat(c.offline()).isTrue();
    assertThat(c.maxDbAge()).isEqualTo(Duration.ofDays(7));
    assertThat(c.failOn()).containsExactlyInAnyOrder(Severity.CRITICAL, Severity.MEDIUM);
    assertThat(c.ignoreUnfixed()).isTrue();
    assertThat(c.suppressions()).isEqualTo(build.path("policy/suppressions.yaml"));
    assertThat(c.trivyIgnore()).isEqualTo(build.path("policy/trivyignore.yaml"));
    assertThat(c.warnOnly()).isTrue();
    assertThat(c.timeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(c.outputDirectory()).isEqualTo(build.path("reports"));
    assertThat(c.stepSummary()).as("image.scan.stepSummary=false").isNull();
    assertThat(mojo.registryAccess().timeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(mojo.registryAccess().connectTimeout()).isEqualTo(Duration.ofSeconds(3));
  }

  @Test
  @InjectMojo(goal = "scan", pom = POM + "<engine>server</engine><server>https://trivy.shop.example:4954</server>"
      + "<serverId>trivy</serverId><failOn>none</failOn><workDir>build/slipway</workDir>"
      + "<trivyImage>127.0.0.1:5000/trivy@" + DIGEST + "</trivyImage>" + END)
  @UserProperty(name = "image.scan.failOn", value = "LOW")
  void pomConfigurationBindsAndBeatsProperties(ScanMojo mojo) throws Exception {
    Server server = new Server();
    server.setId("trivy");
    server.setPassword("canary-settings-token-77c1");
    build.session().getRequest().addServer(server);

    ScanConfig c = config(mojo, Map.of("TRIVY_TOKEN", "from-the-environment"));
    assertThat(c.engine()).isEqualTo(ScanConfig.Engine.SERVER);
    assertThat(c.server()).isEqualTo(URI.create("https://trivy.shop.example:4954"));
    assertThat(c.token().reveal()).as("the settings.xml server wins over the variable")
        .isEqualTo("canary-settings-token-77c1");
    assertThat(c.token().source()).isEqualTo("settings.xml server 'trivy'");
    assertThat(c.failOn()).as("<failOn>none</failOn> over -Dimage.scan.failOn").isEmpty();
    assertThat(c.trivyImage()).as("a digest is kept as written").endsWith("@" + DIGEST);
    assertThat(c.outputDirectory()).isEqualTo(build.path("build/slipway/scan"));
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.scan.skip")
  @UserProperty(name = "image.scan.engine", value = "dockr")
  @UserProperty(name = "image.scan.server", value = "http://127.0.0.1:9")
  void skipDoesNothingNotEvenCheckTheConfiguration(ScanMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] image:scan skipped (image.scan.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.skip")
  @UserProperty(name = "image.scan.engine", value = "dockr")
  void imageSkipSkipsItToo(ScanMojo mojo) throws Exception {
    mojo.execute();
    assertThat(build.log().lines()).containsExactly("[INFO] image:scan skipped (image.skip)");
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "scan")
  void withoutImageJsonItNamesTheFile(ScanMojo mojo) {
    assertThatThrownBy(mojo::execute).hasMessageContaining(build.path("target/slipway/image.json").toString());
    assertThat(build.written()).isEmpty();
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.scan.engine", value = "dockr")
  void anUnknownEngineListsTheEngines(ScanMojo mojo) {
    fails(mojo, "image.scan.engine: 'dockr' is not accepted; accepted: auto, container, binary, server");
  }

  @Test
  @InjectMojo(goal = "scan", pom = POM + "<input>layout</input>" + END)
  void anUnknownInputListsTheInputs(ScanMojo mojo) {
    fails(mojo, "image.scan.input: 'layout' is not accepted; accepted: image, sbom");
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.scan.failOn", value = "CRITICAL,SEVERE")
  void anUnknownSeverityListsTheSeverities(ScanMojo mojo) {
    fails(mojo, "image.scan.failOn: 'SEVERE' is not a severity; accepted: CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN "
        + "(comma-separated), or none");
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.scan.engine", value = "server")
  void theServerEngineNeedsAServer(ScanMojo mojo) {
    fails(mojo, "image.scan.engine=server needs image.scan.server, the Trivy server's URL");
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.scan.server", value = "trivy.internal:4954")
  void aServerThatIsNoHttpUrl(ScanMojo mojo) {
    fails(mojo, "image.scan.server: 'trivy.internal:4954' is not an http(s) URL with a host; write e.g. "
        + "http://trivy.internal:4954");
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.scan.server", value = "http://ci:canary-in-url-51d0@127.0.0.1:9")
  void aServerUrlWithCredentialsIsRefusedWithoutShowingThem(ScanMojo mojo) {
    fails(mojo, "image.scan.server: the URL carries credentials; give the token through image.scan.serverId");
    assertThatThrownBy(mojo::execute).message().doesNotContain("canary-in-url-51d0");
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.scan.server", value = "http://127.0.0.1:9")
  @UserProperty(name = "image.scan.serverId", value = "trivy")
  void aServerIdThatSettingsDoNotHave(ScanMojo mojo) {
    fails(mojo, "image.scan.serverId: settings.xml has no <server> with id 'trivy' and a <password>");
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.scan.tokenHeader", value = "Trivy Token")
  void aTokenHeaderThatIsNoHeaderName(ScanMojo mojo) {
    fails(mojo, "image.scan.tokenHeader: 'Trivy Token' is not an HTTP header name");
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.scan.trivyVersion", value = "latest please")
  void aTrivyVersionThatIsNoTag(ScanMojo mojo) {
    fails(mojo, "image.scan.trivyVersion: 'latest please' is not an image tag (e.g. 0.74.0)");
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.scan.trivy", value = "bin/trivy")
  void aTrivyThatIsNotThere(ScanMojo mojo) {
    fails(mojo, "image.scan.trivy: " + build.path("bin/trivy") + " is not an executable file");
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.scan.timeout", value = "a while")
  void aTimeoutThatIsNoDuration(ScanMojo mojo) {
    fails(mojo, "image.scan.timeout: 'a while' is not a duration; write e.g. 500ms, 30s, 2m");
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.scan.timeout", value = "0s")
  void aZeroTimeout(ScanMojo mojo) {
    fails(mojo, "image.scan.timeout: must be positive, e.g. 15m");
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.scan.maxDbAge", value = "PT-24H")
  void aNegativeMaxDbAge(ScanMojo mojo) {
    fails(mojo, "image.scan.maxDbAge: 'PT-24H' must be longer than zero; write e.g. 500ms, 30s, 2m");
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.scan.suppressions", value = "policy/suppressions.yaml")
  void anExplicitSuppressionFileThatIsNotThere(ScanMojo mojo) {
    fails(mojo, "image.scan.suppressions: " + build.path("policy/suppressions.yaml") + " does not exist");
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.scan.trivyIgnore", value = "trivyignore.yaml")
  void anExplicitTrivyIgnoreThatIsNotThere(ScanMojo mojo) {
    fails(mojo, "image.scan.trivyIgnore: " + build.path("trivyignore.yaml") + " does not exist");
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.scan.input", value = "sbom")
  void anSbomInputWithoutTheSbom(ScanMojo mojo) {
    fails(mojo, "image.scan.sbom: " + build.path("target/slipway/sbom/app-1.0.0.cdx.json") + " does not exist (run "
        + "image:sbom first");
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.registry.timeout", value = "-30s")
  void aNegativeRegistryTimeout(ScanMojo mojo) {
    fails(mojo, "image.registry.timeout = '-30s': must be a positive duration such as 30s");
  }

  @Test
  @InjectMojo(goal = "scan")
  @UserProperty(name = "image.registry.connectTimeout", value = "soon")
  void aRegistryConnectTimeoutThatIsNoDuration(ScanMojo mojo) {
    fails(mojo, "image.registry.connectTimeout: 'soon' is not a duration");
  }
}
