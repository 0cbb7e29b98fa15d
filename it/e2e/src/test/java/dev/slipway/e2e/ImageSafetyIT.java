package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import dev.slipway.testkit.MavenRun;
import dev.slipway.testkit.SilentServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * image:build never loses a file and never hangs, in real forked Maven builds of the example: a layout parameter
 * pointing at the project is refused, a registry that accepts and never answers fails within image.registry.timeout,
 * a registry name that does not resolve is named as a DNS failure (no query leaves the machine: the forked JVM reads
 * names from a hosts file), and jib's map form of environment and labels reaches the image.
 */
class ImageSafetyIT {
  @TempDir Path dir;

  /** Names resolve from this file only in the forked Maven, so registry.invalid is never asked of a DNS server. */
  static String[] hostsFile(Path dir) throws IOException {
    Path hosts = dir.resolve("hosts");
    Files.writeString(hosts, "127.0.0.1 localhost\n127.0.0.1 registry.slipway.test\n");
    return new String[] {"-Djdk.net.hosts.file=" + hosts};
  }

  @Test
  void aLayoutParameterPointingAtTheProjectIsRefusedAndTheProjectKept() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    long files;
    try (var walk = Files.walk(project)) {
      files = walk.filter(p -> !p.startsWith(project.resolve("target"))).count();
    }
    MavenRun.Result r = MavenRun.in(project).args("package", "-DskipTests", "-Dimage.layout=.",
        "-Dimage.platforms=linux/amd64").run();
    assertThat(r.succeeded()).as(r.log()).isFalse();
    assertThat(r.log()).contains("image.layout = " + project + " is not empty and is not an OCI layout that "
        + "image:build wrote").contains("nothing in it was changed");
    try (var walk = Files.walk(project)) {
      assertThat(walk.filter(p -> !p.startsWith(project.resolve("target"))).count()).isEqualTo(files);
    }
    assertThat(project.resolve("pom.xml")).exists();
    assertThat(project.resolve("src/main/java")).isDirectory();
  }

  @Test
  void aRegistryThatAcceptsAndNeverAnswersFailsWithinTheTimeoutSayingWhatItWaitedFor() throws Exception {
    try (SilentServer silent = new SilentServer()) {
      String registry = silent.hostPort();
      Path project = ExampleProject.copy("hello-service", dir);
      MavenRun.Result r = MavenRun.in(project).args("package", "-DskipTests", "-Dimage.to=" + registry + "/hello",
          "-Dimage.insecureRegistries=" + registry, "-Dimage.registry.timeout=2s",
          "-Dimage.platforms=linux/amd64").run();
      assertThat(r.succeeded()).as(r.log()).isFalse();
      assertThat(r.log()).contains("still waiting for registry " + registry + " to answer")
          .contains("neither answered nor took any data for 2 s")
          .contains("image.registry.timeout");
      assertThat(silent.accepted()).isNotEmpty();
    }
  }

  @Test
  void aRegistryNameThatDoesNotResolveIsADnsFailureAndIsNotRetried() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    MavenRun.Result r = MavenRun.in(project).jvmOptions(hostsFile(dir)).args("package", "-DskipTests",
        "-Dimage.to=registry.invalid:5000/hello", "-Dimage.insecureRegistries=registry.invalid:5000",
        "-Dimage.platforms=linux/amd64").run();
    assertThat(r.succeeded()).as(r.log()).isFalse();
    assertThat(r.log()).contains("cannot resolve the host name of registry registry.invalid:5000 (DNS lookup failed)")
        .doesNotContain("connection refused").doesNotContain("attempt 1 of");
  }

  @Test
  void jibsMapFormOfEnvironmentAndTheListFormOfLabelsReachTheImage() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    Path pom = project.resolve("pom.xml");
    String text = Files.readString(pom);
    String plugin = "<artifactId>image-maven-plugin</artifactId>";
    int at = text.indexOf(plugin);
    assertThat(at).as("the example declares image-maven-plugin").isPositive();
    int versionEnd = text.indexOf("</version>", at) + "</version>".length();
    Files.writeString(pom, text.substring(0, versionEnd) + """

            <configuration>
              <environment>
                <JAVA_TOOL_OPTIONS>-Dgreeting=hi -Dmode=e2e</JAVA_TOOL_OPTIONS>
                <APP_MODE>${project.artifactId}</APP_MODE>
              </environment>
              <labels>
                <label>team=core</label>
                <label>tier=backend</label>
              </labels>
            </configuration>""" + text.substring(versionEnd));
    MavenRun.Result r = MavenRun.in(project).args("package", "-DskipTests", "-Dimage.platforms=linux/amd64").run();
    assertThat(r.succeeded()).as(r.log()).isTrue();

    Path layout = project.resolve("target/slipway/image");
    JsonNode config = Json.mapper().readTree(blob(layout, manifest(layout).path("config").path("digest").asText()))
        .path("config");
    assertThat(config.path("Env").toString()).contains("JAVA_TOOL_OPTIONS=-Dgreeting=hi -Dmode=e2e")
        .contains("APP_MODE=hello-service");
    assertThat(config.path("Labels").path("team").asText()).isEqualTo("core");
    assertThat(config.path("Labels").path("tier").asText()).isEqualTo("backend");
  }

  static byte[] blob(Path layout, String digest) throws IOException {
    return Files.readAllBytes(layout.resolve("blobs/sha256/" + digest.substring("sha256:".length())));
  }

  /** The single platform's manifest: index.json → the image index → its first manifest. */
  static JsonNode manifest(Path layout) throws IOException {
    JsonNode top = Json.mapper().readTree(layout.resolve("index.json").toFile());
    JsonNode index = Json.mapper().readTree(blob(layout, top.path("manifests").get(0).path("digest").asText()));
    return Json.mapper().readTree(blob(layout, index.path("manifests").get(0).path("digest").asText()));
  }
}
