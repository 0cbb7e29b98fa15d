package dev.slipway.image.scan;

import dev.slipway.image.TestLog;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.slipway.image.sbom.OciLayoutSource;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server path: a Trivy server's HTTP endpoints on loopback ({@code /healthz}, {@code /version} with the DB
 * metadata, as {@code trivy server} serves them) and a scripted trivy client that checks it gets {@code --server},
 * {@code --token-header} and the token in {@code TRIVY_TOKEN}, never in its arguments. A canary token is planted and
 * every log line, report and message is searched for it.
 */
class ServerModeTest {
  static final String CANARY = "canary-trivy-token-4b9e1c";
  static final Clock CLOCK = Clock.fixed(Instant.parse("2026-06-01T12:00:00Z"), ZoneOffset.UTC);
  @TempDir Path tmp;
  HttpServer server;
  final List<String> requests = new CopyOnWriteArrayList<>();
  volatile String dbUpdatedAt = "2026-06-01T06:00:00Z";

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> {
      requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath());
      byte[] body;
      int status = 200;
      switch (exchange.getRequestURI().getPath()) {
        case "/healthz" -> body = "ok".getBytes(StandardCharsets.UTF_8);
        case "/version" -> body = ("{\"Version\":\"0.74.0\",\"VulnerabilityDB\":{\"Version\":2,\"NextUpdate\":\""
            + dbUpdatedAt + "\",\"UpdatedAt\":\"" + dbUpdatedAt + "\",\"DownloadedAt\":\"" + dbUpdatedAt + "\"}}")
            .getBytes(StandardCharsets.UTF_8);
        default -> {
          status = 404;
          body = new byte[0];
        }
      }
      exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
      if (body.length > 0) {
        exchange.getResponseBody().write(body);
      }
      exchange.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  TestParams params() throws Exception {
    TestParams p = new TestParams(tmp);
    p.engine = "server";
    p.server = url();
    p.failOn = "CRITICAL";
    p.trivy = new StandInTrivy(Goldens.path("alpine-310.json.golden").toString(),
        Goldens.path("alpine-39.json.golden").toString(), "").set("EXPECT_SERVER", url())
        .set("EXPECT_TOKEN", CANARY).write(tmp.resolve("bin"));
    return p;
  }

  @Test
  void theClientGetsServerAndTokenAndTheTokenAppearsNowhere() throws Exception {
    TestParams p = params();
    p.tokenEnv = "CI_TRIVY_TOKEN"; // a variable Trivy itself does not read: only Slipway hands it over
    TestLog log = new TestLog();
    ScanFixture fixture = new ScanFixture(tmp);
    ScanConfig config = p.config(Map.of("CI_TRIVY_TOKEN", CANARY));
    Trivy trivy = Engines.select(config, () -> false, "/nonexistent");
    Throwable failure = null;
    try {
      new ImageScan(trivy, () -> new OciLayoutSource(fixture.layout), log, CLOCK, Duration.ofSeconds(30))
          .run(config, fixture.image);
    } catch (ScanPolicyException e) {
      failure = e;
    }
    assertThat(failure).isNotNull(); // alpine 3.9's CRITICAL findings, on linux/arm64

    // the stand-in accepted --server, --token-header and TRIVY_TOKEN for both platforms, and printed the token
    assertThat(Files.readAllLines(p.cacheDirectory.resolve("invocations"))).hasSize(2);
    assertThat(log.all()).contains("[info] trivy: DEBUG client token=****");
    assertThat(requests).containsExactly("GET /healthz", "GET /version");
    assertThat(failure.getMessage()).doesNotContain(CANARY);
    assertThat(log.all()).doesNotContain(CANARY);
    try (Stream<Path> files = Files.walk(p.outputDirectory)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain(CANARY);
      }
    }
    assertThat(Files.readString(p.outputDirectory.resolve("scan.json"))).contains("\"server\" : \"" + url() + "\"")
        .contains("\"updatedAt\" : \"2026-06-01T06:00:00Z\"");
  }

  @Test
  void aFailingClientsMessageDoesNotCarryTheToken() throws Exception {
    TestParams p = params();
    p.trivy = new StandInTrivy("", "", "").set("EXPECT_SERVER", url()).set("EXPECT_TOKEN", CANARY)
        .set("EXIT_WITH", "1").write(tmp.resolve("bin2"));
    TestLog log = new TestLog();
    ScanFixture fixture = new ScanFixture(tmp);
    ScanConfig config = p.config(Map.of("TRIVY_TOKEN", CANARY));
    assertThatThrownBy(() -> new ImageScan(Engines.select(config, () -> false, ""),
        () -> new OciLayoutSource(fixture.layout), log, CLOCK, Duration.ofSeconds(30)).run(config, fixture.image))
        .isInstanceOf(ScanException.class).hasMessageContaining("client token=****")
        .hasMessageNotContaining(CANARY);
    assertThat(log.all()).doesNotContain(CANARY);
  }

  @Test
  void theServersDatabaseAgeIsCheckedBeforeAnyScan() throws Exception {
    TestParams p = params();
    p.maxDbAge = "2d";
    dbUpdatedAt = "2026-05-25T00:00:00Z";
    ScanFixture fixture = new ScanFixture(tmp);
    ScanConfig config = p.config(Map.of("TRIVY_TOKEN", CANARY));
    assertThatThrownBy(() -> new ImageScan(Engines.select(config, () -> false, ""),
        () -> new OciLayoutSource(fixture.layout), new TestLog(), CLOCK, Duration.ofSeconds(30))
        .run(config, fixture.image)).isInstanceOf(ScanException.class)
        .hasMessageContaining("older than image.scan.maxDbAge=2d").hasMessageContaining("or the server's DB");
    assertThat(p.cacheDirectory.resolve("invocations")).doesNotExist();
  }

  @Test
  void aServerThatDoesNotAnswerIsNamed() throws Exception {
    TestParams p = params();
    server.stop(0);
    ScanFixture fixture = new ScanFixture(tmp);
    ScanConfig config = p.config(Map.of());
    assertThatThrownBy(() -> new ImageScan(Engines.select(config, () -> false, ""),
        () -> new OciLayoutSource(fixture.layout), new TestLog(), CLOCK, Duration.ofSeconds(30))
        .run(config, fixture.image)).isInstanceOf(ScanException.class)
        .hasMessageStartingWith("the Trivy server " + url() + " does not answer");
  }
}
