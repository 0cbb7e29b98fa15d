package dev.slipway.ecssim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Container mode's stand-in for an ALB listener in front of one target group: a loopback HTTP port that sends each
 * request to the next healthy target (round robin over the tasks whose health checks pass), so a test reaches the
 * deployed service the way its users would, through one stable URL. Like an ALB it answers 503 when no target is
 * healthy and 502 when the chosen target does not answer. Each response names the task that served it in
 * {@value #TASK_HEADER}, so a test can tell which revision answered.
 */
final class LoadBalancerFront implements AutoCloseable {
  /** Response header naming the task ARN that answered. */
  static final String TASK_HEADER = "X-Ecssim-Task";
  /** Headers the JDK client sets itself (or refuses), and hop-by-hop headers a proxy does not pass on. */
  private static final Set<String> NOT_FORWARDED = Set.of("host", "connection", "content-length", "expect", "upgrade",
      "transfer-encoding", "keep-alive", "te", "trailer", "proxy-connection", "http2-settings");

  private final String targetGroupArn;
  private final Supplier<List<EcsModel.Target>> healthyTargets;
  private final AtomicInteger next = new AtomicInteger();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private final HttpServer server;
  private final ExecutorService executor;

  LoadBalancerFront(String targetGroupArn, Supplier<List<EcsModel.Target>> healthyTargets) throws IOException {
    this.targetGroupArn = targetGroupArn;
    this.healthyTargets = healthyTargets;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
    executor = Executors.newFixedThreadPool(8, r -> {
      Thread t = new Thread(r, "ecs-simulator-alb");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", this::forward);
    server.start();
  }

  URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  String targetGroupArn() {
    return targetGroupArn;
  }

  private void forward(HttpExchange ex) throws IOException {
    try (ex) {
      List<EcsModel.Target> targets = healthyTargets.get();
      if (targets.isEmpty()) {
        send(ex, 503, "503 Service Temporarily Unavailable: no healthy target in " + targetGroupArn, null);
        return;
      }
      EcsModel.Target target = targets.get(Math.floorMod(next.getAndIncrement(), targets.size()));
      byte[] body = ex.getRequestBody().readAllBytes();
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + target.port()
              + ex.getRequestURI().getRawPath()
              + (ex.getRequestURI().getRawQuery() == null ? "" : "?" + ex.getRequestURI().getRawQuery())))
          .timeout(Duration.ofSeconds(60))
          .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(body));
      for (Map.Entry<String, List<String>> h : ex.getRequestHeaders().entrySet()) {
        if (!NOT_FORWARDED.contains(h.getKey().toLowerCase(Locale.ROOT))) {
          h.getValue().forEach(v -> req.header(h.getKey(), v));
        }
      }
      HttpResponse<byte[]> r;
      try {
        r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
      } catch (IOException e) {
        send(ex, 502, "502 Bad Gateway: target 127.0.0.1:" + target.port() + " (" + target.task().arn
            + ") did not answer: " + e, target);
        return;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        send(ex, 503, "503 Service Temporarily Unavailable: shutting down", target);
        return;
      }
      r.headers().map().forEach((name, values) -> {
        if (!NOT_FORWARDED.contains(name.toLowerCase(Locale.ROOT)) && !name.startsWith(":")) {
          values.forEach(v -> ex.getResponseHeaders().add(name, v));
        }
      });
      ex.getResponseHeaders().set(TASK_HEADER, target.task().arn);
      boolean head = "HEAD".equalsIgnoreCase(ex.getRequestMethod());
      ex.sendResponseHeaders(r.statusCode(), head || r.body().length == 0 ? -1 : r.body().length);
      if (!head) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(r.body());
        }
      }
    }
  }

  private static void send(HttpExchange ex, int status, String text, EcsModel.Target target) throws IOException {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    if (target != null) {
      ex.getResponseHeaders().set(TASK_HEADER, target.task().arn);
    }
    ex.sendResponseHeaders(status, b.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(b);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
