package dev.slipway.image.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The goal's parameter validation (image:scan's Mojo hands its raw values to ScanConfig.from). */
class ScanConfigTest {
  @TempDir Path tmp;

  TestParams p() {
    return new TestParams(tmp);
  }

  @Test
  void defaultsAreTheDocumentedOnes() throws Exception {
    ScanConfig c = p().config(Map.of());
    assertThat(c.engine()).isEqualTo(ScanConfig.Engine.AUTO);
    assertThat(c.input()).isEqualTo(ScanConfig.Input.IMAGE);
    assertThat(c.trivyImage()).isEqualTo("aquasec/trivy:0.74.0");
    assertThat(c.failOn()).containsExactlyInAnyOrder(Severity.CRITICAL, Severity.HIGH);
    assertThat(c.timeout()).isEqualTo(Duration.ofMinutes(15));
    assertThat(c.maxDbAge()).isNull();
    assertThat(c.server()).isNull();
    assertThat(c.suppressions()).isNull(); // the default file does not exist here
    assertThat(c.stepSummary()).isNull();
  }

  @Test
  void badValuesNameTheParameterAndTheAcceptedValues() {
    TestParams engine = p();
    engine.engine = "dockr";
    assertThatThrownBy(() -> engine.config(Map.of())).isInstanceOf(InvalidInputException.class)
        .hasMessage("image.scan.engine: 'dockr' is not accepted; accepted: auto, container, binary, server");
    TestParams input = p();
    input.input = "layout";
    assertThatThrownBy(() -> input.config(Map.of()))
        .hasMessage("image.scan.input: 'layout' is not accepted; accepted: image, sbom");
    TestParams failOn = p();
    failOn.failOn = "CRITICAL, SEVERE";
    assertThatThrownBy(() -> failOn.config(Map.of())).hasMessage("image.scan.failOn: 'SEVERE' is not a severity; "
        + "accepted: CRITICAL, HIGH, MEDIUM, LOW, UNKNOWN (comma-separated), or none");
    TestParams age = p();
    age.maxDbAge = "a week";
    assertThatThrownBy(() -> age.config(Map.of())).hasMessageStartingWith("image.scan.maxDbAge: 'a week' is not a "
        + "duration; write e.g. 500ms, 30s, 2m, 1h, 7d");
    TestParams server = p();
    server.engine = "server";
    assertThatThrownBy(() -> server.config(Map.of()))
        .hasMessageStartingWith("image.scan.engine=server needs image.scan.server");
    TestParams url = p();
    url.server = "trivy.internal:4954";
    assertThatThrownBy(() -> url.config(Map.of())).hasMessageStartingWith("image.scan.server: 'trivy.internal:4954' "
        + "is not an http(s) URL with a host");
    TestParams creds = p();
    creds.server = "https://user:secret@trivy.internal";
    assertThatThrownBy(() -> creds.config(Map.of())).hasMessageContaining("the URL carries credentials")
        .hasMessageNotContaining("secret@");
    TestParams version = p();
    version.trivyVersion = "0.74 beta";
    assertThatThrownBy(() -> version.config(Map.of())).hasMessageStartingWith("image.scan.trivyVersion:");
    TestParams binary = p();
    binary.trivy = tmp.resolve("no-such-trivy");
    assertThatThrownBy(() -> binary.config(Map.of())).hasMessageStartingWith("image.scan.trivy: " + binary.trivy
        + " is not an executable file");
    TestParams explicit = p();
    explicit.suppressionsExplicit = true;
    assertThatThrownBy(() -> explicit.config(Map.of()))
        .hasMessage("image.scan.suppressions: " + explicit.suppressions + " does not exist");
    TestParams settings = p();
    settings.server = "http://127.0.0.1:4954";
    settings.serverId = "trivy";
    assertThatThrownBy(() -> settings.config(Map.of())).hasMessageStartingWith("image.scan.serverId: settings.xml "
        + "has no <server> with id 'trivy'");
  }

  @Test
  void theTokenComesFromTheNamedVariableOrSettingsAndNeverShows() throws Exception {
    TestParams env = p();
    env.server = "http://127.0.0.1:4954/";
    env.tokenEnv = "MY_TRIVY_TOKEN";
    ScanConfig c = env.config(Map.of("MY_TRIVY_TOKEN", "canary-env-7f3a", "TRIVY_PASSWORD", "canary-pw-19d2"));
    assertThat(c.token().reveal()).isEqualTo("canary-env-7f3a");
    assertThat(c.toString()).doesNotContain("canary").contains("environment variable MY_TRIVY_TOKEN")
        .contains("trivyEnv=[TRIVY_PASSWORD]");
    TestParams settings = p();
    settings.server = "http://127.0.0.1:4954";
    settings.serverId = "trivy";
    settings.settingsToken = new Secret("canary-settings-5e1b", "settings.xml server 'trivy'");
    assertThat(settings.config(Map.of("TRIVY_TOKEN", "other")).token().reveal()).isEqualTo("canary-settings-5e1b");
    // no server, no token, even when the variable is set
    assertThat(p().config(Map.of("TRIVY_TOKEN", "x")).token()).isNull();
  }

  @Test
  void listsMirrorsImagesAndFilesAreTakenAsWritten() throws Exception {
    TestParams t = p();
    t.dbRepository = "registry.internal/trivy-db:2, mirror.internal/trivy-db";
    t.javaDbRepository = "registry.internal/trivy-java-db:1";
    t.trivyImage = "registry.internal/aquasec/trivy@sha256:" + "0".repeat(64);
    t.failOn = "none";
    t.maxDbAge = "36h";
    Files.writeString(t.suppressions, "suppressions: []\n");
    ScanConfig c = t.config(Map.of("GITHUB_STEP_SUMMARY", tmp.resolve("summary.md").toString()));
    assertThat(c.dbRepositories()).containsExactly("registry.internal/trivy-db:2", "mirror.internal/trivy-db");
    assertThat(c.javaDbRepositories()).containsExactly("registry.internal/trivy-java-db:1");
    assertThat(c.trivyImage()).isEqualTo("registry.internal/aquasec/trivy@sha256:" + "0".repeat(64));
    assertThat(c.failOn()).isEmpty();
    assertThat(c.maxDbAge()).isEqualTo(Duration.ofHours(36));
    assertThat(c.suppressions()).isEqualTo(t.suppressions);
    assertThat(c.stepSummary()).isEqualTo(tmp.resolve("summary.md"));
    TestParams mirrorWithPort = p();
    mirrorWithPort.trivyImage = "registry.internal:5000/aquasec/trivy";
    assertThat(mirrorWithPort.config(Map.of()).trivyImage()).isEqualTo("registry.internal:5000/aquasec/trivy:0.74.0");

    // what Trivy gets for the air-gapped knobs
    t.skipDbUpdate = true;
    t.skipJavaDbUpdate = true;
    t.offline = true;
    ScanConfig air = t.config(Map.of());
    assertThat(String.join(" ", ImageScan.common(air))).isEqualTo("--cache-dir {cache} --format json --output {output}"
        + " --scanners vuln --no-progress --timeout 900s --db-repository registry.internal/trivy-db:2 --db-repository"
        + " mirror.internal/trivy-db --skip-db-update --java-db-repository registry.internal/trivy-java-db:1"
        + " --skip-java-db-update --offline-scan");
    assertThat(ImageScan.env(air)).containsEntry("TRIVY_SKIP_VERSION_CHECK", "true");
    // as a server's client the vulnerability DB is the server's: no DB flags
    t.server = "http://127.0.0.1:4954";
    assertThat(ImageScan.common(t.config(Map.of()))).doesNotContain("--db-repository", "--skip-db-update")
        .contains("--java-db-repository", "--skip-java-db-update");
  }

  @Test
  void autoPicksTheContainerWhereDockerAnswersElseTheBinary() throws Exception {
    Path trivy = Files.createFile(tmp.resolve("trivy"));
    trivy.toFile().setExecutable(true);
    ScanConfig auto = p().config(Map.of());
    assertThat(Engines.select(auto, () -> true, tmp.toString()).describe()).isEqualTo("container aquasec/trivy:0.74.0");
    assertThat(Engines.select(auto, () -> false, tmp.toString()).describe()).isEqualTo("binary " + trivy);
    assertThatThrownBy(() -> Engines.select(auto, () -> false, "/nonexistent")).isInstanceOf(ScanException.class)
        .hasMessageStartingWith("no Docker API endpoint answers");
    TestParams explicit = p();
    explicit.trivy = trivy;
    assertThat(Engines.select(explicit.config(Map.of()), () -> true, "").describe()).isEqualTo("binary " + trivy);
    TestParams server = p();
    server.engine = "server";
    server.server = "http://127.0.0.1:4954";
    assertThat(Engines.select(server.config(Map.of("TRIVY_TOKEN", "t0ken-abc")), () -> false, tmp.toString())
        .describe()).isEqualTo("binary " + trivy + ", client of the Trivy server http://127.0.0.1:4954 (token from "
        + "environment variable TRIVY_TOKEN)");
    assertThat(List.of(ScanConfig.Engine.values())).hasSize(4);
  }
}
