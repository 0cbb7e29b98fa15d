package dev.slipway.perf.mojo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.Log;
import dev.slipway.perf.results.ResultsReader;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import java.io.File;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Mojo end to end without a Maven fork: perf.start launches a real service (a JDK HTTP server run from source by
 * the java launcher), perf:load runs twice against it in the closed model, and the service is stopped afterwards.
 */
class LoadMojoTest {
  @TempDir Path dir;

  static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static LoadMojo mojo(Path out) {
    LoadMojo m = new LoadMojo();
    m.duration = "1s";
    m.model = "auto";
    m.timeout = "2s";
    m.runs = 1;
    m.progressInterval = "5s";
    m.startTimeout = "60s";
    m.failOnAbort = true;
    m.outputDirectory = out.toFile();
    return m;
  }

  @Test
  void startsTheServiceRunsTwiceWritesResultsAndStopsIt() throws Exception {
    int port = freePort();
    Path source = Path.of(LoadMojoTest.class.getResource("/HealthServer.java").toURI());
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path out = dir.resolve("perf");
    LoadMojo m = mojo(out);
    m.target = "http://127.0.0.1:" + port + "/health";
    m.start = "\"" + java + "\" \"" + source + "\" " + port;
    m.basedir = dir.toFile();
    m.connections = 2;
    m.runs = 2;

    m.execute();

    List<RunResult> runs = ResultsReader.standard(Log.silent()).read(out);
    assertThat(runs).hasSize(2);
    assertThat(runs).extracting(RunResult::run).containsExactly(1, 2);
    for (RunResult r : runs) {
      assertThat(r.model()).isEqualTo(WorkloadModel.CLOSED);
      assertThat(r.endpoint("GET /health").orElseThrow().requests()).isPositive();
      assertThat(r.total().errors().total()).isZero();
    }
    assertThat(out.resolve("load-run-1.hlog")).isNotEmptyFile();
    assertThat(Files.readString(out.resolve("service.log"))).contains("listening on " + port);
    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
        .as("service stopped after the test").isInstanceOf(java.net.ConnectException.class);
  }

  @Test
  void serviceThatNeverGetsHealthyFailsWithItsOutput() throws Exception {
    LoadMojo m = mojo(dir.resolve("perf"));
    m.target = "http://127.0.0.1:" + freePort() + "/";
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    m.start = "\"" + java + "\" -version";
    m.basedir = dir.toFile();

    assertThatThrownBy(m::execute).isInstanceOf(MojoExecutionException.class)
        .hasMessageContaining("exited with status 0").hasMessageContaining("version");
  }

  @Test
  void badParametersAreTheProjectsFault() {
    LoadMojo m = mojo(dir.resolve("perf"));
    m.target = "http://127.0.0.1:1/";
    m.model = "sideways";
    assertThatThrownBy(m::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("perf.model").hasMessageContaining("auto, open, closed");

    m.model = "auto";
    m.duration = "forever";
    assertThatThrownBy(m::execute).isInstanceOf(MojoFailureException.class)
        .hasMessageContaining("perf.duration").hasMessageContaining("30s");

    m.duration = "1s";
    m.target = null;
    assertThatThrownBy(m::execute).isInstanceOf(MojoFailureException.class).hasMessageContaining("perf.target");
  }

  @Test
  void unreachableTargetIsAnEnvironmentError() throws Exception {
    LoadMojo m = mojo(dir.resolve("perf"));
    m.target = "http://127.0.0.1:" + freePort() + "/";
    assertThatThrownBy(m::execute).isInstanceOf(MojoExecutionException.class).hasMessageContaining("unreachable");
    assertThat(dir.resolve("perf")).doesNotExist();
  }

  @Test
  void skipDoesNothing() throws Exception {
    LoadMojo m = mojo(dir.resolve("perf"));
    m.skip = true;
    m.target = "http://127.0.0.1:1/";
    m.execute();
    assertThat(new File(dir.toFile(), "perf")).doesNotExist();
  }
}
