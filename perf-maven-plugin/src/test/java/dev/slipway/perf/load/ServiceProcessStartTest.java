package dev.slipway.perf.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.Log;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class ServiceProcessStartTest {
  @TempDir Path dir;

  @Test
  @Timeout(60)
  void interruptWhileWaitingForHealthIsReportedAsSuchAndStopsTheService() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    // A service that runs but never answers its health URL.
    List<String> command = List.of("sleep", "300");
    URI health = URI.create("http://127.0.0.1:" + port + "/health");
    CountDownLatch waiting = new CountDownLatch(1);
    AtomicLong pid = new AtomicLong();
    Log log = new Log() {
      @Override
      public void debug(String message) {}

      @Override
      public void info(String message) {
        if (message.startsWith("started service (pid ")) {
          pid.set(Long.parseLong(message.substring("started service (pid ".length(), message.indexOf(')'))));
          waiting.countDown();
        }
      }

      @Override
      public void warn(String message) {}

      @Override
      public void error(String message) {}
    };
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean interruptKept = new AtomicBoolean();
    Thread starter = new Thread(() -> {
      try {
        ServiceProcess.start(command, Map.of(), dir, dir.resolve("service.log"), health, Duration.ofMinutes(5), log)
            .close();
      } catch (Throwable t) {
        thrown.set(t);
      }
      interruptKept.set(Thread.currentThread().isInterrupted());
    });
    starter.start();
    assertThat(waiting.await(30, TimeUnit.SECONDS)).as("service started").isTrue();

    starter.interrupt();
    starter.join();

    assertThat(thrown.get()).isInstanceOf(ServiceStartException.class)
        .hasMessageContaining("interrupted while waiting for " + health)
        .hasMessageNotContaining("did not become healthy")
        .hasCauseInstanceOf(InterruptedException.class);
    assertThat(interruptKept).as("the interrupt flag is restored for the caller").isTrue();
    // The kill is asynchronous: give the process a bounded time to go before checking that it went.
    ProcessHandle.of(pid.get()).ifPresent(h -> h.onExit().completeOnTimeout(h, 20, TimeUnit.SECONDS).join());
    assertThat(ProcessHandle.of(pid.get()).map(ProcessHandle::isAlive)).as("service stopped")
        .satisfiesAnyOf(p -> assertThat(p).isEmpty(), p -> assertThat(p).contains(false));
  }
}
