package dev.slipway.perf.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.Log;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a run ends when the target is missing or dies. Nothing here asserts speed: the runs are scheduled for far
 * longer than the generous {@link Timeout} hang guards, so a run that waited out its schedule instead of failing
 * fast or aborting cannot pass, and the assertions check the abort itself, its cause, and that the measured window
 * ended before the schedule did.
 */
class FailureHandlingTest {
  @TempDir Path dir;
  /** Far longer than any hang guard below: a run that is not stopped early cannot finish within its test's timeout. */
  private static final Duration SCHEDULE = Duration.ofMinutes(10);

  @Test
  @Timeout(60)
  void unreachableTargetFailsBeforeTheRun() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    LoadConfig cfg = closed(URI.create("http://127.0.0.1:" + port + "/"), SCHEDULE);
    List<String> lines = new ArrayList<>();

    assertThatThrownBy(() -> new LoadRunner(CoordinatedOmissionTest.collect(lines)).run(cfg, 1, null))
        .isInstanceOf(TargetUnreachableException.class)
        .hasMessageContaining("127.0.0.1:" + port)
        .hasMessageContaining("unreachable")
        .hasMessageContaining("no load was sent");
    // Failing before the run means the run never started: not even its opening line was logged.
    assertThat(lines).noneMatch(l -> l.startsWith("load "));
  }

  @Test
  @Timeout(120)
  void serverDyingMidRunIsReportedNotWaitedOut() throws Exception {
    StallingServer server = new StallingServer(0, 0);
    LoadConfig cfg = new LoadConfig(server.uri("/"), List.of(Scenario.of(RequestSpec.get("/"), 1)),
        WorkloadModel.OPEN, new ArrivalSchedule(List.of(Phase.constant(SCHEDULE, 200))), null, 16, 1,
        Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of());
    Thread killer = new Thread(() -> {
      try {
        Thread.sleep(1000);
      } catch (InterruptedException e) {
        return;
      }
      server.close();
    });
    killer.start();
    List<String> lines = new ArrayList<>();

    Path hlog = dir.resolve("run.hlog");

    RunResult r = new LoadRunner(CoordinatedOmissionTest.collect(lines)).run(cfg, 1, hlog);

    assertThat(r.aborted()).contains("stopped answering").contains("no response for");
    assertThat(Files.readString(hlog)).as("an aborted run's histogram log is still moved into place")
        .contains("#[StartTime:");
    assertThat(r.durationSeconds()).as("the measured window ends at the abort, not at the end of the schedule")
        .isLessThan(SCHEDULE.toSeconds() / 2.0);
    EndpointResult e = r.endpoint("GET /").orElseThrow();
    assertThat(e.throughput()).isPositive();
    assertThat(e.errors().connect() + e.errors().other()).isPositive();
    assertThat(lines).anyMatch(l -> l.contains("aborted"));
  }

  @Test
  @Timeout(120)
  void closedModelAgainstDyingServerAlsoStops() throws Exception {
    StallingServer server = new StallingServer(0, 0);
    LoadConfig cfg = closed(server.uri("/"), SCHEDULE);
    new Thread(() -> {
      try {
        Thread.sleep(800);
      } catch (InterruptedException e) {
        return;
      }
      server.close();
    }).start();

    RunResult r = new LoadRunner(Log.silent()).run(cfg, 1, null);

    assertThat(r.aborted()).contains("stopped answering").contains("no response for");
    assertThat(r.durationSeconds()).as("the measured window ends at the abort, not at the end of the schedule")
        .isLessThan(SCHEDULE.toSeconds() / 2.0);
    assertThat(r.total().requests()).isPositive();
  }

  @Test
  void unexpectedStatusesAreStatusErrors() throws Exception {
    try (StallingServer server = new StallingServer(0, 0)) {
      RequestSpec ok = RequestSpec.get("/");
      RequestSpec missing = RequestSpec.get("/missing");
      LoadConfig cfg = new LoadConfig(server.uri("/"), List.of(Scenario.of(ok, 3), Scenario.of(missing, 1)),
          WorkloadModel.OPEN, new ArrivalSchedule(List.of(Phase.constant(Duration.ofSeconds(1), 400))), null, 16, 1,
          Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(1), Map.of());

      RunResult r = new LoadRunner(Log.silent()).run(cfg, 1, null);

      EndpointResult okE = r.endpoint("GET /").orElseThrow();
      EndpointResult missE = r.endpoint("GET /missing").orElseThrow();
      assertThat(okE.requests()).isEqualTo(300);
      assertThat(missE.requests()).isEqualTo(100);
      assertThat(okE.errors().total()).isZero();
      assertThat(missE.errors().status()).isEqualTo(100);
      assertThat(r.total().errors().status()).isEqualTo(100);
      assertThat(r.total().requests()).isEqualTo(400);
    }
  }

  private static LoadConfig closed(URI uri, Duration d) {
    return new LoadConfig(uri, List.of(Scenario.of(RequestSpec.get("/"), 1)), WorkloadModel.CLOSED, null, d, 4, 1,
        Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(1), Map.of());
  }
}
