package dev.slipway.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * A real HTTP server on 127.0.0.1 standing in for a web API (Slack's incoming webhooks, GitHub's REST API): it records
 * every request (method, path, query, headers, body) and answers through a handler the test scripts. Tests then check
 * what was sent, how often it was retried, and that no secret is in what was recorded by anyone else.
 */
public final class RecordingServer implements AutoCloseable {
  /** One request as received. */
  public record Request(String method, String path, String query, Map<String, List<String>> headers, String body,
      long receivedNanos) {
    public String header(String name) {
      for (var e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name)) {
          return e.getValue().isEmpty() ? null : e.getValue().get(0);
        }
      }
      return null;
    }
  }

  /** An answer: status, headers, body. */
  public record Response(int status, Map<String, String> headers, String body) {
    public static Response of(int status, String body) {
      return new Response(status, Map.of(), body);
    }

    public static Response json(int status, String json) {
      return new Response(status, Map.of("Content-Type", "application/json"), json);
    }
  }

  private final HttpServer server;
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private volatile Function<Request, Response> handler = r -> Response.of(200, "ok");

  public RecordingServer() throws IOException {
    // The JDK server reads sun.net.httpserver.nodelay once per JVM, when the first server starts. Without it small
    // answers wait for the peer's delayed ACK (~40 ms); a later server in the same test JVM that asks for nodelay
    // (perf's StallingServer) would silently not get it if this one started first.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.setExecutor(Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "recording-server");
      t.setDaemon(true);
      return t;
    }));
    server.createContext("/", this::handle);
    server.start();
  }

  /** What every later request is answered with. */
  public RecordingServer answer(Function<Request, Response> handler) {
    this.handler = handler;
    return this;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** Everything received (lines and bodies), for searching for secrets that must not have been sent. */
  public String transcript() {
    StringBuilder b = new StringBuilder();
    for (Request r : requests) {
      b.append(r.method()).append(' ').append(r.path()).append(r.query() == null ? "" : "?" + r.query()).append('\n')
          .append(r.body()).append('\n');
    }
    return b.toString();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      byte[] body = ex.getRequestBody().readAllBytes();
      Map<String, List<String>> headers = new java.util.LinkedHashMap<>();
      ex.getRequestHeaders().forEach((k, v) -> headers.put(k, new ArrayList<>(v)));
      Request r = new Request(ex.getRequestMethod(), ex.getRequestURI().getPath(), ex.getRequestURI().getRawQuery(),
          headers, new String(body, StandardCharsets.UTF_8), System.nanoTime());
      requests.add(r);
      Response answer;
      try {
        answer = handler.apply(r);
      } catch (RuntimeException e) {
        answer = Response.of(500, "stand-in failed: " + e);
      }
      answer.headers().forEach((k, v) -> ex.getResponseHeaders().add(k, v));
      byte[] out = answer.body() == null ? new byte[0] : answer.body().getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(answer.status(), out.length == 0 ? -1 : out.length);
      try (OutputStream os = ex.getResponseBody()) {
        os.write(out);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
