package dev.slipway.perf.load;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.slipway.common.Log;
import dev.slipway.perf.load.ErrorCausesTest.RawServer;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.Errors;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Servers that answer in legal but unusual ways, written byte for byte on a raw socket, and a generator that runs
 * into its own connection cap: each is counted for what it is.
 */
class ProtocolEdgesTest {

  /** Answers every request on a keep-alive connection with {@code response}. */
  private static RawServer answering(String response) throws IOException {
    return new RawServer(s -> {
      try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
        while (!s.isClosed()) {
          ErrorCausesTest.readRequest(in);
          out.write(response.getBytes(StandardCharsets.ISO_8859_1));
          out.flush();
        }
      } catch (IOException ignored) {
        // the client closed the connection
      }
    });
  }

  private static RunResult run(URI uri, RequestSpec request) throws Exception {
    LoadConfig cfg = new LoadConfig(uri, List.of(Scenario.of(request, 1)), WorkloadModel.OPEN,
        new ArrivalSchedule(List.of(Phase.constant(Duration.ofSeconds(1), 20))), null, 8, 1, Duration.ZERO,
        Duration.ofSeconds(2), Duration.ofSeconds(5), Map.of());
    return new LoadRunner(Log.silent()).run(cfg, 1, null);
  }

  @Test
  void repeatedEqualContentLengthsAndLongHeaderLinesAreFine() throws Exception {
    String cookie = "a".repeat(20_000);
    try (RawServer repeated = answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\nok");
        RawServer list = answering("HTTP/1.1 200 OK\r\nContent-Length: 2, 2\r\n\r\nok");
        RawServer longLine = answering("HTTP/1.1 200 OK\r\nSet-Cookie: s=" + cookie + "\r\nContent-Length: 2\r\n"
            + "\r\nok")) {
      for (RawServer server : List.of(repeated, list, longLine)) {
        RunResult r = run(server.uri(), RequestSpec.get("/"));

        assertThat(r.total().requests()).isEqualTo(20);
        assertThat(r.total().errors().total()).as(r.toString()).isZero();
        assertThat(r.total().statusCodes()).containsEntry("200", 20L);
      }
    }
  }

  @Test
  void conflictingContentLengthsAreMalformed() throws Exception {
    try (RawServer server = answering("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!")) {
      RunResult r = run(server.uri(), RequestSpec.get("/"));

      assertThat(r.total().errors().other()).isEqualTo(20);
    }
  }

  @Test
  void switchingProtocolsEndsTheExchangeAndTheConnection() throws Exception {
    // 101, then bytes of the new protocol (a WebSocket frame) on the same connection
    try (RawServer server = answering("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
        + "Connection: Upgrade\r\n\r\n\u0081\u0002hi")) {
      RequestSpec upgrade = new RequestSpec(null, "GET", "/ws", Map.of("Upgrade", "websocket", "Connection",
          "Upgrade"), null, ExpectedStatus.parse("101", "test"), null);

      RunResult r = run(server.uri(), upgrade);

      Errors e = r.total().errors();
      assertThat(e.total()).as(r.toString()).isZero();
      assertThat(r.total().statusCodes()).containsEntry("101", 20L);
      assertThat(r.total().requests()).isEqualTo(20);
    }
  }

  @Test
  @Timeout(60)
  void anHttp2OnlyServerIsNamedAsSuch() throws Exception {
    // What an h2c prior-knowledge listener sends first: an empty SETTINGS frame, then GOAWAY(PROTOCOL_ERROR)
    byte[] frames = {0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 8, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    try (RawServer server = new RawServer(s -> {
      try (s; OutputStream out = s.getOutputStream()) {
        ErrorCausesTest.readRequest(s.getInputStream());
        out.write(frames);
        out.flush();
        Thread.sleep(200);
      } catch (IOException | InterruptedException ignored) {
        // done
      }
    })) {
      RunResult r = run(server.uri(), RequestSpec.get("/"));

      assertThat(r.aborted()).contains("HTTP/2 only").contains("perf.target");
    }
  }

  @Test
  @Timeout(60)
  void aGeneratorAtItsConnectionCapSaysSoAndDoesNotBlameTheServer() throws Exception {
    // Every answer takes 2.5 s, one connection may be open, and 2 arrivals a second are due: the generator cannot
    // keep up, while the server answers every request it gets within the timeout. Answers come 2.5 s apart, longer
    // than the 2 s after which a target with failing requests counts as dead: the queue's expiries must not count
    // as the server's failures, or the run is aborted as "stopped answering" while the server is answering.
    System.setProperty("sun.net.httpserver.nodelay", "true");
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/", ex -> {
      try (ex) {
        Thread.sleep(2500);
        ex.sendResponseHeaders(200, 2);
        ex.getResponseBody().write("ok".getBytes(StandardCharsets.US_ASCII));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    server.start();
    try {
      URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
      LoadConfig cfg = new LoadConfig(uri, List.of(Scenario.of(RequestSpec.get("/"), 1)), WorkloadModel.OPEN,
          new ArrivalSchedule(List.of(Phase.constant(Duration.ofSeconds(4), 2))), null, 1, 1, Duration.ZERO,
          Duration.ofSeconds(3), Duration.ofSeconds(1), Map.of());
      List<String> lines = new ArrayList<>();

      RunResult r = new LoadRunner(CoordinatedOmissionTest.collect(lines)).run(cfg, 1, null);

      assertThat(r.aborted()).as("the server answered throughout: not 'stopped answering'").isNull();
      EndpointResult t = r.total();
      assertThat(t.requests()).as("every scheduled arrival is in the result").isEqualTo(8);
      Errors e = t.errors();
      assertThat(e.timeout()).as("no request the server got timed out").isZero();
      assertThat(e.notSent()).as("arrivals the generator never sent").isPositive();
      assertThat(t.requests() - e.total()).as("answered").isPositive();
      assertThat(e.notSent() + (t.requests() - e.total())).isEqualTo(8);
      assertThat(t.metrics().get("generator.queuedArrivals").value()).isGreaterThanOrEqualTo(e.notSent());
      assertThat(t.metrics().get("generator.notSent").value()).isEqualTo((double) e.notSent());
      assertThat(lines).anyMatch(l -> l.contains("hit its connection cap (perf.connections=1)"));
    } finally {
      server.stop(0);
    }
  }
}
