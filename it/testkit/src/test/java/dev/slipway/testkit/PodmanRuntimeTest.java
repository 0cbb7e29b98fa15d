package dev.slipway.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/** The kit's podman against the real runtime, with a busybox image pushed to the local registry. */
class PodmanRuntimeTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static PodmanRuntime podman = PodmanRuntime.create();
  static PublishedImage web;
  private final HttpClient http = HttpClient.newHttpClient();

  /** busybox httpd serving /www on the port given by PORT (the host's network, so 127.0.0.1:PORT outside). */
  @BeforeAll
  static void image() throws Exception {
    web = BusyboxImage.create()
        .file("/www/health", "UP\n", 0644)
        .entrypoint("/bin/sh", "-c", "echo serving on $PORT; exec httpd -f -v -p 0.0.0.0:$PORT -h /www")
        .env("PORT", "8080")
        .user("65532")
        .label("org.opencontainers.image.title", "web")
        .publishTo(registry, "test/web:1");
  }

  static List<String> containerIds() throws Exception {
    return podman.podman("ps", "--all", "--quiet", "--no-trunc").lines().toList();
  }

  @Test
  void aStartedContainerAnswersRunsAsItsUserAndIsRemovedWhenTheRuntimeCloses() throws Exception {
    int port = LocalRegistry.freePort();
    RunningContainer c = podman.container(web.pinned()).env("PORT", Integer.toString(port)).start();
    HttpResponse<String> health = c.awaitHttp(URI.create("http://127.0.0.1:" + port + "/health"),
        Duration.ofSeconds(30));
    assertThat(health.body()).isEqualTo("UP\n");
    assertThat(c.exec("id", "-u").stdout().strip()).isEqualTo("65532");
    assertThat(c.inspect().path("Config").path("Labels").path("org.opencontainers.image.title").asText())
        .isEqualTo("web");
    assertThat(c.logs()).contains("serving on " + port);
    assertThat(containerIds()).contains(c.id());

    podman.close(); // what afterAll does: every container this runtime started goes, by id
    assertThat(containerIds()).doesNotContain(c.id());
    assertThatThrownBy(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
        .build(), HttpResponse.BodyHandlers.discarding())).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void anExitedContainerHasItsExitCodeAndOutputAndAWaitForHttpStopsAtOnce() throws Exception {
    try (RunningContainer c = podman.container(web.pinned())
        .entrypoint("/bin/sh").command("-c", "echo going down >&2; exit 3").start()) {
      assertThat(c.awaitExit(Duration.ofSeconds(30))).isEqualTo(3);
      assertThat(c.logs()).contains("going down");
      assertThatThrownBy(() -> c.awaitHttp(URI.create("http://127.0.0.1:9/health"), Duration.ofMinutes(5)))
          .hasMessageContaining("exited with 3").hasMessageContaining("going down");
    }
  }

  @Test
  void testcontainersFindsTheKitsSocketAndTheBridgeNetworkMapsPorts() throws Exception {
    assertThat(DockerClientFactory.instance().getTransportConfig().getDockerHost().toString())
        .isEqualTo(podman.dockerHost());
    String id;
    try (GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(web.pinned()))
        .withExposedPorts(8080)
        .waitingFor(Wait.forHttp("/health").forStatusCode(200).withStartupTimeout(Duration.ofSeconds(60)))) {
      c.start();
      id = c.getContainerId();
      URI url = URI.create("http://" + c.getHost() + ":" + c.getMappedPort(8080) + "/health");
      assertThat(http.send(HttpRequest.newBuilder(url).build(), HttpResponse.BodyHandlers.ofString()).body())
          .isEqualTo("UP\n");
      assertThat(containerIds()).contains(id);
    }
    assertThat(containerIds()).doesNotContain(id);
  }

  @Test
  void aMissingPodmanFailsNamingTheDebianPackage() {
    assertThatThrownBy(() -> PodmanRuntime.using("podman-not-installed").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("'podman-not-installed' is not installed")
        .hasMessageContaining("install the Debian package 'podman'");
  }

  @Test
  void closingTheServiceKillsItsContainersAndLeavesNothingBehind() throws Exception {
    PodmanService service = PodmanService.startNew(Tools.require("podman", "podman"));
    Path dir = service.directory();
    String id = service.podman(Duration.ofMinutes(2), List.of("run", "--detach", "--network=host",
        "--entrypoint=/bin/sleep", web.pinned(), "600")).orThrow().strip();
    String pid = service.podman(Duration.ofSeconds(30), List.of("inspect", "--format", "{{.State.Pid}}", id))
        .orThrow().strip();
    assertThat(Path.of("/proc", pid)).exists();
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).contains(dir.toString());

    service.close();
    assertThat(Path.of("/proc", pid)).doesNotExist(); // the container's process is gone
    assertThat(dir).doesNotExist();
    assertThat(Files.readString(Path.of("/proc/self/mountinfo"))).doesNotContain(dir.toString());
    assertThat(service.ping()).isNull();
  }
}
