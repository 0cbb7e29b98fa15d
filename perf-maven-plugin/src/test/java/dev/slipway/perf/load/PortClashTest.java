package dev.slipway.perf.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.slipway.common.Log;
import dev.slipway.perf.testservers.CapacityServer;
import dev.slipway.perf.testservers.Fork;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The port-clash bug of {@code perf.start=jar}: with the health URL's port held by another server, the forked service
 * used to die on bind while the other server answered its health URL, and the load test measured the wrong process.
 * Here a real HTTP server on loopback holds the port: the start is refused before anything is forked, naming the
 * port; and when the port is taken only after the check (a race), the answer is refused because it does not come
 * from the started process.
 */
class PortClashTest {
  @TempDir Path dir;
  private HttpServer other;
  private final List<String> lines = new ArrayList<>();
  private final CountDownLatch started = new CountDownLatch(1);
  private final Log log = new Log() {
    @Override
    public void debug(String message) {}

    @Override
    public void info(String message) {
      lines.add(message);
      if (message.startsWith("started service")) {
        started.countDown();
      }
    }

    @Override
    public void warn(String message) {
      lines.add(message);
    }

    @Override
    public void error(String message) {
      lines.add(message);
    }
  };

  @AfterEach
  void stopTheOtherServer() {
    if (other != null) {
      other.stop(0);
    }
  }

  /** Another process's stand-in: an HTTP server that answers 200 on /health, as the old bug's impostor did. */
  private int holdPortWithHealthyServer(int port) throws Exception {
    other = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
    other.createContext("/", ex -> {
      byte[] body = "UP from the other server\n".getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    other.start();
    return other.getAddress().getPort();
  }

  @Test
  @Timeout(60)
  void aTakenPortFailsBeforeTheServiceStartsAndNamesThePort() throws Exception {
    int port = holdPortWithHealthyServer(0);
    Path marker = dir.resolve("forked");
    URI health = URI.create("http://127.0.0.1:" + port + "/health");

    assertThatThrownBy(() -> ServiceProcess.start(List.of("touch", marker.toString()), Map.of(), dir,
        dir.resolve("service.log"), health, Duration.ofSeconds(20), log))
        .isInstanceOf(ServiceStartException.class)
        .hasMessageContaining("port " + port + " is already in use")
        .hasMessageContaining("something already accepts connections on 127.0.0.1:" + port)
        // this JVM holds it: /proc tells which process that is
        .hasMessageContaining("(pid " + ProcessHandle.current().pid());
    assertThat(marker).as("nothing was forked").doesNotExist();
    assertThat(lines).noneMatch(l -> l.startsWith("service is up"));
  }

  @Test
  @Timeout(60)
  void aListenerThatSpeaksNoHttpTakesThePortToo() throws Exception {
    try (ServerSocket bound = new ServerSocket()) {
      bound.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)); // accepts nothing, answers nothing
      int port = bound.getLocalPort();
      assertThatThrownBy(() -> ServiceProcess.start(List.of("true"), Map.of(), dir, dir.resolve("service.log"),
          URI.create("http://localhost:" + port + "/health"), Duration.ofSeconds(20), log))
          .isInstanceOf(ServiceStartException.class).hasMessageContaining("port " + port + " is already in use");
    }
  }

  @Test
  @Timeout(60)
  void anAnswerFromAnotherProcessIsRefusedAndTheStartedServiceStopped() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    URI health = URI.create("http://127.0.0.1:" + port + "/health");
    // the started "service" runs but never binds: it is alive, and the port is taken only after the check
    Thread impostor = new Thread(() -> {
      try {
        if (started.await(30, TimeUnit.SECONDS)) {
          holdPortWithHealthyServer(port);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    impostor.start();

    assertThatThrownBy(() -> ServiceProcess.start(List.of("sleep", "300"), Map.of(), dir,
        dir.resolve("service.log"), health, Duration.ofSeconds(30), log))
        .isInstanceOf(ServiceStartException.class)
        .hasMessageContaining(health + " answered 200, but not from the service (pid ")
        .hasMessageContaining("port " + port + " belongs to pid " + ProcessHandle.current().pid());
    impostor.join();
    long pid = Long.parseLong(lines.stream().filter(l -> l.startsWith("started service (pid ")).findFirst()
        .orElseThrow().replaceAll("started service \\(pid (\\d+)\\).*", "$1"));
    ProcessHandle.of(pid).ifPresent(h -> h.onExit().completeOnTimeout(h, 20, TimeUnit.SECONDS).join());
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive)).as("the started service was stopped")
        .satisfiesAnyOf(p -> assertThat(p).isEmpty(), p -> assertThat(p).contains(false));
  }

  @Test
  @Timeout(60)
  void aServiceThatDiedWhileAnotherAnswersIsRefused() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    URI health = URI.create("http://127.0.0.1:" + port + "/health");
    Thread impostor = new Thread(() -> {
      try {
        if (started.await(30, TimeUnit.SECONDS)) {
          holdPortWithHealthyServer(port);
        }
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    impostor.start();
    // the old bug's service: it dies at once (as on a failed bind), saying so
    assertThatThrownBy(() -> ServiceProcess.start(List.of("sh", "-c", "echo 'Address already in use'; exit 7"),
        Map.of(), dir, dir.resolve("service.log"), health, Duration.ofSeconds(30), log))
        .isInstanceOf(ServiceStartException.class)
        .hasMessageContaining("exited with status 7")
        .hasMessageContaining("Address already in use");
    impostor.join();
  }

  @Test
  @Timeout(60)
  void theServiceThatOwnsThePortIsUp() throws Exception {
    int port;
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = probe.getLocalPort();
    }
    // a real HTTP server in a JVM of its own, on the port: the control case for the refusals above
    List<String> command = ServiceProcess.command(Fork.command(CapacityServer.class, "-XX:TieredStopAtLevel=1"), null);
    try (ServiceProcess service = ServiceProcess.start(command, Map.of("PORT", String.valueOf(port)), dir,
        dir.resolve("service.log"), URI.create("http://127.0.0.1:" + port + "/health"), Duration.ofSeconds(60),
        log)) {
      assertThat(lines).anyMatch(l -> l.startsWith("service is up: http://127.0.0.1:" + port + "/health answered 200"));
      assertThat(LocalPorts.owner(port, service.processes())).isInstanceOf(LocalPorts.Owner.Ours.class);
    }
  }
}
