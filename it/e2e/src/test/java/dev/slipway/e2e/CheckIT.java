package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import dev.slipway.testkit.MavenRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code image:check} on the example service in forked Maven builds; its parameters one by one (skip, bad values) are
 * tested in-process in image-maven-plugin's CheckGoalTest.
 */
class CheckIT {
  @TempDir Path dir;

  @Test
  void aRootUserImageFailsTheBuildNamingTheRule() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    MavenRun.Result r = MavenRun.in(project).args("package", "-DskipTests", "-Dimage.user=root", "image:check")
        .run();
    assertThat(r.succeeded()).as(r.log()).isFalse();
    assertThat(r.log()).contains("[FAIL] nonRoot linux/amd64: USER is 'root' (root)")
        .contains("image:check failed: 2 rule violation(s) of severity error")
        .contains("nonRoot (linux/arm64)");
    JsonNode report = Json.mapper().readTree(project.resolve("target/slipway/check.json").toFile());
    assertThat(report.path("passed").asBoolean()).isFalse();
  }

  @Test
  void aLiteralSecretInTheEnvironmentFailsWithoutTheValueInAnyOutput() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    String canary = "canary-s3cr3t-4711";
    MavenRun.Result r = MavenRun.in(project).args("verify", "-DskipTests", "-Dperf.skip", "-Dimage.platforms=linux/amd64",
        "-Dimage.environment=DB_PASSWORD=" + canary + ",DB_PASSWORD_FILE=/run/secrets/db").run();
    assertThat(r.succeeded()).isFalse();
    assertThat(r.log()).contains("[FAIL] noSecretEnv linux/amd64: environment variables [DB_PASSWORD]")
        .contains("noSecretEnv (linux/amd64)").doesNotContain(canary);
    assertThat(java.nio.file.Files.readString(project.resolve("target/slipway/check.json"))).doesNotContain(canary);
  }

  @Test
  void theExampleAsConfiguredPassesAndASmallerMaxSizeFails() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    MavenRun.Result r = MavenRun.in(project).args("package", "-DskipTests", "image:check").run();
    assertThat(r.succeeded()).as(r.log()).isTrue();
    assertThat(r.log()).contains("[PASS] nonRoot linux/amd64: runs as '65532'").contains("[PASS] platforms")
        .contains("[PASS] ports linux/arm64: declares [8080/tcp]");
    JsonNode report = Json.mapper().readTree(project.resolve("target/slipway/check.json").toFile());
    assertThat(report.path("passed").asBoolean()).isTrue();

    MavenRun.Result tooBig = MavenRun.in(project).args("image:check", "-Dimage.check.maxSize=1kB").run();
    assertThat(tooBig.succeeded()).isFalse();
    assertThat(tooBig.log()).contains("maxSize (linux/amd64): compressed size");
  }
}
