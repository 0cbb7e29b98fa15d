package dev.slipway.perf.bench;

import dev.slipway.common.Log;
import dev.slipway.perf.load.LoadConfig;
import dev.slipway.perf.load.LoadRunner;
import dev.slipway.perf.load.RequestSpec;
import dev.slipway.perf.load.Scenario;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;

/**
 * Not a test: measures closed-loop requests/s of candidate HTTP stacks against a URL (used by bench/stack.sh to pick
 * the load generator's client). Usage: StackBench URL connections seconds [nio|jdk]... (2 s warm-up excluded)
 */
public final class StackBench {
  public static void main(String[] args) throws Exception {
    URI uri = URI.create(args[0]);
    int conns = Integer.parseInt(args[1]);
    int secs = Integer.parseInt(args[2]);
    for (int i = 3; i < args.length; i++) {
      double rps = switch (args[i]) {
        case "nio" -> nio(uri, conns, secs);
        case "jdk" -> jdk(uri, conns, secs);
        default -> throw new IllegalArgumentException(args[i]);
      };
      System.out.printf(Locale.ROOT, "%s %d connections %ds: %.0f req/s%n", args[i], conns, secs, rps);
    }
  }

  static double nio(URI uri, int conns, int secs) throws Exception {
    LoadConfig cfg = new LoadConfig(uri, List.of(Scenario.of(RequestSpec.get(uri.getRawPath()), 1)),
        WorkloadModel.CLOSED, null, Duration.ofSeconds(secs + 2), conns, Integer.getInteger("threads", 0),
        Duration.ofSeconds(2),
        Duration.ofSeconds(5), Duration.ofSeconds(100), null);
    RunResult r = new LoadRunner(Log.silent()).run(cfg, 1, null);
    return r.total().throughput();
  }

  /** JDK HttpClient, HTTP/1.1, {@code conns} requests kept in flight with sendAsync. */
  static double jdk(URI uri, int conns, int secs) throws Exception {
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpRequest req = HttpRequest.newBuilder(uri).GET().build();
    LongAdder done = new LongAdder();
    AtomicBoolean stop = new AtomicBoolean();
    CountDownLatch finished = new CountDownLatch(conns);
    for (int i = 0; i < conns; i++) {
      loop(client, req, done, stop, finished);
    }
    Thread.sleep(2000); // warm-up, excluded
    long start = System.nanoTime();
    long before = done.sum();
    Thread.sleep(secs * 1000L);
    stop.set(true);
    long n = done.sum() - before;
    double elapsed = (System.nanoTime() - start) / 1e9;
    finished.await();
    return n / elapsed;
  }

  private static void loop(HttpClient c, HttpRequest r, LongAdder done, AtomicBoolean stop, CountDownLatch fin) {
    c.sendAsync(r, HttpResponse.BodyHandlers.discarding()).whenComplete((resp, err) -> {
      if (err == null) {
        done.increment();
      }
      if (stop.get()) {
        fin.countDown();
      } else {
        loop(c, r, done, stop, fin);
      }
    });
  }
}
