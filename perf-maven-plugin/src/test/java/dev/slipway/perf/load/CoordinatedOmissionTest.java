package dev.slipway.perf.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.slipway.common.Log;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.HistogramLogReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proof that latency is measured honestly: a server with a 1 ms service time that stalls for 100 ms every
 * second. Arrivals on a fixed schedule that land in a stall wait for it, so the open model's p99 shows the stall
 * (as wrk2 would); a closed loop only has its few in-flight requests delayed, so its p99 hides the stall, and the
 * result is labelled CLOSED so nobody mistakes it.
 */
class CoordinatedOmissionTest {
  static StallingServer server;
  @TempDir Path dir;

  @BeforeAll
  static void start() throws Exception {
    server = new StallingServer(1, 100);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void openModelShowsTheStallsInP99() throws Exception {
    List<String> lines = new ArrayList<>();
    LoadConfig cfg = new LoadConfig(server.uri("/"), List.of(Scenario.of(RequestSpec.get("/work"), 1)),
        WorkloadModel.OPEN, new ArrivalSchedule(List.of(Phase.constant(Duration.ofMillis(2500), 200))), null, 64, 1,
        Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(1), Map.of());
    Path hlog = dir.resolve("run.hlog");

    RunResult r = new LoadRunner(collect(lines)).run(cfg, 1, hlog);

    assertThat(r.model()).isEqualTo(WorkloadModel.OPEN);
    assertThat(r.aborted()).isNull();
    EndpointResult e = r.endpoint("GET /work").orElseThrow();
    // 2 s measured at 200/s: every scheduled arrival is accounted for, as a response or an error.
    assertThat(e.requests()).isBetween(398L, 402L);
    assertThat(e.errors().total()).isZero();
    // ~10 % of arrivals land in a stall and wait up to 100 ms for it to end.
    assertThat(e.latency().p99()).as("open p99 shows the 100 ms stalls").isGreaterThan(50.0);
    assertThat(e.latency().p50()).as("p50 is the service time").isLessThan(20.0);
    assertThat(e.latency().max()).isLessThan(400.0);
    assertThat(e.throughput()).isBetween(190.0, 210.0);
    // The generator kept to the schedule: the stalls are the server's, not the client's.
    assertThat(r.total().metrics().get("scheduledRate").value()).isCloseTo(200.0, within(1.0));
    assertThat(r.total().metrics().get("achievedRate").value()).isBetween(180.0, 201.0);
    assertThat(r.total().metrics().get("sendLag.p50").value()).isLessThan(5.0);
    assertThat(r.total().allMetrics()).containsKey("achievedRate").containsKey(EndpointResult.P99);
    assertThat(lines).anyMatch(l -> l.matches(".*req/s \\(scheduled (19[0-9]|20[0-9])/s\\)  errors 0  p99 .*"));
    // The histogram log holds the interval histograms of the measured window.
    long logged = 0;
    HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
    org.HdrHistogram.EncodableHistogram h;
    while ((h = reader.nextIntervalHistogram()) != null) {
      assertThat(h.getTag()).isEqualTo("GET_/work");
      logged += ((org.HdrHistogram.Histogram) h).getTotalCount();
    }
    assertThat(logged).isEqualTo(e.requests());
    assertThat(Files.readString(hlog)).contains("#[StartTime:");
  }

  @Test
  void closedModelHidesTheStallsAndIsLabelledClosed() throws Exception {
    List<String> lines = new ArrayList<>();
    LoadConfig cfg = new LoadConfig(server.uri("/"), List.of(Scenario.of(RequestSpec.get("/work"), 1)),
        WorkloadModel.CLOSED, null, Duration.ofMillis(2500), 4, 1, Duration.ofMillis(500), Duration.ofSeconds(2),
        Duration.ofSeconds(1), Map.of());

    RunResult r = new LoadRunner(collect(lines)).run(cfg, 1, null);

    assertThat(r.model()).isEqualTo(WorkloadModel.CLOSED);
    EndpointResult e = r.endpoint("GET /work").orElseThrow();
    assertThat(e.errors().total()).isZero();
    // 4 connections, ~1 ms per request: a few thousand requests, of which only the ~4 per stall were delayed.
    assertThat(e.requests()).isGreaterThan(1000);
    assertThat(e.latency().p99()).as("closed p99 hides the stalls (coordinated omission)").isLessThan(50.0);
    assertThat(e.latency().max()).as("but the stalls did happen").isGreaterThan(50.0);
    assertThat(lines.get(0)).contains("closed model");
  }

  static Log collect(List<String> lines) {
    return new Log() {
      @Override
      public void debug(String message) {}

      @Override
      public void info(String message) {
        lines.add(message);
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
  }
}
