package dev.slipway.perf.compare;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import dev.slipway.common.Redactor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@link PullRequestComments} over GitHub's REST API with the JDK HTTP client: lists the pull request's issue
 * comments, PATCHes the one carrying the marker, or POSTs a new one. The token only ever goes into the
 * Authorization header; every message passes through a {@link Redactor} that knows it.
 */
public final class GitHubComments implements PullRequestComments {
  private final URI api;
  private final String token;
  private final HttpClient http;
  private final Redactor redactor;

  public GitHubComments(URI api, String token, Redactor redactor) {
    this.api = URI.create(api.toString().replaceAll("/+$", "") + "/");
    this.token = token;
    this.redactor = redactor.add(token);
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  }

  /** The API base URL from {@code GITHUB_API_URL} (set by GitHub Actions, also for GitHub Enterprise). */
  public static URI apiUrl(Map<String, String> env) {
    String url = env.get("GITHUB_API_URL");
    return URI.create(url == null || url.isBlank() ? "https://api.github.com" : url);
  }

  /** The pull request a GitHub Actions run belongs to, from {@code GITHUB_REPOSITORY} and the event file. */
  public record PullRequest(String repository, int number) {
    /** Empty when this is not a pull-request run (e.g. a push); bad event files are named. */
    public static Optional<PullRequest> fromEnvironment(Map<String, String> env) throws InvalidInputException {
      String repo = env.get("GITHUB_REPOSITORY");
      String eventPath = env.get("GITHUB_EVENT_PATH");
      if (repo == null || repo.isBlank() || eventPath == null || eventPath.isBlank()) {
        return Optional.empty();
      }
      JsonNode event = Json.readFile(Path.of(eventPath), JsonNode.class, "a GitHub Actions event JSON");
      JsonNode number = event.path("pull_request").path("number");
      if (!number.canConvertToInt()) {
        // issue_comment events on a PR carry it as issue.number with an issue.pull_request object
        number = event.path("issue").has("pull_request") ? event.path("issue").path("number") : number;
      }
      if (!number.canConvertToInt()) {
        return Optional.empty();
      }
      return Optional.of(new PullRequest(repo, number.asInt()));
    }
  }

  @Override
  public String upsert(String repository, int number, String marker, String body)
      throws IOException, InterruptedException {
    Long existing = null;
    for (int page = 1; page <= 10 && existing == null; page++) {
      JsonNode list = send("GET", "repos/" + repository + "/issues/" + number + "/comments?per_page=100&page=" + page,
          null);
      if (!list.isArray() || list.isEmpty()) {
        break;
      }
      for (JsonNode c : list) {
        if (c.path("body").asText("").contains(marker)) {
          existing = c.path("id").asLong();
          break;
        }
      }
      if (list.size() < 100) {
        break;
      }
    }
    ObjectNode payload = Json.mapper().createObjectNode().put("body", body);
    JsonNode result = existing != null
        ? send("PATCH", "repos/" + repository + "/issues/comments/" + existing, payload)
        : send("POST", "repos/" + repository + "/issues/" + number + "/comments", payload);
    return result.path("html_url").asText(result.path("url").asText(""));
  }

  private JsonNode send(String method, String path, JsonNode payload) throws IOException, InterruptedException {
    URI uri = api.resolve(path);
    HttpRequest.Builder b = HttpRequest.newBuilder(uri)
        .timeout(Duration.ofSeconds(30))
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", "2022-11-28")
        .header("Authorization", "Bearer " + token)
        .header("User-Agent", "slipway-perf-compare");
    if (payload != null) {
      b.header("Content-Type", "application/json")
          .method(method, HttpRequest.BodyPublishers.ofString(Json.mapper().writeValueAsString(payload)));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpResponse<String> resp = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    if (resp.statusCode() / 100 != 2) {
      String text = resp.body() == null ? "" : resp.body();
      throw new IOException(redactor.redact("GitHub " + method + " " + uri + " answered " + resp.statusCode() + ": "
          + text.substring(0, Math.min(300, text.length()))));
    }
    String text = resp.body();
    return text == null || text.isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(text);
  }

  /** For tests and messages: the base URL requests go to. */
  URI api() {
    return api;
  }
}
