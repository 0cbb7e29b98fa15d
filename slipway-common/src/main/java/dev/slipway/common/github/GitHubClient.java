package dev.slipway.common.github;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import dev.slipway.common.Redactor;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * GitHub's REST API (github.com, or GitHub Enterprise Server at {@code https://HOST/api/v3}) with the JDK HTTP client:
 * JSON requests with the API version header, the token only ever in the Authorization header, a gateway error
 * retried once, and errors that name the request and GitHub's message but never the token.
 */
public final class GitHubClient {
  /** An answer: status, the JSON body (an empty object when there is none) and the Location header. */
  public record Answer(int status, JsonNode json, String location) {}

  private final URI api;
  private final String token;
  private final Redactor redactor;
  private final HttpClient http;

  public GitHubClient(URI api, String token, Redactor redactor) {
    this(api, token, redactor, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NORMAL).build());
  }

  public GitHubClient(URI api, String token, Redactor redactor, HttpClient http) {
    this.api = URI.create(api.toString().replaceAll("/+$", "") + "/");
    this.token = token;
    this.redactor = redactor.add(token);
    this.http = http;
  }

  /**
   * The API base URL: {@code explicit} when given, else {@code GITHUB_API_URL} (GitHub Actions sets it, also on GitHub
   * Enterprise Server), else github.com's.
   */
  public static URI apiUrl(String explicit, Map<String, String> env) {
    String url = explicit != null && !explicit.isBlank() ? explicit : env.get("GITHUB_API_URL");
    return URI.create(url == null || url.isBlank() ? "https://api.github.com" : url.strip());
  }

  public URI api() {
    return api;
  }

  /** A JSON request to {@code path} under the API (e.g. {@code repos/o/r/releases}); 4xx and 5xx answers throw. */
  public Answer send(String method, String path, JsonNode payload) throws GitHubException, InterruptedException {
    return exchange(method, api.resolve(path), payload == null ? null : Json.write(payload).getBytes(
        java.nio.charset.StandardCharsets.UTF_8), "application/json", Integer.MIN_VALUE);
  }

  /** Like {@link #send}, but {@code allowed} (e.g. 404) is an answer, not an error. */
  public Answer send(String method, String path, JsonNode payload, int allowed)
      throws GitHubException, InterruptedException {
    return exchange(method, api.resolve(path), payload == null ? null : Json.write(payload).getBytes(
        java.nio.charset.StandardCharsets.UTF_8), "application/json", allowed);
  }

  /** Uploads bytes to an absolute URL (release assets live on the uploads host GitHub names). */
  public Answer upload(URI url, byte[] content, String contentType) throws GitHubException, InterruptedException {
    return exchange("POST", url, content, contentType, Integer.MIN_VALUE);
  }

  private Answer exchange(String method, URI uri, byte[] body, String contentType, int allowed)
      throws GitHubException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60))
        .header("Accept", "application/vnd.github+json")
        .header("X-GitHub-Api-Version", "2022-11-28")
        .header("Authorization", "Bearer " + token)
        .header("User-Agent", "slipway");
    if (body != null) {
      b.header("Content-Type", contentType).method(method, HttpRequest.BodyPublishers.ofByteArray(body));
    } else {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    }
    HttpRequest request = b.build();
    String what = method + " " + uri.getPath();
    for (int attempt = 1; ; attempt++) {
      HttpResponse<String> r;
      try {
        r = http.send(request, HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        if (attempt < 2) {
          continue;
        }
        throw new GitHubException(0, redactor.redact("GitHub " + what + " failed: " + e.getClass().getSimpleName()
            + (e.getMessage() == null ? "" : ": " + e.getMessage())), e);
      }
      int status = r.statusCode();
      if ((status == 502 || status == 503 || status == 504) && attempt < 2) {
        Thread.sleep(1000);
        continue;
      }
      String text = r.body() == null ? "" : r.body();
      if (status / 100 != 2 && status != allowed) {
        String message = text;
        try {
          JsonNode err = Json.mapper().readTree(text);
          message = err.path("message").asText(text) + (err.has("errors") ? " " + err.get("errors") : "");
        } catch (IOException notJson) {
          // keep the raw text
        }
        throw new GitHubException(status, redactor.redact("GitHub " + what + " answered " + status + ": "
            + message.substring(0, Math.min(400, message.length()))), null);
      }
      JsonNode json;
      try {
        json = text.isBlank() ? Json.mapper().createObjectNode() : Json.mapper().readTree(text);
      } catch (IOException e) {
        throw new GitHubException(status, "GitHub " + what + " answered " + status + " with a body that is not JSON",
            e);
      }
      return new Answer(status, json, r.headers().firstValue("Location").orElse(null));
    }
  }
}
