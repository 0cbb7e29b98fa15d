package dev.slipway.examples.hello;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Executors;

/**
 * A small HTTP service: {@code /health}, {@code /api/greeting?name=…} and {@code /api/work?rounds=…}, a slightly
 * heavier endpoint that hashes in a loop. Listens on {@code PORT} (default 8080) and {@code BIND} (default all
 * interfaces; the tests bind 127.0.0.1).
 */
public final class HelloService {
  static final int MAX_ROUNDS = 100_000;

  private final HttpServer server;

  public HelloService(String bind, int port) throws IOException {
    // without TCP_NODELAY the JDK server's separate header and body writes meet delayed ACKs: ~40 ms per response
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress(bind, port), 512);
    server.setExecutor(Executors.newFixedThreadPool(Math.max(4, Runtime.getRuntime().availableProcessors() * 4)));
    server.createContext("/health", ex -> respond(ex, 200, "{\"status\":\"UP\"}"));
    server.createContext("/api/greeting", ex -> {
      String name = query(ex, "name", "world");
      respond(ex, 200, "{\"greeting\":\"Hello, " + escape(name) + "!\"}");
    });
    server.createContext("/api/work", ex -> {
      int rounds;
      try {
        rounds = Integer.parseInt(query(ex, "rounds", "1000"));
      } catch (NumberFormatException e) {
        respond(ex, 400, "{\"error\":\"rounds must be a number\"}");
        return;
      }
      if (rounds < 1 || rounds > MAX_ROUNDS) {
        respond(ex, 400, "{\"error\":\"rounds must be between 1 and " + MAX_ROUNDS + "\"}");
        return;
      }
      respond(ex, 200, "{\"rounds\":" + rounds + ",\"digest\":\"" + work(rounds) + "\"}");
    });
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public void start() {
    server.start();
  }

  public void stop() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }

  /** Hashes a seed {@code rounds} times: CPU work whose cost grows linearly with rounds. */
  static String work(int rounds) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] value = "slipway".getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < rounds; i++) {
        value = md.digest(value);
      }
      return HexFormat.of().formatHex(value);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String query(HttpExchange ex, String key, String fallback) {
    String q = ex.getRequestURI().getRawQuery();
    if (q != null) {
      for (String pair : q.split("&")) {
        int eq = pair.indexOf('=');
        if (eq > 0 && pair.substring(0, eq).equals(key)) {
          return URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        }
      }
    }
    return fallback;
  }

  private static String escape(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        out.append('\\').append(c);
      } else if (c < 0x20) {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  private static void respond(HttpExchange ex, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, body.length);
    try (OutputStream out = ex.getResponseBody()) {
      out.write(body);
    }
  }

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(System.getenv().getOrDefault("PORT", "8080"));
    String bind = System.getenv().getOrDefault("BIND", "0.0.0.0");
    HelloService service = new HelloService(bind, port);
    service.start();
    System.out.println("hello-service listening on " + bind + ":" + service.port());
    Runtime.getRuntime().addShutdownHook(new Thread(service::stop));
  }
}
