package dev.slipway.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.slipway.testkit.RecordingServer.Request;
import dev.slipway.testkit.RecordingServer.Response;
import java.io.IOException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of GitHub's REST API that releases use, on loopback, under a GitHub Enterprise style base path
 * ({@code /api/v3}, uploads under {@code /api/uploads}): get a release by tag, generate notes, create and update a
 * release, upload and delete assets. It keeps the releases it was given, checks the token and the API version
 * header on every request, and records everything ({@link #server()}).
 */
public final class GitHubStandIn implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern BY_TAG = Pattern.compile("/api/v3/repos/([^/]+/[^/]+)/releases/tags/(.+)");
  private static final Pattern NOTES = Pattern.compile("/api/v3/repos/([^/]+/[^/]+)/releases/generate-notes");
  private static final Pattern CREATE = Pattern.compile("/api/v3/repos/([^/]+/[^/]+)/releases");
  private static final Pattern ONE = Pattern.compile("/api/v3/repos/([^/]+/[^/]+)/releases/(\\d+)");
  private static final Pattern ASSET = Pattern.compile("/api/v3/repos/([^/]+/[^/]+)/releases/assets/(\\d+)");
  private static final Pattern UPLOAD = Pattern.compile("/api/uploads/repos/([^/]+/[^/]+)/releases/(\\d+)/assets");

  private final RecordingServer server;
  private final String token;
  private final AtomicLong ids = new AtomicLong(1000);
  private final Map<Long, ObjectNode> releases = new LinkedHashMap<>();
  private final Map<Long, String> assetBodies = new LinkedHashMap<>();

  public GitHubStandIn(String token) throws IOException {
    this.token = token;
    this.server = new RecordingServer().answer(this::handle);
  }

  /** The API base URL to configure, as on GitHub Enterprise Server. */
  public URI api() {
    return server.uri("/api/v3");
  }

  public RecordingServer server() {
    return server;
  }

  /** The releases as the stand-in holds them now. */
  public synchronized List<JsonNode> releases() {
    return List.copyOf(releases.values());
  }

  public synchronized String assetBody(long assetId) {
    return assetBodies.get(assetId);
  }

  private synchronized Response handle(Request r) {
    if (!("Bearer " + token).equals(r.header("Authorization"))) {
      return Response.json(401, "{\"message\":\"Bad credentials\"}");
    }
    if (!"2022-11-28".equals(r.header("X-GitHub-Api-Version"))) {
      return Response.json(400, "{\"message\":\"missing X-GitHub-Api-Version\"}");
    }
    try {
      Matcher m;
      if ("GET".equals(r.method()) && (m = BY_TAG.matcher(r.path())).matches()) {
        String tag = m.group(2);
        return releases.values().stream().filter(x -> x.path("tag_name").asText().equals(tag)).findFirst()
            .map(x -> Response.json(200, x.toString())).orElse(Response.json(404, "{\"message\":\"Not Found\"}"));
      }
      if ("POST".equals(r.method()) && (m = NOTES.matcher(r.path())).matches()) {
        String tag = JSON.readTree(r.body()).path("tag_name").asText();
        return Response.json(200, JSON.createObjectNode().put("name", tag)
            .put("body", "## What's Changed\n* Generated notes for " + tag).toString());
      }
      if ("POST".equals(r.method()) && (m = CREATE.matcher(r.path())).matches()) {
        JsonNode in = JSON.readTree(r.body());
        String tag = in.path("tag_name").asText();
        if (releases.values().stream().anyMatch(x -> x.path("tag_name").asText().equals(tag))) {
          return Response.json(422, "{\"message\":\"Validation Failed\",\"errors\":[{\"code\":\"already_exists\","
              + "\"field\":\"tag_name\"}]}");
        }
        long id = ids.incrementAndGet();
        ObjectNode rel = ((ObjectNode) in.deepCopy()).put("id", id)
            .put("html_url", "https://github.example/" + m.group(1) + "/releases/tag/" + tag)
            .put("upload_url", server.uri("/api/uploads/repos/" + m.group(1) + "/releases/" + id + "/assets")
                + "{?name,label}");
        rel.putArray("assets");
        releases.put(id, rel);
        return new Response(201, Map.of("Content-Type", "application/json", "Location",
            api() + "/repos/" + m.group(1) + "/releases/" + id), rel.toString());
      }
      if ("PATCH".equals(r.method()) && (m = ONE.matcher(r.path())).matches()) {
        ObjectNode rel = releases.get(Long.parseLong(m.group(2)));
        if (rel == null) {
          return Response.json(404, "{\"message\":\"Not Found\"}");
        }
        rel.setAll((ObjectNode) JSON.readTree(r.body()));
        return Response.json(200, rel.toString());
      }
      if ("DELETE".equals(r.method()) && (m = ASSET.matcher(r.path())).matches()) {
        long asset = Long.parseLong(m.group(2));
        for (ObjectNode rel : releases.values()) {
          ArrayNode assets = (ArrayNode) rel.get("assets");
          for (int i = 0; i < assets.size(); i++) {
            if (assets.get(i).path("id").asLong() == asset) {
              assets.remove(i);
              assetBodies.remove(asset);
              return Response.of(204, "");
            }
          }
        }
        return Response.json(404, "{\"message\":\"Not Found\"}");
      }
      if ("POST".equals(r.method()) && (m = UPLOAD.matcher(r.path())).matches()) {
        ObjectNode rel = releases.get(Long.parseLong(m.group(2)));
        String name = r.query() == null ? null : java.net.URLDecoder.decode(
            r.query().replaceAll(".*(?:^|&)name=([^&]*).*", "$1"), java.nio.charset.StandardCharsets.UTF_8);
        ArrayNode assets = (ArrayNode) rel.get("assets");
        for (JsonNode a : assets) {
          if (a.path("name").asText().equals(name)) {
            return Response.json(422, "{\"message\":\"Validation Failed\",\"errors\":[{\"code\":\"already_exists\","
                + "\"field\":\"name\"}]}");
          }
        }
        long id = ids.incrementAndGet();
        ObjectNode asset = assets.addObject().put("id", id).put("name", name)
            .put("content_type", r.header("Content-Type")).put("size", r.body().length())
            .put("browser_download_url", "https://github.example/" + m.group(1) + "/releases/download/"
                + rel.path("tag_name").asText() + "/" + name);
        assetBodies.put(id, r.body());
        return Response.json(201, asset.toString());
      }
      return Response.json(404, "{\"message\":\"Not Found\"}");
    } catch (IOException e) {
      return Response.json(400, "{\"message\":\"Problems parsing JSON\"}");
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
