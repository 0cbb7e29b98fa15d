package dev.slipway.perf.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.Log;
import dev.slipway.perf.results.Errors;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** Misbehaving raw-socket servers: each failure lands in its cause, and every arrival is accounted for once. */
class ErrorCausesTest {

  /** Accepts connections on 127.0.0.1 and hands each to {@code behaviour} on its own thread. */
  static final class RawServer implements AutoCloseable {
    final ServerSocket socket;
    final List<Socket> clients = new CopyOnWriteArrayList<>();

    RawServer(Consumer<Socket> behaviour) throws IOException {
      socket = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!socket.isClosed()) {
          try {
            Socket s = socket.accept();
            clients.add(s);
            Thread w = new Thread(() -> behaviour.accept(s));
            w.setDaemon(true);
            w.start();
          } catch (IOException e) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    URI uri() {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/");
    }

    @Override
    public void close() throws IOException {
      socket.close();
      for (Socket s : clients) {
        s.close();
      }
    }
  }

  static void readRequest(InputStream in) throws IOException {
    int matched = 0;
    byte[] end = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    int b;
    while (matched < 4 && (b = in.read()) >= 0) {
      matched = b == end[matched] ? matched + 1 : (b == end[0] ? 1 : 0);
    }
  }

  static RunResult run(URI uri, Duration timeout) throws Exception {
    LoadConfig cfg = new LoadConfig(uri, List.of(Scenario.of(RequestSpec.get("/"), 1)), WorkloadModel.OPEN,
        new ArrivalSchedule(List.of(Phase.constant(Duration.ofSeconds(1), 20))), null, 64, 1, Duration.ZERO, timeout,
        Duration.ofSeconds(5), Map.of());
    return new LoadRunner(Log.silent()).run(cfg, 1, null);
  }

  @Test
  void aServerThatNeverAnswersGivesTimeouts() throws Exception {
    try (RawServer server = new RawServer(s -> {
      try {
        readRequest(s.getInputStream());
        Thread.sleep(60_000);
      } catch (IOException | InterruptedException ignored) {
        // closed by the test
      }
    })) {
      RunResult r = run(server.uri(), Duration.ofMillis(300));

      Errors e = r.total().errors();
      assertThat(e.timeout()).isEqualTo(20);
      assertThat(e.status() + e.connect() + e.other()).isZero();
      assertThat(r.total().requests()).isEqualTo(20);
      assertThat(r.total().latency()).isNull();
    }
  }

  @Test
  void garbageAndTruncatedResponsesAreOther() throws Exception {
    int[] n = {0};
    try (RawServer server = new RawServer(s -> {
      try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
        while (true) {
          readRequest(in);
          int i;
          synchronized (n) {
            i = n[0]++;
          }
          if (i % 3 == 0) {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok".getBytes(StandardCharsets.US_ASCII));
          } else if (i % 3 == 1) {
            out.write("NOT HTTP AT ALL\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            return;
          } else {
            out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\ntruncated".getBytes(StandardCharsets.US_ASCII));
            return;
          }
          out.flush();
        }
      } catch (IOException ignored) {
        // the client gave up on the connection
      }
    })) {
      RunResult r = run(server.uri(), Duration.ofSeconds(2));

      Errors e = r.total().errors();
      assertThat(r.total().requests()).isEqualTo(20);
      assertThat(e.other()).isBetween(12L, 14L);
      assertThat(e.status() + e.timeout() + e.connect()).isZero();
      assertThat(r.total().requests() - e.total()).as("good responses").isBetween(6L, 8L);
    }
  }
}
