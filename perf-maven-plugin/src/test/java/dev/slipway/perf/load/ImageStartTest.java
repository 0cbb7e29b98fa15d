package dev.slipway.perf.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Log;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.perf.compare.ErrorBudget;
import dev.slipway.perf.results.RunResult;
import dev.slipway.testkit.BusyboxImage;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.PodmanRuntime;
import dev.slipway.testkit.PublishedImage;
import dev.slipway.testkit.Skopeo;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code perf.start=image} against the real runtime: podman's Docker API (the kit's service), an image on a local
 * registry named by an {@code image.json} as {@code image:build} writes it, pulled by the digest of its linux/amd64
 * manifest, run on the host network with the port perf.port chose, load-tested, then stopped and removed. The image
 * serves files only it holds, so an answer proves the container (not something on the host) was measured.
 */
class ImageStartTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static PodmanRuntime podman = PodmanRuntime.create();
  static PublishedImage web;
  static String amd64;

  @TempDir Path dir;
  private final List<String> lines = Collections.synchronizedList(new ArrayList<>());
  private final Log log = new Log() {
    @Override
    public void debug(String message) {}

    @Override
    public void info(String message) {
      lines.add(message);
    }

    @Override
    public void warn(String message) {
      lines.add(message);
    }

    @Override
    public void error(String message) {
      lines.add(message);
    }
  };

  @BeforeAll
  static void image() throws Exception {
    web = BusyboxImage.create()
        .file("/www/health", "UP\n", 0644)
        .file("/www/hello", "hello from inside the image\n", 0644)
        .entrypoint("/bin/sh", "-c", "echo \"serving on 127.0.0.1:$PORT as $(id -u)\"; "
            + "exec httpd -f -p 127.0.0.1:$PORT -h /www")
        .user("65532")
        .publishTo(registry, "perf/web:1");
    JsonNode index = new Skopeo(registry).inspectRawJson("docker://" + web.pinned());
    amd64 = index.path("manifests").get(0).path("digest").asText();
  }

  private Path imageJson(PublishedImage image, String platformDigest) throws Exception {
    Path json = dir.resolve("target/slipway/image.json");
    new BuiltImage(1, image.pinned(), image.repository(), List.of(image.tag()), image.digest(),
        "application/vnd.oci.image.index.v1+json", List.of(new BuiltImage.Platform("linux", "amd64", platformDigest,
            1000)), null, true, null, "2026-01-01T00:00:00Z").write(json);
    return json;
  }

  private LoadSettings settings(String path, Path imageJson, String image, Duration startTimeout) throws Exception {
    ServicePort port = ServicePort.resolve(0, "PORT", "image", URI.create("http://127.0.0.1:0" + path),
        URI.create("http://127.0.0.1:0/health"), Map.of(), log);
    return new LoadSettings(port.target(), null, null, null, 50.0, null, Duration.ofSeconds(2), null, "auto", 1,
        Duration.ZERO, Duration.ofSeconds(2), 1, Duration.ofSeconds(5), dir.resolve("out"), "image", null, dir,
        port.health(), startTimeout, port.environment(), Map.of(), ErrorBudget.Limits.defaults(),
        new ImageStart(imageJson, image, "linux/amd64"));
  }

  private String containersOfPerf() throws Exception {
    return podman.podman("ps", "-a", "--filter", "label=" + DockerApiEngine.LABEL, "--format", "{{.ID}}").strip();
  }

  @Test
  void loadTestsTheBuiltImageByItsPlatformDigestAndRemovesItAfterwards() throws Exception {
    LoadSettings s = settings("/hello", imageJson(web, amd64), null, Duration.ofSeconds(60));

    LoadTest.Outcome o = new LoadTest(log).run(s);

    RunResult r = o.runs().get(0);
    assertThat(r.total().requests()).isGreaterThan(50);
    assertThat(r.total().statusCodes()).containsOnlyKeys("200");
    assertThat(o.failed()).isFalse();
    assertThat(lines).anyMatch(l -> l.startsWith("starting the image " + web.repository() + "@" + amd64 + " on "))
        .anyMatch(l -> l.startsWith("service is up: " + s.health() + " answered 200"))
        .anyMatch(l -> l.startsWith("stopped service (container "));
    // the container's own output (its port, its user) was kept beside the results
    assertThat(Files.readString(dir.resolve("out/service.log")))
        .contains("serving on 127.0.0.1:" + s.target().getPort() + " as 65532");
    assertThat(containersOfPerf()).as("the container was removed").isEmpty();
    try (ServerSocket free = new ServerSocket(s.target().getPort(), 1, InetAddress.getLoopbackAddress())) {
      assertThat(free.isBound()).as("its port is free again").isTrue();
    }
  }

  @Test
  void anImageThatExitsFailsTheStartWithItsExitCodeAndOutput() throws Exception {
    PublishedImage crashing = BusyboxImage.create()
        .entrypoint("/bin/sh", "-c", "echo \"no configuration for port $PORT\" >&2; exit 3")
        .user("65532")
        .publishTo(registry, "perf/crash:1");
    LoadSettings s = settings("/hello", dir.resolve("nowhere.json"), crashing.pinned(), Duration.ofSeconds(60));

    assertThatThrownBy(() -> new LoadTest(log).run(s)).isInstanceOf(ServiceStartException.class)
        .hasMessageContaining("perf.start: container ")
        .hasMessageContaining(" of " + crashing.pinned() + " exited with status 3 before " + s.health())
        .hasMessageContaining("no configuration for port " + s.target().getPort());
    assertThat(containersOfPerf()).as("the container was removed").isEmpty();
  }

  @Test
  void aTakenPortIsRefusedBeforeTheContainerStarts() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();
      LoadSettings s = new LoadSettings(URI.create("http://127.0.0.1:" + port + "/hello"), null, null, null, 50.0,
          null, Duration.ofSeconds(1), null, "auto", 1, Duration.ZERO, Duration.ofSeconds(2), 1,
          Duration.ofSeconds(5), dir.resolve("out"), "image", null, dir, null, Duration.ofSeconds(30),
          Map.of("PORT", String.valueOf(port)), Map.of(), ErrorBudget.Limits.defaults(),
          new ImageStart(imageJson(web, amd64), null, null));
      assertThatThrownBy(() -> new LoadTest(log).run(s)).isInstanceOf(ServiceStartException.class)
          .hasMessageContaining("perf.start: port " + port + " is already in use");
      assertThat(lines).noneMatch(l -> l.startsWith("starting the image"));
    }
  }
}
