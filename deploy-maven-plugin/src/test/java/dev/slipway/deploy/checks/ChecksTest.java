package dev.slipway.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.slipway.common.Log;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Health checks and smoke tests against a real HTTP server on loopback. */
class ChecksTest {
  private HttpServer server;
  private final AtomicInteger healthCalls = new AtomicInteger();
  private final List<String> methods = new CopyOnWriteArrayList<>();
  private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 10);
    server.createContext("/health", ex -> {
      int n = healthCalls.incrementAndGet();
      ex.sendResponseHeaders(n < 3 ? 503 : 200, -1);
      ex.close();
    });
    server.createContext("/slow", ex -> {
      try {
        Thread.sleep(300);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      byte[] b = "ok".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, b.length);
      ex.getResponseBody().write(b);
      ex.close();
    });
    server.createContext("/orders", ex -> {
      methods.add(ex.getRequestMethod());
      ex.sendResponseHeaders("POST".equals(ex.getRequestMethod()) ? 201 : 405, -1);
      ex.close();
    });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private String base() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  @Test
  void healthCheckWaitsRetriesAndSucceedsOnTheThirdAttempt() throws Exception {
    HealthChecker checker = new HealthChecker(new JdkHttpProbe(), Instant::now, sleeps::add, Log.silent());
    CheckResult r = checker.run(new HealthCheckSpec(base() + "/health", Duration.ofSeconds(30), 5,
        Duration.ofSeconds(10), 200, null));
    assertThat(r.passed()).isTrue();
    assertThat(healthCalls.get()).isEqualTo(3);
    assertThat(sleeps).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(10), Duration.ofSeconds(10));

    CheckResult refused = checker.run(new HealthCheckSpec("http://127.0.0.1:1/health", Duration.ZERO, 2,
        Duration.ofMillis(1), 200, Duration.ofSeconds(2)));
    assertThat(refused.passed()).isFalse();
    assertThat(refused.detail()).contains("failed 2 times").contains("ConnectException");
  }

  @Test
  void smokeTestsCheckStatusMethodAndLatency() throws Exception {
    SmokeTestRunner runner = new SmokeTestRunner(new JdkHttpProbe(), Instant::now, Log.silent());
    assertThat(runner.run(base(), List.of(new SmokeTestSpec(null, "POST", "/orders", 201, null, null))).passed())
        .isTrue();
    assertThat(methods).containsExactly("POST");
    CheckResult slow = runner.run(base(), List.of(new SmokeTestSpec("slow", "GET", "/slow", 200, "ok",
        Duration.ofMillis(100))));
    assertThat(slow.passed()).isFalse();
    assertThat(slow.detail()).contains("smoke test 'slow'").contains("more than the allowed 100 ms");
    CheckResult status = runner.run(base(), List.of(new SmokeTestSpec(null, "GET", "/orders", 200, null, null)));
    assertThat(status.detail()).contains("HTTP 405, expected 200");
  }
}
