package dev.slipway.common.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Log;
import dev.slipway.testkit.LocalRegistry;
import dev.slipway.testkit.SilentServer;
import dev.slipway.testkit.Skopeo;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RegistryClientTest {
  @RegisterExtension static LocalRegistry registry = LocalRegistry.withBasicAuth("builder", "b-pass-42");

  private RegistryClient client(String repo, RegistryCredentials creds) {
    return new RegistryClient(registry.hostPort(), repo, creds, true, Log.silent());
  }

  static byte[] artifactManifest(String configDigest, int configSize, String layerDigest, int layerSize) {
    return ("{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OCI_MANIFEST + "\","
        + "\"config\":{\"mediaType\":\"" + MediaTypes.OCI_EMPTY + "\",\"digest\":\"" + configDigest
        + "\",\"size\":" + configSize + "},"
        + "\"layers\":[{\"mediaType\":\"text/plain\",\"digest\":\"" + layerDigest + "\",\"size\":" + layerSize
        + "}]}").getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void pushesBlobsAndManifestThatSkopeoReadsBack() throws Exception {
    RegistryClient c = client("roundtrip/app", new RegistryCredentials("builder", "b-pass-42", "test"));
    byte[] config = "{}".getBytes(StandardCharsets.UTF_8);
    byte[] layer = "hello layer".getBytes(StandardCharsets.UTF_8);
    String configDigest = Digests.sha256(config);
    String layerDigest = Digests.sha256(layer);
    c.pushBlob(configDigest, config);
    c.pushBlob(layerDigest, layer);
    c.pushBlob(layerDigest, layer); // already there: no second upload, no error
    assertThat(c.hasBlob(layerDigest)).isTrue();
    assertThat(new String(c.getBlob(layerDigest), StandardCharsets.UTF_8)).isEqualTo("hello layer");

    byte[] manifest = artifactManifest(configDigest, config.length, layerDigest, layer.length);
    String digest = c.putManifest("v1", MediaTypes.OCI_MANIFEST, manifest);
    assertThat(digest).isEqualTo(Digests.sha256(manifest));

    RegistryClient.Manifest back = c.getManifest(digest);
    assertThat(back.mediaType()).isEqualTo(MediaTypes.OCI_MANIFEST);
    assertThat(back.bytes()).isEqualTo(manifest);
    assertThat(c.headManifest("v1")).get().extracting(RegistryClient.Descriptor::digest).isEqualTo(digest);
    assertThat(c.headManifest("missing")).isEmpty();
    assertThat(c.listTags()).containsExactly("v1");

    JsonNode raw = new Skopeo(registry).inspectRawJson("docker://" + registry.hostPort() + "/roundtrip/app:v1");
    assertThat(raw.path("layers").get(0).path("digest").asText()).isEqualTo(layerDigest);
  }

  @Test
  void wrongPasswordIsRejectedWithAClearMessage() {
    RegistryClient c = client("secure/app", new RegistryCredentials("builder", "wrong", "settings.xml server"));
    assertThatThrownBy(() -> c.headManifest("latest"))
        .isInstanceOf(RegistryException.class)
        .hasMessageContaining("HTTP 401")
        .hasMessageContaining("credentials from settings.xml server were rejected")
        .hasMessageNotContaining("wrong");
  }

  @Test
  void anonymousAccessToAnAuthRegistryNamesTheSettingsServer() {
    RegistryClient c = client("secure/app", null);
    assertThatThrownBy(() -> c.headManifest("latest"))
        .hasMessageContaining("<server> with id '" + registry.hostPort() + "'");
  }

  @Test
  void unreachableRegistryIsTransientAndNamed() {
    RegistryClient c = new RegistryClient("127.0.0.1:1", "x", null, true, Log.silent());
    assertThatThrownBy(() -> c.headManifest("latest"))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.isTransient()).isTrue())
        .hasMessageContaining("cannot connect to registry 127.0.0.1:1");
  }

  static final class Lines implements Log {
    final java.util.List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void debug(String m) {}

    public void info(String m) {
      lines.add(m);
    }

    public void warn(String m) {
      lines.add(m);
    }

    public void error(String m) {
      lines.add(m);
    }
  }

  static RegistryAccess access(String insecure, java.time.Duration timeout) {
    return new RegistryAccess(java.util.Set.of(insecure), timeout, java.time.Duration.ofSeconds(5));
  }

  @Test
  void aRegistryThatAcceptsAndNeverAnswersFailsAfterTheIdleTimeoutSayingWhatWasAwaited() throws Exception {
    try (SilentServer silent = new SilentServer()) {
      Lines log = new Lines();
      RegistryClient c = access(silent.hostPort(), java.time.Duration.ofMillis(900))
          .client(silent.hostPort(), "team/app", null, log);
      assertThatThrownBy(() -> c.headManifest("1.0"))
          .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.isTransient()).isTrue())
          .hasMessageContaining("registry " + silent.hostPort())
          .hasMessageContaining("neither answered nor took any data for 900 ms during HEAD manifest 1.0")
          .hasMessageContaining("image.registry.timeout");
      assertThat(log.lines).anySatisfy(l -> assertThat(l)
          .contains("still waiting for registry " + silent.hostPort() + " to answer HEAD manifest 1.0"));
      assertThat(silent.accepted()).isNotEmpty();
    }
  }

  @Test
  void anUploadTheRegistryStopsReadingFailsAfterTheIdleTimeout() throws Exception {
    com.sun.net.httpserver.HttpServer server = com.sun.net.httpserver.HttpServer.create(
        new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    server.createContext("/", ex -> {
      String m = ex.getRequestMethod();
      if (m.equals("HEAD")) {
        ex.sendResponseHeaders(404, -1);
      } else if (m.equals("POST")) {
        ex.getResponseHeaders().add("Location", "/v2/team/app/blobs/uploads/u1");
        ex.sendResponseHeaders(202, -1);
      } else {
        try {
          release.await(); // takes the upload's headers, then reads none of its body
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        ex.sendResponseHeaders(500, -1);
      }
      ex.close();
    });
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.start();
    String hostPort = "127.0.0.1:" + server.getAddress().getPort();
    try {
      byte[] big = new byte[48 << 20]; // more than the socket buffers of both ends hold
      // long enough for a busy machine to answer the HEAD and POST before the upload that stalls
      RegistryClient c = access(hostPort, java.time.Duration.ofSeconds(3)).client(hostPort, "team/app", null,
          Log.silent());
      assertThatThrownBy(() -> c.pushBlob(Digests.sha256(big), big))
          .isInstanceOf(RegistryException.class)
          .hasMessageContaining("neither answered nor took any data for 3 s during upload of sha256:");
    } finally {
      release.countDown();
      server.stop(0);
    }
  }

  @Test
  void aHostNameThatDoesNotResolveIsNamedAsADnsFailureAndNotRetried() throws Exception {
    // names resolve from src/test/resources/hosts only (surefire's argLine), so no query leaves the machine
    RegistryClient c = RegistryAccess.of(java.util.Set.of("registry.invalid:5000"))
        .client("registry.invalid:5000", "team/app", null, Log.silent());
    assertThatThrownBy(() -> c.headManifest("latest"))
        .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.isTransient()).isFalse())
        .hasMessageContaining("cannot resolve the host name of registry registry.invalid:5000 (DNS lookup failed)")
        .hasMessageNotContaining("refused");
    java.util.concurrent.atomic.AtomicInteger attempts = new java.util.concurrent.atomic.AtomicInteger();
    assertThatThrownBy(() -> dev.slipway.common.Retry.of(3, java.time.Duration.ofMillis(1)).call("resolving",
        () -> {
          attempts.incrementAndGet();
          return c.headManifest("latest");
        }, e -> e instanceof RegistryException r && r.isTransient(), Log.silent()))
        .isInstanceOf(RegistryException.class);
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aListedInsecureRegistryGetsItsCredentialsOverPlainHttpEvenUnderANameThatIsNotLoopback() throws Exception {
    // registry.slipway.test resolves to 127.0.0.1 through the test hosts file, but is not a loopback name
    String named = "registry.slipway.test:" + registry.port();
    RegistryClient c = RegistryAccess.of(java.util.Set.of(named))
        .client(named, "insecure/app", new RegistryCredentials("builder", "b-pass-42", "test"), Log.silent());
    byte[] layer = "over plain http".getBytes(StandardCharsets.UTF_8);
    c.pushBlob(Digests.sha256(layer), layer);
    assertThat(c.hasBlob(Digests.sha256(layer))).isTrue();
  }

  @Test
  void timeoutsMustBePositiveAndNameTheirParameter() {
    assertThatThrownBy(() -> RegistryAccess.fromParameters(java.util.List.of(), "0s", "image.registry.timeout", null,
        "image.registry.connectTimeout"))
        .isInstanceOf(dev.slipway.common.InvalidInputException.class)
        .hasMessageContaining("image.registry.timeout = '0s': must be a positive duration");
    assertThatThrownBy(() -> RegistryAccess.fromParameters(java.util.List.of(), null, "image.registry.timeout",
        "-5s", "image.registry.connectTimeout"))
        .hasMessageContaining("image.registry.connectTimeout = '-5s': must be a positive duration");
    assertThatThrownBy(() -> RegistryAccess.fromParameters(java.util.List.of(), "soon", "image.registry.timeout",
        null, "image.registry.connectTimeout"))
        .hasMessageContaining("image.registry.timeout: 'soon' is not a duration");
    RegistryAccess defaults = RegistryAccess.secure();
    assertThat(defaults.timeout()).isEqualTo(java.time.Duration.ofSeconds(30));
    assertThat(defaults.connectTimeout()).isEqualTo(java.time.Duration.ofSeconds(10));
  }
}
