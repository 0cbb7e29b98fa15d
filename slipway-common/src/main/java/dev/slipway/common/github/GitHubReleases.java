package dev.slipway.common.github;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Creates or updates the GitHub release of a tag, idempotently: an existing release of the tag is updated (name,
 * body, flags) and its assets of the same names replaced, never duplicated. Release notes are GitHub's own,
 * generated for the tag, followed by the caller's text.
 */
public final class GitHubReleases {
  /**
   * What the release should say.
   *
   * @param repository {@code owner/name}
   * @param tag the tag, e.g. {@code v1.4.0}
   * @param targetCommitish the commit the tag is on (used when GitHub has to create the tag)
   * @param name the release title
   * @param extraBody Markdown after the generated notes; may name {@code {asset:FILE}} to link an uploaded file
   * @param prerelease whether it is a pre-release (e.g. {@code v2.0.0-rc.1})
   * @param assets files to attach, by the name they get
   */
  public record Spec(String repository, String tag, String targetCommitish, String name, String extraBody,
      boolean prerelease, Map<String, Path> assets) {}

  /** The release as it now is: its page, whether it was created or updated, and each asset's download URL. */
  public record Result(String htmlUrl, boolean created, long id, Map<String, String> assetUrls) {}

  private final GitHubClient client;
  private final Log log;

  public GitHubReleases(GitHubClient client, Log log) {
    this.client = client;
    this.log = log;
  }

  public Result publish(Spec spec) throws GitHubException, InterruptedException, IOException {
    String repo = "repos/" + spec.repository() + "/releases";
    GitHubClient.Answer existing = client.send("GET", repo + "/tags/" + encode(spec.tag()), null, 404);
    ObjectNode notesRequest = Json.mapper().createObjectNode().put("tag_name", spec.tag());
    if (spec.targetCommitish() != null) {
      notesRequest.put("target_commitish", spec.targetCommitish());
    }
    String notes = client.send("POST", repo + "/generate-notes", notesRequest).json().path("body").asText("");
    boolean created = existing.status() == 404;
    JsonNode release;
    if (created) {
      ObjectNode create = Json.mapper().createObjectNode().put("tag_name", spec.tag()).put("name", spec.name())
          .put("body", notes).put("draft", false).put("prerelease", spec.prerelease())
          .put("make_latest", spec.prerelease() ? "false" : "true");
      if (spec.targetCommitish() != null) {
        create.put("target_commitish", spec.targetCommitish());
      }
      release = client.send("POST", repo, create).json();
      log.info("RELEASE created " + release.path("html_url").asText());
    } else {
      release = existing.json();
      log.info("RELEASE " + spec.tag() + " exists (" + release.path("html_url").asText() + "): updating it");
    }
    long id = release.path("id").asLong();
    Map<String, String> urls = new LinkedHashMap<>();
    Map<String, Long> present = new LinkedHashMap<>();
    release.path("assets").forEach(a -> present.put(a.path("name").asText(), a.path("id").asLong()));
    String uploadUrl = release.path("upload_url").asText("").replaceAll("\\{.*}$", "");
    for (var e : spec.assets().entrySet()) {
      Long old = present.get(e.getKey());
      if (old != null) {
        client.send("DELETE", repo + "/assets/" + old, null);
      }
      JsonNode asset = client.upload(URI.create(uploadUrl + "?name=" + encode(e.getKey())),
          Files.readAllBytes(e.getValue()), contentType(e.getKey())).json();
      urls.put(e.getKey(), asset.path("browser_download_url").asText());
      log.info("RELEASE attached " + e.getKey() + (old == null ? "" : " (replacing the earlier upload)"));
    }
    String extra = spec.extraBody() == null ? "" : spec.extraBody();
    for (var e : urls.entrySet()) {
      extra = extra.replace("{asset:" + e.getKey() + "}", e.getValue());
    }
    ObjectNode update = Json.mapper().createObjectNode().put("name", spec.name())
        .put("body", notes + (extra.isBlank() ? "" : "\n\n" + extra)).put("prerelease", spec.prerelease());
    JsonNode done = client.send("PATCH", repo + "/" + id, update).json();
    return new Result(done.path("html_url").asText(release.path("html_url").asText()), created, id, urls);
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String contentType(String name) {
    if (name.endsWith(".json")) {
      return "application/json";
    }
    if (name.endsWith(".xml")) {
      return "application/xml";
    }
    if (name.endsWith(".sarif")) {
      return "application/sarif+json";
    }
    return "application/octet-stream";
  }

  /** The {@code owner/name} of a GitHub remote URL ({@code https://HOST/o/r(.git)}, {@code git@HOST:o/r.git}). */
  public static String repositoryOf(String remoteUrl) {
    if (remoteUrl == null) {
      return null;
    }
    var m = java.util.regex.Pattern.compile("(?:[:/])([^/:]+)/([^/]+?)(?:\\.git)?/?$").matcher(remoteUrl.strip());
    return m.find() ? m.group(1) + "/" + m.group(2) : null;
  }

}
