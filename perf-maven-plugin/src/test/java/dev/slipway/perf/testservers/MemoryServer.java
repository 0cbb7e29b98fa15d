package dev.slipway.perf.testservers;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in service for perf:memory tests, on 127.0.0.1 and the port in PORT. POST /retain reads the body, then,
 * by the mode given as argument:
 * <ul>
 *   <li>{@code leak}: keeps every body forever in {@link RetainingRegistry} (the deliberate leak);
 *   <li>{@code sawtooth}: allocates 256 KB of garbage per request and keeps the last 50 bodies in a ring, so the
 *       heap in use saw-tooths while the live set stays the same;
 *   <li>{@code cache}: keeps bodies in a bounded LRU cache of 500 entries: the heap grows until the cache is full,
 *       then stays flat (a plateau).
 * </ul>
 * GET on any path answers 200 (health). Forked by the tests as a JVM of its own ({@code java -cp
 * target/test-classes}); compiled with the tests rather than run from source, which would cost every start a javac.
 */
public class MemoryServer {
  public static void main(String[] args) throws Exception {
    System.setProperty("sun.net.httpserver.nodelay", "true");
    String mode = args.length > 0 ? args[0] : "leak";
    int port = Integer.parseInt(System.getenv("PORT"));
    HttpServer s = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 256);
    s.setExecutor(Executors.newFixedThreadPool(4));
    AtomicLong counter = new AtomicLong();
    byte[][] ring = new byte[50][];
    Map<Long, byte[]> cache = new LinkedHashMap<>(4096, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Long, byte[]> eldest) {
        return size() > 500;
      }
    };
    s.createContext("/", ex -> {
      byte[] body;
      try (InputStream in = ex.getRequestBody()) {
        body = in.readAllBytes();
      }
      if ("POST".equals(ex.getRequestMethod())) {
        long n = counter.incrementAndGet();
        switch (mode) {
          case "leak" -> RetainingRegistry.add(n, body);
          case "sawtooth" -> {
            byte[] garbage = new byte[256 * 1024];
            garbage[(int) (n % garbage.length)] = 1;
            synchronized (ring) {
              ring[(int) (n % ring.length)] = body;
            }
          }
          case "cache" -> {
            synchronized (cache) {
              cache.put(n, body);
            }
          }
          default -> throw new IllegalArgumentException(mode);
        }
      }
      byte[] b = "ok\n".getBytes();
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    s.start();
    System.out.println("listening on " + port + " in mode " + mode);
  }
}

