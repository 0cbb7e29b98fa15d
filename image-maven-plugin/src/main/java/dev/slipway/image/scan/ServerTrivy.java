package dev.slipway.image.scan;

import com.fasterxml.jackson.databind.JsonNode;
import dev.slipway.common.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * A Trivy engine ({@link BinaryTrivy} or {@link ContainerTrivy}) acting as a client of a Trivy server
 * ({@code trivy server}): it sends what it finds in the image to the server, which holds the vulnerability DB and
 * answers with the vulnerabilities. The token goes to Trivy in its {@code TRIVY_TOKEN} environment variable, never as
 * an argument (arguments are logged and visible in process lists). Before the first scan the server's
 * {@code /healthz} must answer; the DB's age comes from the server's {@code /version}.
 */
public final class ServerTrivy implements Trivy {
  private final Trivy client;
  private final URI server;
  private final Secret token;
  private final String tokenHeader;
  private final HttpClient http;
  private boolean checked;

  public ServerTrivy(Trivy client, URI server, Secret token, String tokenHeader) {
    this.client = client;
    this.server = server;
    this.token = token;
    this.tokenHeader = tokenHeader;
    this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
        .followRedirects(HttpClient.Redirect.NEVER).build();
  }

  @Override
  public void preflight() throws ScanException {
    client.preflight();
    if (!checked) {
      healthz();
      checked = true;
    }
  }

  @Override
  public int run(TrivyCommand command, Consumer<String> lines) throws IOException, ScanException {
    preflight();
    return client.run(command.with(List.of("--server", base(), "--token-header", tokenHeader),
        token == null ? Map.of() : Map.of("TRIVY_TOKEN", token.reveal())), lines);
  }

  private void healthz() throws ScanException {
    try {
      HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/healthz"))
          .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new ScanException("the Trivy server " + base() + " answers /healthz with HTTP " + r.statusCode()
            + " (image.scan.server)");
      }
    } catch (IOException e) {
      throw new ScanException("the Trivy server " + base() + " does not answer (" + e + "): check "
          + "image.scan.server and that `trivy server` runs there", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ScanException("interrupted while reaching the Trivy server " + base(), e);
    }
  }

  /** The server's {@code /version}: {@code {"Version": "...", "VulnerabilityDB": {...}}}. */
  @Override
  public DbMetadata database(TrivyCommand lastCommand) throws IOException {
    try {
      HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/version"))
          .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() != 200) {
        return null; // a Trivy server older than its /version endpoint
      }
      JsonNode version = Json.mapper().readTree(r.body());
      return DbMetadata.fromJson(version.path("VulnerabilityDB"), base() + "/version");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while asking " + base() + "/version", e);
    }
  }

  private String base() {
    String s = server.toString();
    return s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
  }

  @Override
  public String describe() {
    return client.describe() + ", client of the Trivy server " + base()
        + (token == null ? " (no token)" : " (token from " + token.source() + ")");
  }
}
