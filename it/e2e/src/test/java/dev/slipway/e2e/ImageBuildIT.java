package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.MavenRun;
import dev.slipway.testkit.Skopeo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code image:build} on the example service, in real forked Maven builds, read back with skopeo. */
class ImageBuildIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir Path dir;

  static String sha256(byte[] bytes) throws Exception {
    return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  static List<String> platforms(JsonNode index) {
    return StreamSupport.stream(index.path("manifests").spliterator(), false)
        .map(m -> m.path("platform").path("os").asText() + "/" + m.path("platform").path("architecture").asText())
        .toList();
  }

  @Test
  void pushesTheExampleMultiArchUnderTheDigestInImageJson() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    MavenRun.Result r = MavenRun.in(project).args("package", "-DskipTests",
        "-Dimage.to=" + registry.hostPort() + "/hello-service",
        "-Dimage.insecureRegistries=" + registry.hostPort(), "-Dimage.tags=e2e").run();
    assertThat(r.succeeded()).as(r.log()).isTrue();

    BuiltImage image = BuiltImage.read(project.resolve("target/slipway/image.json"));
    Skopeo skopeo = new Skopeo(registry);
    String raw = skopeo.inspectRaw("docker://" + registry.hostPort() + "/hello-service:e2e");
    assertThat(sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(image.digest());
    assertThat(platforms(Json.mapper().readTree(raw))).containsExactly("linux/amd64", "linux/arm64");
    assertThat(image.pushed()).isTrue();
    assertThat(image.layout()).isNull();

    JsonNode amd64 = skopeo.inspect("docker://" + registry.hostPort() + "/hello-service:e2e", "linux", "amd64");
    assertThat(amd64.path("Labels").path("org.opencontainers.image.title").asText()).isEqualTo("hello-service");
    assertThat(amd64.path("Labels").path("org.opencontainers.image.version").asText()).isEqualTo("1.0.0-SNAPSHOT");
    assertThat(amd64.path("Created").asText()).startsWith("2026-01-01T00:00:00");
    assertThat(r.log()).contains("Pushing ").contains("tagged " + registry.hostPort() + "/hello-service:e2e");
  }

  @Test
  void theDefaultLayoutIsCopiedWholeBySkopeoAndRebuildsToTheSameDigest() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    MavenRun.Result first = MavenRun.in(project).args("package", "-DskipTests").run();
    assertThat(first.succeeded()).as(first.log()).isTrue();
    BuiltImage image = BuiltImage.read(project.resolve("target/slipway/image.json"));
    Path layout = project.resolve("target/slipway/image");
    assertThat(image.layout()).isEqualTo(layout.toString());
    assertThat(image.pushed()).isFalse();

    Skopeo skopeo = new Skopeo(registry);
    skopeo.copyAll("oci:" + layout, "docker://" + registry.hostPort() + "/from-layout:1");
    String raw = skopeo.inspectRaw("docker://" + registry.hostPort() + "/from-layout:1");
    assertThat(sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(image.digest());
    assertThat(platforms(Json.mapper().readTree(raw))).containsExactly("linux/amd64", "linux/arm64");

    MavenRun.Result again = MavenRun.in(project).args("clean", "package", "-DskipTests").run();
    assertThat(again.succeeded()).as(again.log()).isTrue();
    assertThat(BuiltImage.read(project.resolve("target/slipway/image.json")).digest()).isEqualTo(image.digest());
  }

  // Parameters one by one (bad platforms, skip, ...) are tested in-process: image-maven-plugin's BuildGoalTest.
}
