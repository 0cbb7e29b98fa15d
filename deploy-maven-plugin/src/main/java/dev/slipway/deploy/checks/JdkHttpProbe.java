package dev.slipway.deploy.checks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** {@link HttpProbe} on the JDK's HttpClient; follows no redirects, so a 302 is reported as a 302. */
public final class JdkHttpProbe implements HttpProbe {
  private static final int MAX_BODY = 64 * 1024;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).followRedirects(HttpClient.Redirect.NEVER).build();

  @Override
  public Response send(String method, URI uri, Duration timeout) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout)
        .method(method, HttpRequest.BodyPublishers.noBody())
        .header("User-Agent", "slipway-deploy")
        .build();
    long start = System.nanoTime();
    HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
    Duration latency = Duration.ofNanos(System.nanoTime() - start);
    String body = r.body() == null ? "" : r.body();
    return new Response(r.statusCode(), body.length() > MAX_BODY ? body.substring(0, MAX_BODY) : body, latency);
  }
}
