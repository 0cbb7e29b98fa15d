package dev.slipway.deploy.pipeline;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves a tag with the registry HTTP API: {@code HEAD /v2/<repo>/manifests/<tag>} accepting OCI index and manifest
 * and Docker manifest list and v2 manifest, reading {@code Docker-Content-Digest}; a registry that omits the header is
 * asked with GET and the body hashed. Anonymous bearer tokens are fetched when the registry asks for them. Loopback
 * registries are spoken to over plain HTTP, all others over HTTPS.
 */
public final class HttpRegistryDigestResolver implements RegistryDigestResolver {
  static final String ACCEPT = String.join(", ",
      "application/vnd.oci.image.index.v1+json",
      "application/vnd.oci.image.manifest.v1+json",
      "application/vnd.docker.distribution.manifest.list.v2+json",
      "application/vnd.docker.distribution.manifest.v2+json");
  private static final Pattern PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NORMAL).build();

  @Override
  public String digestOf(ImageReference ref) throws IOException, InterruptedException {
    String host = "docker.io".equals(ref.registry()) ? "registry-1.docker.io" : ref.registry();
    boolean loopback = host.startsWith("localhost") || host.startsWith("127.") || host.startsWith("[::1]");
    URI uri = URI.create((loopback ? "http://" : "https://") + host + "/v2/" + ref.repository() + "/manifests/"
        + ref.tag());
    HttpResponse<byte[]> r = send(uri, "HEAD", null);
    String token = null;
    if (r.statusCode() == 401) {
      token = anonymousToken(r.headers().firstValue("WWW-Authenticate").orElse(""), ref);
      r = send(uri, "HEAD", token);
    }
    if (r.statusCode() == 404) {
      throw new IOException("image " + ref.name() + ":" + ref.tag() + " not found in the registry (" + uri + ")");
    }
    if (r.statusCode() / 100 != 2) {
      throw new IOException("registry answered HTTP " + r.statusCode() + " for " + uri);
    }
    var digest = r.headers().firstValue("Docker-Content-Digest");
    if (digest.isPresent() && ImageReference.isDigest(digest.get())) {
      return digest.get();
    }
    HttpResponse<byte[]> get = send(uri, "GET", token);
    if (get.statusCode() / 100 != 2) {
      throw new IOException("registry answered HTTP " + get.statusCode() + " for GET " + uri);
    }
    try {
      return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(get.body()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private HttpResponse<byte[]> send(URI uri, String method, String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Accept", ACCEPT)
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private String anonymousToken(String challenge, ImageReference ref) throws IOException, InterruptedException {
    if (!challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new IOException("registry " + ref.registry() + " requires credentials (" + challenge.split(" ")[0]
          + "); resolve the tag yourself and pass deploy.image=<repo>@sha256:...");
    }
    Map<String, String> p = new LinkedHashMap<>();
    Matcher m = PARAM.matcher(challenge);
    while (m.find()) {
      p.put(m.group(1), m.group(2));
    }
    String scope = p.getOrDefault("scope", "repository:" + ref.repository() + ":pull");
    URI tokenUri = URI.create(p.get("realm") + "?service=" + URLEncoder.encode(p.getOrDefault("service", ""),
        StandardCharsets.UTF_8) + "&scope=" + URLEncoder.encode(scope, StandardCharsets.UTF_8));
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(tokenUri).timeout(Duration.ofSeconds(30)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException("registry token service answered HTTP " + r.statusCode() + " for " + tokenUri);
    }
    var node = dev.slipway.common.Json.mapper().readTree(r.body());
    String token = node.path("token").asText(node.path("access_token").asText(null));
    if (token == null) {
      throw new IOException("registry token service returned no token");
    }
    return token;
  }
}
