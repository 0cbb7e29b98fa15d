package dev.slipway.perf.load;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A JDK HTTP server on 127.0.0.1 with known behaviour: every request takes {@code serviceMillis}, and for the first
 * {@code stallMillis} of every second (counted from start) the server stalls, like a stop-the-world GC: requests
 * arriving then are held until the stall ends.
 */
final class StallingServer implements AutoCloseable {
  /** The stall the coordinated-omission proof uses: 100 ms of every second, like a long stop-the-world pause. */
  static final long STALL_MS = 100;
  final HttpServer server;
  final AtomicLong requests = new AtomicLong();
  private final ExecutorService pool = Executors.newFixedThreadPool(64);
  private final long startNanos = System.nanoTime();

  StallingServer(long serviceMillis, long stallMillis) throws IOException {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's delayed ACK (~40 ms).
    System.setProperty("sun.net.httpserver.nodelay", "true");
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 512);
    server.setExecutor(pool);
    server.createContext("/", ex -> {
      try (ex) {
        ex.getRequestBody().readAllBytes();
        long sinceStart = (System.nanoTime() - startNanos) / 1_000_000L;
        long inSecond = sinceStart % 1000;
        if (inSecond < stallMillis) {
          sleep(stallMillis - inSecond);
        }
        sleep(serviceMillis);
        requests.incrementAndGet();
        int status = ex.getRequestURI().getPath().startsWith("/missing") ? 404 : 200;
        byte[] body = ("ok " + ex.getRequestMethod() + "\n").getBytes(StandardCharsets.UTF_8);
        ex.sendResponseHeaders(status, body.length);
        try (OutputStream out = ex.getResponseBody()) {
          out.write(body);
        }
      }
    });
    server.start();
  }

  private static void sleep(long ms) {
    if (ms <= 0) {
      return;
    }
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  @Override
  public void close() {
    server.stop(0);
    pool.shutdownNow();
    try {
      pool.awaitTermination(2, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
