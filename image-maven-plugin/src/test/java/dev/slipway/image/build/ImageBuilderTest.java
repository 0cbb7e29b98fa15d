package dev.slipway.image.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.common.Retry;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.common.registry.Digests;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.common.registry.RegistryAccess;
import dev.slipway.common.registry.RegistryCredentials;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.Skopeo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.StreamSupport;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class ImageBuilderTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir static Path classes;
  @TempDir Path work;

  @BeforeAll
  static void compileApp() throws Exception {
    Path src = Files.createTempDirectory("src").resolve("app/Hello.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, "package app; public class Hello { public static void main(String[] a) {"
        + " System.out.println(\"hi\"); } }");
    int rc = ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), src.toString());
    assertThat(rc).isZero();
    Files.writeString(classes.resolve("app.properties"), "greeting=hi\n");
  }

  static BuildConfig config(Path work, ImageRef to, Path layout, String platforms) throws Exception {
    return new BuildConfig("scratch", Platforms.parse(platforms), to, "hello", List.of("1.0", "main"), layout,
        work, classes, List.of(), List.of(), null, List.of("-Xmx64m"), List.of(), List.of(),
        Map.of("APP_MODE", "test"), List.of("8080"), "/app", "65532", Map.of("org.opencontainers.image.title", "hello"),
        List.of(), Instant.parse("2026-01-01T00:00:00Z"), "/app", RegistryAccess.of(Set.of(registry.hostPort())), null,
        null);
  }

  private final List<String> lines = new ArrayList<>();
  private final Log log = new Log() {
    public void debug(String m) {}
    public void info(String m) { lines.add(m); }
    public void warn(String m) { lines.add("WARN " + m); }
    public void error(String m) { lines.add("ERROR " + m); }
  };

  @Test
  void pushesAMultiArchIndexThatSkopeoSeesUnderTheSameDigest() throws Exception {
    ImageRef to = ImageRef.parse(registry.hostPort() + "/hello", "image.to");
    BuiltImage image = new ImageBuilder(log).build(config(work, to, null, "linux/amd64,linux/arm64"));

    Skopeo skopeo = new Skopeo(registry);
    String raw = skopeo.inspectRaw("docker://" + registry.hostPort() + "/hello:1.0");
    assertThat(Digests.sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(image.digest());
    JsonNode index = Json.mapper().readTree(raw);
    assertThat(StreamSupport.stream(index.path("manifests").spliterator(), false)
        .map(m -> m.path("platform").path("os").asText() + "/" + m.path("platform").path("architecture").asText()))
        .containsExactly("linux/amd64", "linux/arm64");
    assertThat(image.platforms()).extracting(BuiltImage.Platform::digest)
        .containsExactlyElementsOf(StreamSupport.stream(index.path("manifests").spliterator(), false)
            .map(m -> m.path("digest").asText()).toList());
    assertThat(image.pushed()).isTrue();
    assertThat(image.layout()).isNull();
    assertThat(image.reference()).isEqualTo(registry.hostPort() + "/hello@" + image.digest());
    assertThat(BuiltImage.read(work.resolve("image.json"))).isEqualTo(image);

    JsonNode arm = skopeo.inspect("docker://" + registry.hostPort() + "/hello:main", "linux", "arm64");
    assertThat(arm.path("Architecture").asText()).isEqualTo("arm64");
    assertThat(arm.path("Labels").path("org.opencontainers.image.title").asText()).isEqualTo("hello");
    assertThat(lines).anyMatch(l -> l.startsWith("Pushing ")).anyMatch(l -> l.contains("tagged"));
  }

  @Test
  void writesAnOciLayoutThatSkopeoCopiesWithEveryPlatformAndIsReproducible() throws Exception {
    Path layout = work.resolve("layout");
    BuiltImage first = new ImageBuilder(log).build(config(work, null, layout, "linux/amd64,linux/arm64"));
    JsonNode top = Json.mapper().readTree(layout.resolve("index.json").toFile());
    assertThat(top.path("manifests")).hasSize(1);
    assertThat(top.path("manifests").get(0).path("digest").asText()).isEqualTo(first.digest());
    assertThat(top.path("manifests").get(0).path("annotations").path("org.opencontainers.image.ref.name").asText())
        .isEqualTo("1.0");
    Path indexBlob = layout.resolve("blobs/sha256/" + Digests.hex(first.digest()));
    assertThat(Digests.sha256(Files.readAllBytes(indexBlob))).isEqualTo(first.digest());
    JsonNode index = Json.mapper().readTree(indexBlob.toFile());
    assertThat(index.path("manifests")).hasSize(2);
    assertThat(index.path("manifests").get(0).path("platform").path("architecture").asText()).isEqualTo("amd64");
    assertThat(first.pushed()).isFalse();

    Skopeo skopeo = new Skopeo(registry);
    skopeo.copyAll("oci:" + layout, "docker://" + registry.hostPort() + "/copied:1");
    JsonNode copied = skopeo.inspectRawJson("docker://" + registry.hostPort() + "/copied:1");
    assertThat(copied.path("manifests")).hasSize(2);
    assertThat(skopeo.inspectRaw("docker://" + registry.hostPort() + "/copied:1").getBytes(StandardCharsets.UTF_8))
        .isEqualTo(Files.readAllBytes(indexBlob));
    assertThat(copied.path("manifests").get(1).path("digest").asText()).isEqualTo(first.platforms().get(1).digest());

    Path otherWork = Files.createTempDirectory("again");
    BuiltImage second = new ImageBuilder(Log.silent()).build(config(otherWork, null, otherWork.resolve("l"),
        "linux/amd64,linux/arm64"));
    assertThat(second.digest()).isEqualTo(first.digest());
    assertThat(second.platforms()).isEqualTo(first.platforms());
  }

  @Test
  void unreachableRegistryFailsAfterRetriesWithTheRegistryNamed() throws Exception {
    ImageRef to = ImageRef.parse("127.0.0.1:1/hello", "image.to");
    List<Duration> sleeps = new ArrayList<>();
    ImageBuilder builder = new ImageBuilder(log, new Retry(3, Duration.ofMillis(10), Duration.ofMillis(10), sleeps::add));
    BuildConfig c = config(work, to, null, "linux/amd64");
    BuildConfig insecure = new BuildConfig(c.from(), c.platforms(), to, c.name(), c.tags(), null, work, classes,
        List.of(), List.of(), null, List.of(), List.of(), List.of(), Map.of(), List.of(), null, null, Map.of(), List.of(),
        c.creationTime(), "/app", RegistryAccess.of(Set.of("127.0.0.1:1")), null, null);
    assertThatThrownBy(() -> builder.build(insecure))
        .isInstanceOf(ImageBuildException.class)
        .hasMessageContaining("127.0.0.1:1")
        .hasMessageContaining("3 attempts");
    assertThat(sleeps).hasSize(2);
    assertThat(Files.exists(work.resolve("image.json"))).isFalse();
  }

  @Test
  void wrongPasswordFailsClearlyWithoutPrintingIt() throws Exception {
    try (LocalRegistry auth = LocalRegistry.withBasicAuth("ci", "right-pass").start()) {
      ImageRef to = ImageRef.parse(auth.hostPort() + "/hello", "image.to");
      BuildConfig c = config(work, to, null, "linux/amd64");
      BuildConfig wrong = new BuildConfig(c.from(), c.platforms(), to, c.name(), c.tags(), null, work, classes,
          List.of(), List.of(), null, List.of(), List.of(), List.of(), Map.of(), List.of(), null, null, Map.of(),
          List.of(), c.creationTime(), "/app", RegistryAccess.of(Set.of(auth.hostPort())),
          new RegistryCredentials("ci", "wrong-pass-canary", "settings.xml server"), null);
      assertThatThrownBy(() -> new ImageBuilder(log).build(wrong))
          .isInstanceOf(ImageBuildException.class)
          .hasMessageContaining("HTTP 401")
          .hasMessageContaining("settings.xml")
          .hasMessageNotContaining("wrong-pass-canary");
      assertThat(lines).noneMatch(l -> l.contains("wrong-pass-canary"));
    }
  }

  @Test
  void anUnchangedRebuildIsUpToDateAndAnyInputChangeRebuilds() throws Exception {
    ImageRef to = ImageRef.parse(registry.hostPort() + "/uptodate", "image.to");
    BuildConfig c = config(work, to, work.resolve("layout"), "linux/amd64");
    BuiltImage first = new ImageBuilder(log).build(c);
    lines.clear();
    BuiltImage second = new ImageBuilder(log).build(c);
    assertThat(second).isEqualTo(first);
    assertThat(lines).anyMatch(l -> l.startsWith("Image is up to date"));
    assertThat(lines).noneMatch(l -> l.startsWith("Building "));

    // a new tag in the registry config is a new input
    lines.clear();
    BuildConfig retagged = new BuildConfig(c.from(), c.platforms(), to, c.name(), List.of("1.0", "main", "extra"),
        c.layoutDir(), work, classes, List.of(), List.of(), null, c.jvmFlags(), List.of(), List.of(),
        c.environment(), c.ports(), c.workingDirectory(), c.user(), c.labels(), List.of(), c.creationTime(),
        c.appRoot(), c.registryAccess(), null, null);
    new ImageBuilder(log).build(retagged);
    assertThat(lines).anyMatch(l -> l.startsWith("Building linux/amd64"));
    // changed and touched files, dependencies, deleted outputs: UpToDateTest
  }

  @Test
  void extraDirectoriesLandWithTheirPermissionsAndTheContainerConfigIsAsConfigured() throws Exception {
    Path extra = Files.createDirectories(work.resolve("extra/bin"));
    Files.writeString(extra.resolve("start.sh"), "#!/bin/sh\n");
    Files.writeString(extra.resolve("README"), "docs\n");
    BuildConfig c = config(work, null, work.resolve("layout"), "linux/amd64");
    BuildConfig withExtra = new BuildConfig(c.from(), c.platforms(), null, c.name(), c.tags(), c.layoutDir(), work,
        classes, List.of(), List.of(), null, c.jvmFlags(), List.of("--port", "8080"), List.of(), c.environment(),
        c.ports(), c.workingDirectory(), c.user(), c.labels(),
        List.of(new BuildConfig.ExtraDirectory(work.resolve("extra"), "/opt/tools",
            Map.of("/opt/tools/bin/*.sh", "755"))),
        c.creationTime(), c.appRoot(), c.registryAccess(), null, null);
    BuiltImage image = new ImageBuilder(log).build(withExtra);

    Path layout = work.resolve("layout");
    JsonNode manifest = Json.mapper().readTree(
        layout.resolve("blobs/sha256/" + Digests.hex(image.platforms().get(0).digest())).toFile());
    JsonNode config = Json.mapper().readTree(
        layout.resolve("blobs/sha256/" + Digests.hex(manifest.path("config").path("digest").asText())).toFile());
    assertThat(config.path("config").path("User").asText()).isEqualTo("65532");
    assertThat(config.path("config").path("WorkingDir").asText()).isEqualTo("/app");
    assertThat(config.path("config").path("Entrypoint").toString()).contains("-Xmx64m").contains("app.Hello");
    assertThat(config.path("config").path("Cmd").toString()).isEqualTo("[\"--port\",\"8080\"]");
    assertThat(config.path("config").path("Env").toString()).contains("APP_MODE=test");
    assertThat(config.path("config").path("ExposedPorts").has("8080/tcp")).isTrue();

    Map<String, Integer> modes = new java.util.HashMap<>();
    for (JsonNode layer : manifest.path("layers")) {
      Path blob = layout.resolve("blobs/sha256/" + Digests.hex(layer.path("digest").asText()));
      try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
          new java.util.zip.GZIPInputStream(Files.newInputStream(blob)))) {
        org.apache.commons.compress.archivers.tar.TarArchiveEntry e;
        while ((e = in.getNextEntry()) != null) {
          modes.put(e.getName(), e.getMode() & 0777);
        }
      }
    }
    assertThat(modes).containsEntry("opt/tools/bin/start.sh", 0755).containsEntry("opt/tools/bin/README", 0644)
        .containsKey("app/classes/app/Hello.class").containsKey("app/resources/app.properties");
  }

  @Test
  void withoutAMainClassTheBuildSaysWhichParameterToSet() throws Exception {
    Path empty = Files.createDirectories(work.resolve("no-classes"));
    BuildConfig c = config(work, null, work.resolve("layout"), "linux/amd64");
    BuildConfig noMain = new BuildConfig(c.from(), c.platforms(), null, c.name(), c.tags(), c.layoutDir(), work, empty,
        List.of(), List.of(), null, List.of(), List.of(), List.of(), Map.of(), List.of(), null, null, Map.of(),
        List.of(), c.creationTime(), c.appRoot(), RegistryAccess.secure(), null, null);
    assertThatThrownBy(() -> new ImageBuilder(log).build(noMain))
        .isInstanceOf(dev.slipway.common.InvalidInputException.class)
        .hasMessageContaining("image.mainClass is not set")
        .hasMessageContaining("-Dimage.mainClass");
  }

  @Test
  void dockerConfigCredentialsAreUsedWhenNothingExplicitIsGiven() throws Exception {
    try (LocalRegistry auth = LocalRegistry.withBasicAuth("docker-user", "docker-pass-1").start()) {
      Path home = Files.createDirectories(work.resolve("home/.docker"));
      String token = java.util.Base64.getEncoder().encodeToString("docker-user:docker-pass-1".getBytes());
      Files.writeString(home.resolve("config.json"),
          "{\"auths\":{\"" + auth.hostPort() + "\":{\"auth\":\"" + token + "\"}}}");
      String previousHome = System.getProperty("user.home");
      System.setProperty("user.home", work.resolve("home").toString());
      try {
        ImageRef to = ImageRef.parse(auth.hostPort() + "/via-docker-config", "image.to");
        BuildConfig c = config(work, to, null, "linux/amd64");
        BuildConfig insecure = new BuildConfig(c.from(), c.platforms(), to, c.name(), c.tags(), null, work, classes,
            List.of(), List.of(), null, List.of(), List.of(), List.of(), Map.of(), List.of(), null, null, Map.of(),
            List.of(), c.creationTime(), "/app", RegistryAccess.of(Set.of(auth.hostPort())), null, null);
        BuiltImage image = new ImageBuilder(log).build(insecure);
        assertThat(image.pushed()).isTrue();
      } finally {
        System.setProperty("user.home", previousHome);
      }
    }
  }

  @Test
  void aLayoutUnderProcFailsNamingTheParameterNotWithTheJdksExceptionText() throws Exception {
    BuildConfig c = config(work, null, Path.of("/proc/slipway-image-layout"), "linux/amd64");
    assertThatThrownBy(() -> new ImageBuilder(log).build(c))
        .isInstanceOf(ImageBuildException.class)
        .hasMessageStartingWith("image.layout = /proc/slipway-image-layout: cannot create files there")
        .hasMessageContaining("set image.layout to a directory this build can write")
        .hasMessageNotContaining("NoSuchFileException");
  }
}
