package dev.slipway.perf.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.perf.compare.CompareReport.MetricResult;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.stats.Verdict;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scripts from Artillery's own {@code examples/} folder (copied unchanged into
 * {@code src/test/resources/artillery-examples}, see the README there) run against a JDK HTTP server on loopback that
 * answers their routes: the asciiart routes, and a small users API that creates, returns and deletes users.
 */
class ArtilleryExamplesTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  static HttpServer server;
  static final List<String> seen = new CopyOnWriteArrayList<>();
  static final Map<String, String> users = new ConcurrentHashMap<>();
  static final AtomicInteger knownReads = new AtomicInteger();
  static final AtomicInteger ids = new AtomicInteger();
  @TempDir Path dir;

  @BeforeAll
  static void start() throws IOException {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    server.setExecutor(Executors.newFixedThreadPool(8));
    server.createContext("/", ex -> {
      try (ex) {
        seen.add(ex.getRequestMethod() + " " + ex.getRequestURI());
        String path = ex.getRequestURI().getPath();
        if (path.equals("/users") && ex.getRequestMethod().equals("POST")) {
          JsonNode body = JSON.readTree(ex.getRequestBody());
          String id = "u" + ids.incrementAndGet();
          users.put(id, body.path("username").asText());
          send(ex, 201, "application/json; charset=utf-8",
              JSON.writeValueAsString(Map.of("id", id, "username", users.get(id))));
        } else if (path.startsWith("/users/")) {
          String id = path.substring("/users/".length());
          String name = users.get(id);
          if (name == null) {
            send(ex, 404, "text/plain", "no such user");
          } else if (ex.getRequestMethod().equals("DELETE")) {
            users.remove(id);
            ex.sendResponseHeaders(204, -1);
          } else {
            knownReads.incrementAndGet();
            send(ex, 200, "application/json", JSON.writeValueAsString(Map.of("id", id, "username", name)));
          }
        } else if (Set.of("/", "/dino", "/pony", "/armadillo").contains(path)) {
          send(ex, 200, "text/plain", "ascii art");
        } else {
          send(ex, 404, "text/plain", "not found");
        }
      }
    });
    server.start();
  }

  @AfterAll
  static void stop() {
    server.stop(0);
  }

  private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", type);
    ex.sendResponseHeaders(status, b.length);
    ex.getResponseBody().write(b);
  }

  private static Path example(String name) throws Exception {
    return Path.of(ArtilleryExamplesTest.class.getResource("/artillery-examples/" + name).toURI());
  }

  private LoadTest.Outcome run(String script, Double rate, String model, Integer connections, Duration duration)
      throws Exception {
    URI target = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    LoadSettings s = new LoadSettings(target, example(script), null, null, rate, null, duration, connections, model,
        1, Duration.ZERO, Duration.ofSeconds(5), 1, Duration.ofSeconds(5), dir.resolve("out"), null, null, dir, null,
        null, null, null);
    return new LoadTest(Log.silent()).run(s);
  }

  @Test
  void captureAndTemplatesCreateReadAndDeleteEachUser() throws Exception {
    seen.clear();
    int readsBefore = knownReads.get();

    RunResult r = run("functional-load-tests.yml", 20.0, "auto", null, Duration.ofSeconds(1)).runs().get(0);

    EndpointResult create = r.endpoint("POST /users").orElseThrow();
    EndpointResult read = r.endpoint("GET /users/{{ id }}").orElseThrow();
    EndpointResult delete = r.endpoint("DELETE /users/{{ id }}").orElseThrow();
    assertThat(create.requests()).isEqualTo(20);
    // every read found the user its own POST created: the id was captured and put into the URL
    assertThat(knownReads.get() - readsBefore).isEqualTo(20);
    assertThat(read.requests()).isEqualTo(20);
    assertThat(read.errors().total()).as("statusCode 200, contentType json, hasProperty, equals").isZero();
    assertThat(delete.requests()).isEqualTo(20);
    assertThat(delete.errors().total()).as("statusCode 204").isZero();
    assertThat(r.total().statusCodes()).containsEntry("201", 20L).containsEntry("200", 20L)
        .containsEntry("204", 20L);
    assertThat(seen).filteredOn(l -> l.startsWith("GET /users/")).allMatch(l -> l.matches("GET /users/u\\d+"));
    assertThat(r.total().metrics().get("vusers.completed").value()).isEqualTo(20.0);
  }

  @Test
  void aFailedExpectationIsACheckErrorAndAMissingCaptureEndsTheFlow() throws Exception {
    Path script = dir.resolve("strict.yml");
    java.nio.file.Files.writeString(script, """
        config:
          target: "http://127.0.0.1:1"
        scenarios:
          - flow:
              - get:
                  url: "/dino"
                  expect:
                    - contentType: json
              - get:
                  url: "/pony"
                  capture:
                    json: "$.id"
                    as: id
              - get:
                  url: "/users/{{ id }}"
        """);
    URI target = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    LoadSettings s = new LoadSettings(target, script, null, null, 10.0, null, Duration.ofSeconds(1), null, "auto",
        1, Duration.ZERO, Duration.ofSeconds(5), 1, Duration.ofSeconds(5), dir.resolve("out"), null, null, dir, null,
        null, null, null);

    LoadTest.Outcome o = new LoadTest(Log.silent()).run(s);

    RunResult r = o.runs().get(0);
    assertThat(r.endpoint("GET /dino").orElseThrow().errors().check()).as("text/plain is not json").isEqualTo(10);
    assertThat(r.endpoint("GET /pony").orElseThrow().errors().check()).as("no JSON to capture from").isEqualTo(10);
    assertThat(r.endpoint("GET /users/{{ id }}").orElseThrow().requests()).as("never sent: the flow ended at the "
        + "failed capture").isZero();
    assertThat(r.total().metrics().get("vusers.failed").value()).isEqualTo(10.0);
    assertThat(o.failed()).as("20 of 20 requests failed a check: over the 1 % budget").isTrue();
  }

  @Test
  void csvPayloadRowsFeedTheLoopOfEachVirtualUser() throws Exception {
    seen.clear();

    // the script's phase lasts 5 minutes and each user thinks 1 s a hundred times: a 2.5 s closed run with two
    // users runs the same flow, cut short
    LoadTest.Outcome o = run("website-test.yml", null, "closed", 2, Duration.ofMillis(2500));

    RunResult r = o.runs().get(0);
    EndpointResult e = r.endpoint("GET {{ url }}").orElseThrow();
    assertThat(e.requests()).isGreaterThanOrEqualTo(2);
    assertThat(e.errors().total()).isZero();
    assertThat(seen).isNotEmpty().allMatch(l -> Set.of("GET /", "GET /dino", "GET /pony", "GET /armadillo")
        .contains(l));
    MetricResult ensure = o.limits().stream().filter(m -> m.metric().equals("ensure.maxErrorRate")).findFirst()
        .orElseThrow();
    assertThat(ensure.verdict()).isEqualTo(Verdict.PASS);
    assertThat(ensure.reason()).contains("website-test.yml:");
  }

  @Test
  void loopCountRepeatsTheFlowAndEnsureThresholdsAreChecked() throws Exception {
    LoadTest.Outcome o = run("load-test-with-automated-checks.yml", 2.0, "auto", null, Duration.ofSeconds(1));

    RunResult r = o.runs().get(0);
    // 2 users, each looping over the three requests 100 times; the 1 s run may end a user's loop early on a busy
    // machine, so: more requests than users (the flow repeated), at most 200, and the three in step
    long dino = r.endpoint("GET /dino").orElseThrow().requests();
    for (String path : List.of("/dino", "/pony", "/armadillo")) {
      long n = r.endpoint("GET " + path).orElseThrow().requests();
      assertThat(n).as(path).isBetween(3L, 200L);
      assertThat(Math.abs(n - dino)).as(path + " in step with /dino").isLessThanOrEqualTo(2L);
    }
    assertThat(o.limits()).extracting(MetricResult::metric)
        .contains("ensure.http.response_time.p99", "ensure.http.response_time.p95");
    assertThat(o.limits()).filteredOn(m -> m.metric().startsWith("ensure."))
        .allSatisfy(m -> assertThat(m.reason()).contains("load-test-with-automated-checks.yml:"));
  }

  @Test
  void loadAllPayloadLoopsOverEveryRowAndNeverLeavesTheTarget() throws Exception {
    seen.clear();

    RunResult r = run("functional-test.yml", 5.0, "auto", null, Duration.ofSeconds(1)).runs().get(0);

    EndpointResult e = r.endpoint("GET {{ $loopElement.url }}").orElseThrow();
    assertThat(e.requests()).isEqualTo(15);
    // rows 1 and 2 answer the templated statusCode 200; row 3 names another host: counted, never sent there
    assertThat(e.errors().other()).isEqualTo(5);
    assertThat(e.errors().status()).isZero();
    assertThat(seen).hasSize(10).allMatch(l -> l.equals("GET /") || l.equals("GET /dino"));
  }

  @Test
  void javascriptHooksAreRefusedByNameAndLine() throws Exception {
    Path script = example("auth-with-token.yml");

    assertThatThrownBy(() -> ScenarioFile.load(script)).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(script + ":3 at /config/processor")
        .hasMessageContaining("'processor' needs JavaScript");
  }
}
