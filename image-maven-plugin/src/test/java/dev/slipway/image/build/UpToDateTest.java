package dev.slipway.image.build;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.Log;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.common.registry.RegistryAccess;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.testkit.LocalRegistry;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarOutputStream;
import java.util.zip.ZipEntry;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * image:build's up-to-date path against the real registry: a second build with nothing changed runs no jib and
 * pushes nothing; a touched but byte-identical class does not rebuild; a changed class, a changed dependency, a
 * changed parameter, the pushed image deleted from the registry, or the work directory deleted each rebuild.
 */
class UpToDateTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir Path dir;
  Path classes;
  Path jar;

  private final List<String> lines = new ArrayList<>();
  private final Log log = new Log() {
    public void debug(String m) {}

    public void info(String m) {
      lines.add(m);
    }

    public void warn(String m) {
      lines.add(m);
    }

    public void error(String m) {
      lines.add(m);
    }
  };

  @BeforeEach
  void project() throws Exception {
    classes = Files.createDirectories(dir.resolve("classes"));
    compile("hi");
    Files.writeString(classes.resolve("app.properties"), "greeting=hi\n");
    jar = dir.resolve("repo/lib-1.0.jar");
    Files.createDirectories(jar.getParent());
    writeJar("one");
  }

  private void compile(String greeting) throws Exception {
    Path src = dir.resolve("src/app/Hello.java");
    Files.createDirectories(src.getParent());
    Files.writeString(src, "package app; public class Hello { public static void main(String[] a) {"
        + " System.out.println(\"" + greeting + "\"); } }");
    assertThat(ToolProvider.getSystemJavaCompiler().run(null, null, null, "-d", classes.toString(), src.toString()))
        .isZero();
  }

  private void writeJar(String content) throws Exception {
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
      out.putNextEntry(new ZipEntry("lib/Data.txt"));
      out.write(content.getBytes(StandardCharsets.UTF_8));
      out.closeEntry();
    }
  }

  private BuildConfig config(Map<String, String> env) throws Exception {
    return new BuildConfig("scratch", Platforms.parse("linux/amd64,linux/arm64"),
        ImageRef.parse(registry.hostPort() + "/uptodate", "image.to"), "hello", List.of("1.0"), null,
        dir.resolve("target/slipway"), classes, List.of(jar), List.of(), "app.Hello", List.of(), List.of(), List.of(),
        env, List.of("8080"), null, "65532", Map.of(), List.of(), Instant.parse("2026-01-01T00:00:00Z"), "/app",
        RegistryAccess.of(Set.of(registry.hostPort())), null, null);
  }

  /** Builds and says whether jib ran (false: the up-to-date path answered). */
  private boolean built(BuildConfig c) throws Exception {
    lines.clear();
    new ImageBuilder(log).build(c);
    boolean upToDate = lines.stream().anyMatch(l -> l.startsWith("Image is up to date"));
    boolean ran = lines.stream().anyMatch(l -> l.startsWith("Building "));
    assertThat(upToDate).as("exactly one of built / up to date: %s", lines).isNotEqualTo(ran);
    return ran;
  }

  private int deleteManifest(String digest) throws Exception {
    HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
            URI.create(registry.url() + "/v2/uptodate/manifests/" + digest)).DELETE().build(),
        HttpResponse.BodyHandlers.discarding());
    return r.statusCode();
  }

  @Test
  void inputChangesRebuildAndTouchedButIdenticalFilesDoNot() throws Exception {
    Map<String, String> env = Map.of("APP_MODE", "test");
    assertThat(built(config(env))).as("first build").isTrue();
    assertThat(built(config(env))).as("nothing changed").isFalse();
    assertThat(lines).noneMatch(l -> l.startsWith("Pushing"));

    // the same bytes with new times (a rebuild by the compiler or the resources plugin): still up to date
    Path classFile = classes.resolve("app/Hello.class");
    Files.setLastModifiedTime(classFile, FileTime.fromMillis(Files.getLastModifiedTime(classFile).toMillis() + 5000));
    assertThat(built(config(env))).as("touched class, same bytes").isFalse();
    assertThat(built(config(env))).as("and again, from the refreshed record").isFalse();

    compile("ho");
    assertThat(built(config(env))).as("changed class").isTrue();
    assertThat(built(config(env))).isFalse();

    writeJar("two");
    assertThat(built(config(env))).as("changed dependency").isTrue();
    assertThat(built(config(env))).isFalse();

    assertThat(built(config(Map.of("APP_MODE", "prod")))).as("changed parameter").isTrue();
    assertThat(built(config(Map.of("APP_MODE", "prod")))).isFalse();
  }

  @Test
  void theImageDeletedFromTheRegistryOrTheWorkDirectoryDeletedRebuilds() throws Exception {
    BuildConfig c = config(Map.of());
    assertThat(built(c)).isTrue();
    BuiltImage first = BuiltImage.read(c.imageJson());

    assertThat(deleteManifest(first.digest())).isEqualTo(202);
    assertThat(built(c)).as("pushed image deleted").isTrue();
    assertThat(BuiltImage.read(c.imageJson()).digest()).isEqualTo(first.digest());
    assertThat(built(c)).isFalse();

    try (var walk = Files.walk(dir.resolve("target/slipway"))) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    assertThat(built(c)).as("work directory deleted").isTrue();
    assertThat(built(c)).isFalse();
  }
}
