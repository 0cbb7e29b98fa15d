package dev.slipway.image.sign;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.slipway.common.Log;
import dev.slipway.common.image.VerifiedImage;
import dev.slipway.common.registry.MediaTypes;
import dev.slipway.common.registry.RegistryClient;
import dev.slipway.image.registry.ImageRef;
import dev.slipway.image.registry.Referrers;
import dev.slipway.image.registry.TestImages;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.sigstore.CosignRules;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The OCI 1.1 referrers API path: a loopback registry front that answers {@code GET /v2/<name>/referrers/<digest>}
 * with the recorded answer shape of registries that have the API ({@code referrers-answer.json}: an image index with
 * artifactType and annotations per entry, as the distribution spec gives it) and passes every other request to the
 * real local registry. The signatures are pushed by digest only, with no {@code sha256-<hex>} tag, so only the API
 * can find them.
 */
class ReferrersApiTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();
  @TempDir Path keys;
  @TempDir Path out;
  HttpServer front;
  final AtomicInteger apiCalls = new AtomicInteger();
  volatile String answer;

  @AfterEach
  void stop() {
    if (front != null) {
      front.stop(0);
    }
  }

  @Test
  void signaturesOnlyTheReferrersApiListsAreFoundThroughIt() throws Exception {
    Openssl.ecKey(keys, null);
    KeySigner key = PemKeySigner.load(keys.resolve("key.pem"), null, "image.sign.key");
    RegistryClient direct = new RegistryClient(registry.hostPort(), "api/app", null, true, Log.silent());
    String digest = TestImages.pushManifest(direct, "amd64", "api");
    new ImageSigner(Log.silent(), null).sign(new SignConfig(ImageRef.parse(registry.hostPort() + "/api/app@" + digest,
        "image.ref"), false, SignConfig.Mode.KEY, null, key, Map.of(), out, true, List.of(), null, true, null));
    // what a registry with the API indexes by subject; then the legacy .sig and the referrers tag are emptied
    Referrers.Referrer sign = new Referrers(direct, Log.silent()).list(digest, null).get(0);
    String empty = "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_INDEX + "\",\"manifests\":[]}";
    direct.putManifest(Referrers.tagFor(digest), MediaTypes.OCI_INDEX, empty.getBytes(StandardCharsets.UTF_8));
    direct.putManifest(CosignLayout.tag(digest, CosignLayout.SIG), MediaTypes.OCI_INDEX,
        empty.getBytes(StandardCharsets.UTF_8));

    String recorded = Files.readString(Path.of("src/test/resources/oci/referrers-answer.json"));
    answer = recorded.replace("${REFERRER_DIGEST}", sign.digest()).replace("${REFERRER_SIZE}",
        Long.toString(sign.size()));
    startFront();
    String hostPort = "127.0.0.1:" + front.getAddress().getPort();
    ImageRef viaFront = ImageRef.parse(hostPort + "/api/app@" + digest, "image.ref");
    VerifyConfig.Key policy = new VerifyConfig.Key(key.publicKey(), "pub.pem");

    VerifiedImage v = new ImageVerifier(Log.silent()).verify(new VerifyConfig(viaFront, policy, List.of(), out, null,
        true));
    assertThat(v.signature().source()).isEqualTo("referrer " + sign.digest());
    assertThat(apiCalls.get()).isPositive();
    assertThat(new CosignRules(hostPort, "api/app").verifyV3(digest, CosignRules.Options.key(key.publicKey(), null,
        true)).accepted()).isTrue();

    // the same registry without the API (404, as distribution 2.8 answers): the tag is empty, nothing is found
    answer = null;
    try {
      new ImageVerifier(Log.silent()).verify(new VerifyConfig(viaFront, policy, List.of(), out, null, true));
      throw new AssertionError("verified without the referrers API");
    } catch (VerificationException e) {
      assertThat(e.reason()).isEqualTo(VerificationException.Reason.NO_SIGNATURE);
      assertThat(e.getMessage()).contains(Referrers.tagFor(digest) + " tag");
    }
  }

  private void startFront() throws IOException {
    HttpClient http = HttpClient.newHttpClient();
    front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    front.createContext("/", ex -> {
      try (ex) {
        String path = ex.getRequestURI().getRawPath();
        if (path.contains("/referrers/")) {
          apiCalls.incrementAndGet();
          String a = answer;
          byte[] body = (a == null ? "{\"errors\":[{\"code\":\"UNSUPPORTED\"}]}" : a).getBytes(StandardCharsets.UTF_8);
          ex.getResponseHeaders().set("Content-Type", a == null ? "application/json" : MediaTypes.OCI_INDEX);
          ex.sendResponseHeaders(a == null ? 404 : 200, body.length);
          ex.getResponseBody().write(body);
          return;
        }
        forward(http, ex);
      }
    });
    front.start();
  }

  /** Passes a request to the real registry and its answer back (status, headers that matter, body). */
  private void forward(HttpClient http, HttpExchange ex) throws IOException {
    URI target = URI.create("http://" + registry.hostPort() + ex.getRequestURI());
    byte[] body;
    try (InputStream in = ex.getRequestBody()) {
      body = in.readAllBytes();
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(target).method(ex.getRequestMethod(),
        body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
    for (String h : List.of("Accept", "Content-Type")) {
      String v = ex.getRequestHeaders().getFirst(h);
      if (v != null) {
        b.header(h, v);
      }
    }
    try {
      HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      for (String h : List.of("Content-Type", "Docker-Content-Digest", "Location")) {
        r.headers().firstValue(h).ifPresent(v -> ex.getResponseHeaders().set(h, v));
      }
      boolean head = "HEAD".equals(ex.getRequestMethod());
      long length = head ? -1 : r.body().length == 0 ? -1 : r.body().length;
      if (head) {
        r.headers().firstValue("Content-Length").ifPresent(v -> ex.getResponseHeaders().set("Content-Length", v));
      }
      ex.sendResponseHeaders(r.statusCode(), length);
      if (!head && r.body().length > 0) {
        try (OutputStream o = ex.getResponseBody()) {
          o.write(r.body());
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
