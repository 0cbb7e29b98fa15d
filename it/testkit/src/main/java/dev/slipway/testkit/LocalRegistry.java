package dev.slipway.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.mindrot.jbcrypt.BCrypt;

/**
 * A real OCI registry for tests: Debian's {@code docker-registry} (CNCF Distribution 2.8) started on a free
 * 127.0.0.1 port with its own temporary storage, optionally behind htpasswd basic auth. Register it with
 * {@code @RegisterExtension static LocalRegistry registry = LocalRegistry.plain();}. It is stopped and its storage
 * removed after the test class. A missing binary fails the test with the package to install; it never skips.
 */
public final class LocalRegistry implements BeforeAllCallback, AfterAllCallback, AutoCloseable {
  private static final String BINARY = "docker-registry";

  private final String username;
  private final String password;
  private Process process;
  private Path root;
  private int port;

  private LocalRegistry(String username, String password) {
    this.username = username;
    this.password = password;
  }

  public static LocalRegistry plain() {
    return new LocalRegistry(null, null);
  }

  public static LocalRegistry withBasicAuth(String username, String password) {
    return new LocalRegistry(username, password);
  }

  /** {@code 127.0.0.1:PORT}, the registry part of an image reference. */
  public String hostPort() {
    return "127.0.0.1:" + port;
  }

  public URI url() {
    return URI.create("http://" + hostPort());
  }

  public int port() {
    return port;
  }

  public String username() {
    return username;
  }

  public String password() {
    return password;
  }

  public boolean requiresAuth() {
    return username != null;
  }

  /** The registry's storage directory, for tests that look at what it holds. */
  public Path storage() {
    return root.resolve("storage");
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  public synchronized LocalRegistry start() throws IOException, InterruptedException {
    if (process != null) {
      return this;
    }
    Path binary = Tools.require(BINARY, "docker-registry");
    root = Files.createTempDirectory("slipway-registry");
    port = freePort();
    StringBuilder config = new StringBuilder();
    config.append("version: 0.1\n")
        .append("log:\n  level: warn\n  accesslog:\n    disabled: true\n")
        .append("storage:\n  filesystem:\n    rootdirectory: ").append(storage()).append('\n')
        .append("  delete:\n    enabled: true\n")
        .append("http:\n  addr: 127.0.0.1:").append(port).append('\n')
        .append("  secret: slipway-test-secret\n");
    if (username != null) {
      Path htpasswd = root.resolve("htpasswd");
      Files.writeString(htpasswd, username + ":" + BCrypt.hashpw(password, BCrypt.gensalt(6)) + "\n");
      config.append("auth:\n  htpasswd:\n    realm: slipway-test\n    path: ").append(htpasswd).append('\n');
    }
    Path configFile = root.resolve("config.yml");
    Files.writeString(configFile, config);
    process = new ProcessBuilder(binary.toString(), "serve", configFile.toString())
        .redirectErrorStream(true)
        .redirectOutput(root.resolve("registry.log").toFile())
        .start();
    try {
      awaitReady(Duration.ofSeconds(20));
    } catch (IOException | InterruptedException | RuntimeException e) {
      close(); // never leave a registry process or its storage behind
      throw e;
    }
    return this;
  }

  private void awaitReady(Duration timeout) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "docker-registry exited with " + process.exitValue() + ": " + Files.readString(root.resolve("registry.log")));
      }
      try {
        HttpURLConnection c = (HttpURLConnection) url().resolve("/v2/").toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(1000);
        if (username != null) {
          c.setRequestProperty("Authorization", basicAuth());
        }
        int code = c.getResponseCode();
        c.disconnect();
        if (code == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("docker-registry did not answer /v2/ within " + timeout);
  }

  /** The value of an {@code Authorization} header for this registry's user. */
  public String basicAuth() {
    return "Basic " + Base64.getEncoder().encodeToString((username + ":" + password).getBytes());
  }

  @Override
  public synchronized void close() {
    if (process != null) {
      process.destroy();
      try {
        if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      process = null;
    }
    if (root != null) {
      deleteTree(root);
      root = null;
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  static void deleteTree(Path dir) {
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
