package dev.slipway.common.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import dev.slipway.common.Durations;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small client for the OCI distribution API of one repository: manifests by tag or digest, blobs, uploads. It
 * handles anonymous, Basic and Bearer-token auth and uses plain HTTP only for registries {@link RegistryAccess} lists
 * as insecure (and then sends them the same credentials as over HTTPS). Image building goes through jib-core; this
 * client serves what jib does not expose (per-platform digests, OCI artifacts, referrers, signatures).
 *
 * <p>No call can hang: opening a connection is bounded by the connect timeout, and a request that makes no progress
 * (no byte of the request body taken, no byte of the answer received) for the idle timeout fails with a message that
 * says what was waited on; long waits are logged while they last. A host name that does not resolve fails at once,
 * named as a DNS failure, and is not worth retrying.
 */
public final class RegistryClient {
  private static final Pattern AUTH_PARAM = Pattern.compile("(\\w+)=\"([^\"]*)\"");

  /** A manifest as the registry stores it, with its digest and media type. */
  public record Manifest(String mediaType, String digest, byte[] bytes) {
    public JsonNode json() throws IOException {
      return Json.mapper().readTree(bytes);
    }
  }

  /** What a HEAD request says of a manifest. */
  public record Descriptor(String mediaType, String digest, long size) {}

  private final String registry;
  private final String repository;
  private final URI base;
  private final RegistryCredentials credentials;
  private final RegistryAccess access;
  private final HttpClient http;
  private final Log log;
  /** Set on a challenge, read by every request; several threads may push blobs through one client. */
  private volatile String authorization;

  /** A client that reaches {@code registry} as {@code access} says (plain HTTP if listed, its timeouts). */
  public RegistryClient(
      String registry, String repository, RegistryCredentials credentials, RegistryAccess access, Log log) {
    this.registry = registry;
    this.repository = repository;
    String host = "registry-1.docker.io".equals(registry) || "docker.io".equals(registry)
        ? "registry-1.docker.io" : registry;
    this.base = URI.create((access.isInsecure(registry) ? "http://" : "https://") + host);
    this.credentials = credentials;
    this.access = access;
    this.http = HttpClient.newBuilder().connectTimeout(access.connectTimeout())
        .followRedirects(HttpClient.Redirect.NORMAL).build();
    this.log = log;
  }

  /** Plain HTTP when {@code insecure}, HTTPS otherwise; default timeouts. */
  public RegistryClient(
      String registry, String repository, RegistryCredentials credentials, boolean insecure, Log log) {
    this(registry, repository, credentials,
        insecure ? RegistryAccess.of(java.util.Set.of(registry)) : RegistryAccess.secure(), log);
  }

  public String registry() {
    return registry;
  }

  public String repository() {
    return repository;
  }

  public Manifest getManifest(String reference) throws IOException {
    HttpResponse<byte[]> r = send(get(manifestUri(reference)).header("Accept", MediaTypes.ACCEPT_ANY),
        HttpResponse.BodyHandlers.ofByteArray(), "GET manifest " + reference);
    expect(r, 200, "GET manifest " + reference);
    String mediaType = r.headers().firstValue("Content-Type").map(RegistryClient::stripParams).orElse(null);
    String digest = Digests.sha256(r.body());
    JsonNode json = Json.mapper().readTree(r.body());
    if (json.hasNonNull("mediaType")) {
      mediaType = json.get("mediaType").asText();
    }
    return new Manifest(mediaType, digest, r.body());
  }

  public Optional<Descriptor> headManifest(String reference) throws IOException {
    HttpResponse<Void> r = send(HttpRequest.newBuilder(manifestUri(reference))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Accept", MediaTypes.ACCEPT_ANY),
        HttpResponse.BodyHandlers.discarding(), "HEAD manifest " + reference);
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    expect(r, 200, "HEAD manifest " + reference);
    String digest = r.headers().firstValue("Docker-Content-Digest").orElse(null);
    if (digest == null) {
      digest = getManifest(reference).digest();
    }
    return Optional.of(new Descriptor(
        r.headers().firstValue("Content-Type").map(RegistryClient::stripParams).orElse(null),
        digest, r.headers().firstValueAsLong("Content-Length").orElse(-1)));
  }

  /** Stores a manifest under {@code reference} (a tag or its own digest) and returns its digest. */
  public String putManifest(String reference, String mediaType, byte[] bytes) throws IOException {
    HttpResponse<String> r = send(HttpRequest.newBuilder(manifestUri(reference))
            .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).header("Content-Type", mediaType),
        HttpResponse.BodyHandlers.ofString(), "PUT manifest " + reference);
    expect(r, 201, "PUT manifest " + reference);
    String digest = Digests.sha256(bytes);
    r.headers().firstValue("Docker-Content-Digest").ifPresent(d -> {
      if (!d.equals(digest)) {
        log.warn("registry " + registry + " reports digest " + d + " for a manifest whose digest is " + digest);
      }
    });
    return digest;
  }

  public boolean hasBlob(String digest) throws IOException {
    HttpResponse<Void> r = send(HttpRequest.newBuilder(uri("/blobs/" + digest))
            .method("HEAD", HttpRequest.BodyPublishers.noBody()),
        HttpResponse.BodyHandlers.discarding(), "HEAD blob " + digest);
    if (r.statusCode() == 404) {
      return false;
    }
    expect(r, 200, "HEAD blob " + digest);
    return true;
  }

  public byte[] getBlob(String digest) throws IOException {
    HttpResponse<byte[]> r = send(get(uri("/blobs/" + digest)), HttpResponse.BodyHandlers.ofByteArray(),
        "GET blob " + digest);
    expect(r, 200, "GET blob " + digest);
    if (!Digests.sha256(r.body()).equals(digest)) {
      throw new RegistryException("blob " + digest + " from " + registry + " does not match its digest", 200);
    }
    return r.body();
  }

  /**
   * A blob's content as a stream; the caller closes it (and checks the digest if it matters). The blob is fetched
   * whole into a temporary file first, so that the download is watched by the idle timeout like every other call
   * (a stream read straight off the connection could block without bound), and the file goes when the stream closes.
   */
  public InputStream openBlob(String digest) throws IOException {
    Path tmp = Files.createTempFile("slipway-blob", ".tmp");
    try {
      HttpResponse<Path> r = send(get(uri("/blobs/" + digest)),
          HttpResponse.BodyHandlers.ofFile(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING),
          "GET blob " + digest);
      if (r.statusCode() != 200) {
        String body = Files.size(tmp) < 4096 ? Files.readString(tmp) : "";
        throw failure(r.statusCode(), body, "GET blob " + digest);
      }
      return Files.newInputStream(tmp, StandardOpenOption.DELETE_ON_CLOSE);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  /** Uploads a blob unless the registry has it already. */
  public void pushBlob(String digest, byte[] bytes) throws IOException {
    pushBlob(digest, HttpRequest.BodyPublishers.ofByteArray(bytes));
  }

  public void pushBlob(String digest, Path file) throws IOException {
    pushBlob(digest, HttpRequest.BodyPublishers.ofFile(file));
  }

  private void pushBlob(String digest, HttpRequest.BodyPublisher body) throws IOException {
    if (hasBlob(digest)) {
      return;
    }
    HttpResponse<Void> start = send(HttpRequest.newBuilder(uri("/blobs/uploads/"))
            .POST(HttpRequest.BodyPublishers.noBody()),
        HttpResponse.BodyHandlers.discarding(), "start upload of " + digest);
    expect(start, 202, "start upload of " + digest);
    String location = start.headers().firstValue("Location")
        .orElseThrow(() -> new RegistryException("registry " + registry + " gave no upload location", 202));
    URI upload = base.resolve(location);
    String sep = upload.getRawQuery() == null ? "?" : "&";
    URI put = URI.create(upload + sep + "digest=" + URLEncoder.encode(digest, StandardCharsets.UTF_8));
    HttpResponse<String> done = send(HttpRequest.newBuilder(put).PUT(body)
            .header("Content-Type", "application/octet-stream"),
        HttpResponse.BodyHandlers.ofString(), "upload of " + digest);
    expect(done, 201, "upload of " + digest);
  }

  /** The tags of this repository ({@code /tags/list}); empty if the repository does not exist yet. */
  public java.util.List<String> listTags() throws IOException {
    HttpResponse<byte[]> r = send(get(uri("/tags/list")), HttpResponse.BodyHandlers.ofByteArray(), "list tags");
    if (r.statusCode() == 404) {
      return java.util.List.of();
    }
    expect(r, 200, "list tags");
    java.util.List<String> tags = new java.util.ArrayList<>();
    Json.mapper().readTree(r.body()).path("tags").forEach(t -> tags.add(t.asText()));
    return tags;
  }

  /**
   * The OCI 1.1 referrers API, {@code GET /v2/<name>/referrers/<digest>}: the image index of every manifest whose
   * subject is {@code digest}, whoever pushed it. Empty when the registry has no such API (a 404, or an answer that
   * is not an image index, as registries before distribution-spec 1.1 give); then clients read the
   * {@code sha256-<hex>} tag instead.
   */
  public Optional<Manifest> referrers(String digest) throws IOException {
    HttpResponse<byte[]> r = send(get(uri("/referrers/" + digest)).header("Accept", MediaTypes.OCI_INDEX),
        HttpResponse.BodyHandlers.ofByteArray(), "GET referrers of " + digest);
    if (r.statusCode() == 404 || r.statusCode() == 400 || r.statusCode() == 405) {
      return Optional.empty();
    }
    expect(r, 200, "GET referrers of " + digest);
    JsonNode json;
    try {
      json = Json.mapper().readTree(r.body());
    } catch (IOException notJson) {
      return Optional.empty();
    }
    if (json == null || !json.path("manifests").isArray()) {
      return Optional.empty();
    }
    return Optional.of(new Manifest(MediaTypes.OCI_INDEX, Digests.sha256(r.body()), r.body()));
  }

  private URI manifestUri(String reference) {
    return uri("/manifests/" + reference);
  }

  private URI uri(String suffix) {
    return base.resolve("/v2/" + repository + suffix);
  }

  private static HttpRequest.Builder get(URI uri) {
    return HttpRequest.newBuilder(uri).GET();
  }

  private <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> handler, String what)
      throws IOException {
    request.header("User-Agent", "slipway");
    try {
      if (authorization != null) {
        request.setHeader("Authorization", authorization);
      }
      HttpResponse<T> r = exchange(request.build(), handler, what);
      if (r.statusCode() == 401 && authenticate(r)) {
        request.setHeader("Authorization", authorization);
        discard(r);
        r = exchange(request.build(), handler, what);
      }
      return r;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryException("interrupted during " + what + " on registry " + registry, e);
    }
  }

  /**
   * One HTTP exchange, watched: it fails when neither a byte of the request body was taken nor a byte of the
   * answer arrived for the idle timeout, and says every few seconds what it is still waiting for.
   */
  private <T> HttpResponse<T> exchange(HttpRequest request, HttpResponse.BodyHandler<T> handler, String what)
      throws IOException, InterruptedException {
    Activity activity = new Activity();
    HttpRequest watched = request.bodyPublisher()
        .map(p -> HttpRequest.newBuilder(request, (n, v) -> true)
            .method(request.method(), new WatchedPublisher(p, activity)).build())
        .orElse(request);
    HttpResponse.BodyHandler<T> watchedHandler = info -> {
      activity.touch();
      return new WatchedSubscriber<>(handler.apply(info), activity);
    };
    long started = System.nanoTime();
    long timeout = access.timeout().toNanos();
    long logEvery = Math.max(Math.min(timeout / 3, WAIT_LOG_INTERVAL.toNanos()), 1);
    long nextLog = started + logEvery;
    CompletableFuture<HttpResponse<T>> f = http.sendAsync(watched, watchedHandler);
    try {
      while (true) {
        long now = System.nanoTime();
        long idle = now - activity.last();
        if (idle >= timeout) {
          f.cancel(true);
          throw new RegistryException("registry " + registry + " (" + base + ") neither answered nor took any data "
              + "for " + Durations.format(access.timeout()) + " during " + what + ": gave up (image.registry.timeout sets how "
              + "long a registry may stay silent)", new HttpTimeoutException("idle"));
        }
        try {
          return f.get(Math.min(timeout - idle, Math.max(nextLog - now, 1)), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          if (System.nanoTime() >= nextLog) {
            log.info("  still waiting for registry " + registry + " to answer " + what + " ("
                + Durations.format(Duration.ofSeconds((System.nanoTime() - started) / 1_000_000_000L))
                + "; giving up after " + Durations.format(access.timeout()) + " without progress)");
            nextLog += logEvery;
          }
        }
      }
    } catch (ExecutionException e) {
      throw failure(e.getCause() != null ? e.getCause() : e, what);
    } catch (InterruptedException e) {
      f.cancel(true);
      throw e;
    }
  }

  private static final Duration WAIT_LOG_INTERVAL = Duration.ofSeconds(10);

  /** What went wrong below HTTP, said in words: DNS, refused, a slow connect, or the I/O error itself. */
  private RegistryException failure(Throwable t, String what) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof UnresolvedAddressException || c instanceof UnknownHostException) {
        return new RegistryException("cannot resolve the host name of registry " + registry + " (DNS lookup "
            + "failed) for " + what + ": check the registry name, or the machine's DNS", t, false);
      }
    }
    if (t instanceof HttpConnectTimeoutException) {
      return new RegistryException("cannot connect to registry " + registry + " (" + base + ") for " + what
          + ": no connection within " + Durations.format(access.connectTimeout())
          + " (image.registry.connectTimeout sets the limit)", t);
    }
    if (t instanceof ConnectException) {
      return new RegistryException("cannot connect to registry " + registry + " (" + base + ") for " + what
          + ": connection refused", t);
    }
    if (t instanceof HttpTimeoutException) {
      return new RegistryException("registry " + registry + " timed out on " + what, t);
    }
    if (t instanceof RegistryException r) {
      return r;
    }
    return new RegistryException("registry " + registry + " failed on " + what + ": " + t, t);
  }

  /** When the exchange last made progress. */
  private static final class Activity {
    private final AtomicLong last = new AtomicLong(System.nanoTime());

    void touch() {
      last.set(System.nanoTime());
    }

    long last() {
      return last.get();
    }
  }

  /** A request body that notes each chunk the client takes (it takes them only as fast as the socket drains). */
  private record WatchedPublisher(HttpRequest.BodyPublisher inner, Activity activity)
      implements HttpRequest.BodyPublisher {
    @Override
    public long contentLength() {
      return inner.contentLength();
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
      inner.subscribe(new Flow.Subscriber<ByteBuffer>() {
        @Override
        public void onSubscribe(Flow.Subscription subscription) {
          subscriber.onSubscribe(subscription);
        }

        @Override
        public void onNext(ByteBuffer item) {
          activity.touch();
          subscriber.onNext(item);
        }

        @Override
        public void onError(Throwable throwable) {
          subscriber.onError(throwable);
        }

        @Override
        public void onComplete() {
          activity.touch();
          subscriber.onComplete();
        }
      });
    }
  }

  /** An answer body that notes each chunk received. */
  private record WatchedSubscriber<T>(HttpResponse.BodySubscriber<T> inner, Activity activity)
      implements HttpResponse.BodySubscriber<T> {
    @Override
    public CompletionStage<T> getBody() {
      return inner.getBody();
    }

    @Override
    public void onSubscribe(Flow.Subscription subscription) {
      inner.onSubscribe(subscription);
    }

    @Override
    public void onNext(List<ByteBuffer> item) {
      activity.touch();
      inner.onNext(item);
    }

    @Override
    public void onError(Throwable throwable) {
      inner.onError(throwable);
    }

    @Override
    public void onComplete() {
      inner.onComplete();
    }
  }

  private static void discard(HttpResponse<?> r) throws IOException {
    if (r.body() instanceof InputStream in) {
      in.close();
    }
  }

  /** Works out an Authorization header from a 401 challenge; false if there is nothing to try. */
  private boolean authenticate(HttpResponse<?> challenge) throws IOException, InterruptedException {
    String header = challenge.headers().firstValue("WWW-Authenticate").orElse("");
    boolean haveCreds = credentials != null;
    if (header.regionMatches(true, 0, "Basic", 0, 5)) {
      if (!haveCreds) {
        return false;
      }
      String next = basic();
      if (next.equals(authorization)) {
        return false;
      }
      authorization = next;
      return true;
    }
    if (header.regionMatches(true, 0, "Bearer", 0, 6)) {
      Map<String, String> params = new LinkedHashMap<>();
      Matcher m = AUTH_PARAM.matcher(header);
      while (m.find()) {
        params.put(m.group(1), m.group(2));
      }
      String realm = params.get("realm");
      if (realm == null) {
        return false;
      }
      StringBuilder q = new StringBuilder(realm).append(realm.contains("?") ? "&" : "?");
      if (params.containsKey("service")) {
        q.append("service=").append(URLEncoder.encode(params.get("service"), StandardCharsets.UTF_8)).append('&');
      }
      String scope = params.getOrDefault("scope", "repository:" + repository + ":pull,push");
      q.append("scope=").append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
      HttpRequest.Builder tokenRequest = HttpRequest.newBuilder(URI.create(q.toString())).GET();
      if (haveCreds) {
        tokenRequest.header("Authorization", basic());
      }
      HttpResponse<byte[]> r = exchange(tokenRequest.header("User-Agent", "slipway").build(),
          HttpResponse.BodyHandlers.ofByteArray(), "token request to " + realm);
      if (r.statusCode() != 200) {
        return false;
      }
      JsonNode json = Json.mapper().readTree(r.body());
      String token = json.hasNonNull("token") ? json.get("token").asText() : json.path("access_token").asText(null);
      if (token == null) {
        return false;
      }
      authorization = "Bearer " + token;
      return true;
    }
    return false;
  }

  private String basic() {
    return "Basic " + Base64.getEncoder().encodeToString(
        (credentials.username() + ":" + credentials.password()).getBytes(StandardCharsets.UTF_8));
  }

  private void expect(HttpResponse<?> r, int status, String what) throws RegistryException {
    if (r.statusCode() == status) {
      return;
    }
    String body = r.body() instanceof String s ? s : r.body() instanceof byte[] b ? new String(b, StandardCharsets.UTF_8) : "";
    throw failure(r.statusCode(), body, what);
  }

  private RegistryException failure(int statusCode, String body, String what) {
    String detail = body.length() > 300 ? body.substring(0, 300) + "…" : body;
    String hint = switch (statusCode) {
      case 401 -> credentials == null
          ? " (the registry wants credentials: add a <server> with id '" + registry + "' to settings.xml, "
              + "or set the goal's username and passwordEnv/passwordFile parameters)"
          : " (credentials from " + credentials.source() + " were rejected)";
      case 403 -> " (the credentials may not access " + repository + ")";
      default -> "";
    };
    return new RegistryException(what + " on " + registry + "/" + repository + ": HTTP " + statusCode
        + hint + (detail.isBlank() ? "" : ": " + detail.strip()), statusCode);
  }

  private static String stripParams(String contentType) {
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi)).strip();
  }
}
