package dev.slipway.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.Log;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.ResultsReader;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import dev.slipway.common.image.BuiltImage;
import dev.slipway.testkit.JreBase;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.MavenRun;
import dev.slipway.testkit.PodmanRuntime;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code perf:load} in a real forked Maven build of the example service: the build packages the service, forks it
 * ({@code perf.start}), waits for {@code /health}, runs an open-model load twice and stops the service — so
 * {@code mvn verify} load-tests exactly what it just built.
 */
class PerfLoadIT {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @RegisterExtension static PodmanRuntime podman = PodmanRuntime.create();
  @TempDir Path dir;

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  @Test
  void loadTestsThePackagedServiceItStarts() throws Exception {
    Path project = ExampleProject.copy("hello-service", dir);
    int port = freePort();
    String base = "http://127.0.0.1:" + port;
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String version = System.getProperty("slipway.version", "0.1.0-SNAPSHOT");

    MavenRun.Result r = MavenRun.in(project).args("package", "dev.slipway:perf-maven-plugin:" + version + ":load",
        "-DskipTests", "-Dperf.skipTests=false", "-Dimage.skip=true",
        "-Dperf.start=env PORT=" + port + " BIND=127.0.0.1 " + java + " -jar target/hello-service-1.0.0-SNAPSHOT.jar",
        "-Dperf.target=" + base + "/api/greeting?name=ci", "-Dperf.health=" + base + "/health",
        "-Dperf.rate=100", "-Dperf.duration=2s", "-Dperf.runs=2", "-Dperf.progressInterval=1s").run();

    assertThat(r.succeeded()).as(r.log()).isTrue();
    List<RunResult> runs = ResultsReader.standard(Log.silent()).read(project.resolve("target/slipway/perf"));
    assertThat(runs).extracting(RunResult::run).containsExactly(1, 2);
    for (RunResult run : runs) {
      assertThat(run.model()).isEqualTo(WorkloadModel.OPEN);
      EndpointResult e = run.endpoint("GET /api/greeting?name=ci").orElseThrow();
      // 2 s at 100/s with 0.4 s warm-up: every due arrival answered, without errors.
      assertThat(e.requests()).isBetween(158L, 162L);
      assertThat(e.errors().total()).isZero();
      assertThat(e.latency().p99()).isPositive();
    }
    assertThat(r.log()).contains("service is up: " + base + "/health answered 200")
        .containsPattern("req/s \\(scheduled \\d+/s\\)  errors 0  p99")
        .contains("all runs:").contains("stopped service");
    assertThat(project.resolve("target/slipway/perf/load-run-2.hlog")).isNotEmptyFile();
    assertThat(Files.readString(project.resolve("target/slipway/perf/service.log"))).isNotNull();
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
      throw new AssertionError("the service still listens after the build");
    } catch (ConnectException expected) {
      // stopped
    }
  }

  /**
   * {@code perf.start=image}: the example built FROM the kit's JRE base and pushed to a local registry, then
   * load-tested as a container of its linux/amd64 manifest under podman (reached through {@code DOCKER_HOST}, as a
   * user's CI would), on the free port {@code perf.port=0} chose; the container is gone afterwards.
   */
  @Test
  void loadTestsTheBuiltImageUnderTheContainerRuntime() throws Exception {
    String jre = JreBase.shared().publishTo(registry).pinned();
    Path project = ExampleProject.copy("hello-service", dir);

    MavenRun.Result r = MavenRun.in(project).env(podman.environment()).args("verify", "-DskipTests",
        "-Dperf.skipTests=false", "-Dimage.from=" + jre, "-Dimage.platforms=linux/amd64",
        "-Dimage.to=" + registry.hostPort() + "/hello-service", "-Dimage.insecureRegistries=" + registry.hostPort(),
        "-Dperf.start=image", "-Dperf.runs=1", "-Dperf.startTimeout=120s").run();

    assertThat(r.succeeded()).as(r.log()).isTrue();
    BuiltImage image = BuiltImage.read(project.resolve("target/slipway/image.json"));
    String amd64 = image.repository() + "@" + image.platforms().get(0).digest();
    assertThat(r.log()).contains("starting the image " + amd64 + " on the Docker API at " + podman.dockerHost())
        .containsPattern("service is up: http://127\\.0\\.0\\.1:\\d+/health answered 200")
        .contains("stopped service (container ");
    // the container client's clean-up at JVM exit must not fail after Maven closed the plugin's class realm
    assertThat(r.log()).as(r.log()).doesNotContain("NoClassDefFoundError").doesNotContain("Exception in thread");
    List<RunResult> runs = ResultsReader.standard(Log.silent()).read(project.resolve("target/slipway/perf"));
    assertThat(runs).singleElement().satisfies(run -> {
      assertThat(run.endpoint("greeting").orElseThrow().requests()).isPositive();
      assertThat(run.total().errors().total()).isZero();
    });
    // the JVM that answered ran in the image: its start-up lines are the container's output
    assertThat(Files.readString(project.resolve("target/slipway/perf/service.log"))).contains("hello-service listening");
    assertThat(podman.podman("ps", "-a", "--filter", "label=dev.slipway.perf", "--format", "{{.ID}}").strip())
        .as("the container was removed").isEmpty();
  }
}
