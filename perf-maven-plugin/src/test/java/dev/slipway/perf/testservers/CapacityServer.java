package dev.slipway.perf.testservers;

import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A service of known capacity for perf:stress tests: WORKERS threads (default 4), each request holds one for
 * SERVICE_MS (default 20 ms), so at most WORKERS / SERVICE_MS requests per second can be served (200/s by default);
 * above that the queue, and the latency, grow without bound. GET /stats reports the mean time a request really held
 * a worker (sleep overshoots on a busy machine), so a test can tell the nominal capacity from the real one.
 */
public class CapacityServer {
  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    int port = Integer.parseInt(System.getenv("PORT"));
    int workers = Integer.parseInt(System.getenv().getOrDefault("WORKERS", "4"));
    long serviceMs = Long.parseLong(System.getenv().getOrDefault("SERVICE_MS", "20"));
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
    s.setExecutor(Executors.newFixedThreadPool(workers));
    AtomicLong served = new AtomicLong();
    AtomicLong busyNanos = new AtomicLong();
    s.createContext("/", ex -> {
      long t0 = System.nanoTime();
      ex.getRequestBody().readAllBytes();
      if (ex.getRequestURI().getPath().equals("/stats")) {
        double mean = served.get() == 0 ? 0 : busyNanos.get() / 1e6 / served.get();
        byte[] b = String.format(java.util.Locale.ROOT, "{\"served\":%d,\"meanServiceMs\":%.3f}", served.get(), mean)
            .getBytes();
        ex.sendResponseHeaders(200, b.length);
        ex.getResponseBody().write(b);
        ex.close();
        return;
      }
      try {
        Thread.sleep(serviceMs);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] b = "ok\n".getBytes();
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
      served.incrementAndGet();
      busyNanos.addAndGet(System.nanoTime() - t0);
    });
    s.start();
    System.out.println("listening on " + port + ": " + workers + " workers x " + serviceMs + " ms");
  }
}
