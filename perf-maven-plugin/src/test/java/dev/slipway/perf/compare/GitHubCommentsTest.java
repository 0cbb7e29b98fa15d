package dev.slipway.perf.compare;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.common.Json;
import dev.slipway.common.Redactor;
import dev.slipway.perf.history.BuildContext;
import dev.slipway.perf.results.ResultsReader;
import dev.slipway.perf.stats.GateConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The PR comment against a local HTTP server that records requests and keeps comments like GitHub does. */
class GitHubCommentsTest {
  static final String TOKEN = "ghs_canaryTOKEN0123456789abcdefXYZ";

  record Recorded(String method, String path, String auth, String body) {}

  @TempDir Path dir;
  HttpServer server;
  final List<Recorded> requests = new CopyOnWriteArrayList<>();
  final ArrayNode comments = Json.mapper().createArrayNode();
  volatile int failWith = 0;

  @BeforeEach
  void start() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private synchronized void handle(HttpExchange ex) throws IOException {
    String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    String path = ex.getRequestURI().toString();
    requests.add(new Recorded(ex.getRequestMethod(), path, ex.getRequestHeaders().getFirst("Authorization"), body));
    String response;
    int status = 200;
    if (failWith != 0) {
      status = failWith;
      // a hostile or careless server that echoes the credentials back
      response = "{\"message\":\"Bad credentials " + ex.getRequestHeaders().getFirst("Authorization") + "\"}";
    } else if (ex.getRequestMethod().equals("GET") && path.startsWith("/repos/acme/shop/issues/42/comments")) {
      response = comments.toString();
    } else if (ex.getRequestMethod().equals("POST") && path.equals("/repos/acme/shop/issues/42/comments")) {
      ObjectNode c = Json.mapper().createObjectNode();
      c.put("id", 1000 + comments.size());
      c.put("body", Json.mapper().readTree(body).path("body").asText());
      c.put("html_url", "https://github.example/acme/shop/pull/42#issuecomment-" + (1000 + comments.size()));
      comments.add(c);
      status = 201;
      response = c.toString();
    } else if (ex.getRequestMethod().equals("PATCH") && path.startsWith("/repos/acme/shop/issues/comments/")) {
      long id = Long.parseLong(path.substring(path.lastIndexOf('/') + 1));
      ObjectNode found = null;
      for (JsonNode c : comments) {
        if (c.path("id").asLong() == id) {
          found = (ObjectNode) c;
        }
      }
      found.put("body", Json.mapper().readTree(body).path("body").asText());
      response = found.toString();
    } else {
      status = 404;
      response = "{\"message\":\"Not Found\"}";
    }
    byte[] bytes = response.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(status, bytes.length);
    ex.getResponseBody().write(bytes);
    ex.close();
  }

  private URI api() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  @Test
  void postsOnceThenUpdatesItsOwnComment() throws Exception {
    ObjectNode other = Json.mapper().createObjectNode().put("id", 7).put("body", "LGTM");
    comments.add(other);
    GitHubComments gh = new GitHubComments(api(), TOKEN, new Redactor());
    gh.upsert("acme/shop", 42, ReportFormat.MARKER, ReportFormat.MARKER + "\nfirst");
    gh.upsert("acme/shop", 42, ReportFormat.MARKER, ReportFormat.MARKER + "\nsecond");
    assertThat(requests).extracting(r -> r.method() + " " + r.path().replaceAll("\\?.*", "")).containsExactly(
        "GET /repos/acme/shop/issues/42/comments", "POST /repos/acme/shop/issues/42/comments",
        "GET /repos/acme/shop/issues/42/comments", "PATCH /repos/acme/shop/issues/comments/1001");
    assertThat(requests).allSatisfy(r -> assertThat(r.auth()).isEqualTo("Bearer " + TOKEN));
    assertThat(comments).hasSize(2);
    assertThat(comments.get(1).path("body").asText()).endsWith("second");
    assertThat(comments.get(0).path("body").asText()).isEqualTo("LGTM");
  }

  @Test
  void aHugeReportIsTruncatedBelowGitHubsLimit() throws Exception {
    Path base = dir.resolve("base");
    Path cur = dir.resolve("cur");
    for (int i = 0; i < 3; i++) {
      dev.slipway.perf.results.EndpointResult[] b = new dev.slipway.perf.results.EndpointResult[60];
      dev.slipway.perf.results.EndpointResult[] c = new dev.slipway.perf.results.EndpointResult[60];
      for (int e = 0; e < 60; e++) {
        String name = "GET /a/rather/long/endpoint/path/number/" + e;
        b[e] = Runs.http(name, 10 + i, 100, 1000, 0);
        c[e] = Runs.http(name, 10 + i, 100, 1000, 0);
      }
      dev.slipway.perf.results.ResultsWriter.writeRun(base, "b", Runs.run(i + 1, b));
      dev.slipway.perf.results.ResultsWriter.writeRun(cur, "c", Runs.run(i + 1, c));
    }
    Path event = dir.resolve("event.json");
    Files.writeString(event, "{\"pull_request\":{\"number\":42}}");
    Map<String, String> env = Map.of("GITHUB_TOKEN", TOKEN, "GITHUB_REPOSITORY", "acme/shop",
        "GITHUB_EVENT_PATH", event.toString(), "GITHUB_API_URL", api().toString());
    Runs.Recording log = new Runs.Recording();
    CompareRunner.Outcome out = new CompareRunner(ResultsReader.standard(log),
        CompareRunner.gitHub(new Redactor()), CompareRunnerTest.CLOCK, log)
        .run(new CompareRunner.Config(cur, base, dir.resolve("h.jsonl"), BuildContext.DEFAULT_KEYS, Map.of(), 30,
            GateConfig.defaults(), dev.slipway.perf.compare.ErrorBudget.Limits.defaults(),
        java.util.List.of(dev.slipway.perf.stats.Verdict.FAIL), MetricSelection.defaults(), 50, 0.001, dir.resolve("out"), true, dir, env))
        .orElseThrow();
    assertThat(Files.readString(out.markdown()).length()).isGreaterThan(65_536);
    String posted = comments.get(0).path("body").asText();
    assertThat(posted.length()).isLessThan(65_536);
    assertThat(posted).startsWith(ReportFormat.MARKER).endsWith("the full report is compare.md of this build.\n");
  }

  @Test
  void anErrorNeverCarriesTheToken() {
    failWith = 401;
    GitHubComments gh = new GitHubComments(api(), TOKEN, new Redactor());
    assertThatThrownBy(() -> gh.upsert("acme/shop", 42, "m", "b"))
        .isInstanceOf(IOException.class).hasMessageContaining("401")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain(TOKEN));
  }

  @Test
  void compareRunPostsTheMarkdownToThePullRequestOfTheEvent() throws Exception {
    Path base = dir.resolve("base");
    Path cur = dir.resolve("cur");
    CompareRunnerTest.writeScenario(base, cur);
    Path event = dir.resolve("event.json");
    Files.writeString(event, "{\"action\":\"synchronize\",\"pull_request\":{\"number\":42}}");
    Map<String, String> env = Map.of("GITHUB_TOKEN", TOKEN, "GITHUB_REPOSITORY", "acme/shop",
        "GITHUB_EVENT_PATH", event.toString(), "GITHUB_API_URL", api().toString());
    Runs.Recording log = new Runs.Recording();
    Redactor redactor = new Redactor().add(TOKEN);
    CompareRunner runner = new CompareRunner(ResultsReader.standard(log), CompareRunner.gitHub(redactor),
        CompareRunnerTest.CLOCK, log.redacting(redactor));
    CompareRunner.Config config = new CompareRunner.Config(cur, base, dir.resolve("h.jsonl"),
        BuildContext.DEFAULT_KEYS, Map.of(), 30, GateConfig.defaults(), dev.slipway.perf.compare.ErrorBudget.Limits.defaults(),
        java.util.List.of(dev.slipway.perf.stats.Verdict.FAIL), MetricSelection.defaults(), 50, 0.001,
        dir.resolve("out"), true, dir, env);
    CompareRunner.Outcome out = runner.run(config).orElseThrow();
    assertThat(comments).singleElement()
        .satisfies(c -> assertThat(c.path("body").asText()).isEqualTo(Files.readString(out.markdown())));
    assertThat(log.all()).contains("posted the report to pull request #42").doesNotContain(TOKEN);

    // a push build has no pull request: nothing is sent
    requests.clear();
    Files.writeString(event, "{\"ref\":\"refs/heads/main\"}");
    runner.run(config);
    assertThat(requests).isEmpty();
    assertThat(log.all()).contains("not a pull-request build");

    // a failing API is a warning, never a failed comparison, and the token stays hidden
    Files.writeString(event, "{\"pull_request\":{\"number\":42}}");
    failWith = 403;
    assertThat(runner.run(config)).isPresent();
    assertThat(log.all()).contains("could not post the pull-request comment").doesNotContain(TOKEN);
  }
}
