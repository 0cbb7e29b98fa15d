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
    server = new StallingServer(1, StallingServer.STALL_MS);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  @Test
  void openModelRevealsTheStallsThatTheClosedModelHides() throws Exception {
    List<String> openLines = new ArrayList<>();
    LoadConfig openCfg = new LoadConfig(server.uri("/"), List.of(Scenario.of(RequestSpec.get("/work"), 1)),
        WorkloadModel.OPEN, new ArrivalSchedule(List.of(Phase.constant(Duration.ofMillis(2500), 200))), null, 64, 1,
        Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(1), Map.of());
    Path hlog = dir.resolve("run.hlog");
    List<String> closedLines = new ArrayList<>();
    LoadConfig closedCfg = new LoadConfig(server.uri("/"), List.of(Scenario.of(RequestSpec.get("/work"), 1)),
        WorkloadModel.CLOSED, null, Duration.ofMillis(2500), 4, 1, Duration.ofMillis(500), Duration.ofSeconds(2),
        Duration.ofSeconds(1), Map.of());

    RunResult open = new LoadRunner(collect(openLines)).run(openCfg, 1, hlog);
    RunResult closed = new LoadRunner(collect(closedLines)).run(closedCfg, 1, null);

    // Only relations below, no speed limits: a loaded CI machine slows every request, but it cannot make the open
    // model's tail stop showing the stalls, nor make 4 connections see more than ~4 stalled requests per stall.
    assertThat(open.model()).isEqualTo(WorkloadModel.OPEN);
    assertThat(open.aborted()).isNull();
    EndpointResult o = open.endpoint("GET /work").orElseThrow();
    assertThat(o.errors().total()).isZero();
    // ~10 % of arrivals land in a stall and wait up to 100 ms for it to end: p99 is a stalled arrival. Load on the
    // machine only adds to a latency, so this lower bound (half a stall) cannot be broken by a slow runner.
    assertThat(o.latency().p99()).as("open p99 shows the 100 ms stalls")
        .isGreaterThan(StallingServer.STALL_MS / 2.0);
    // a difference, not a ratio: a busy runner delays the typical request too, which shrinks a ratio but not the
    // stall a stalled arrival waits on top of it
    assertThat(o.latency().p99() - o.latency().p50()).as("open p99 is the stalls, not the typical request (p50)")
        .isGreaterThan(StallingServer.STALL_MS / 4.0);

    assertThat(closed.model()).isEqualTo(WorkloadModel.CLOSED);
    assertThat(closed.aborted()).isNull();
    EndpointResult c = closed.endpoint("GET /work").orElseThrow();
    assertThat(c.errors().total()).isZero();
    assertThat(c.latency().max()).as("the stalls did happen during the closed run")
        .isGreaterThan(StallingServer.STALL_MS / 2.0);
    assertThat(c.latency().p99()).as("closed p99 hides the stalls it saw in max (coordinated omission)")
        .isLessThan(c.latency().max() / 2);
    assertThat(o.latency().p99()).as("same server, same stalls: open p99 well above closed p99")
        .isGreaterThan(3 * c.latency().p99());
    assertThat(closedLines.get(0)).contains("closed model");

    // 2 s measured at 200/s: every scheduled arrival is accounted for, as a response or an error. The count comes
    // from intended send times, so it does not depend on how fast the machine is.
    assertThat(o.requests()).isBetween(398L, 402L);
    double scheduled = open.total().metrics().get("scheduledRate").value();
    assertThat(scheduled).isCloseTo(200.0, within(1.0));
    // The generator kept to the schedule, so the stalls are the server's, not the client's: as ratios to the
    // schedule and to the reported tail rather than absolute speeds.
    assertThat(open.total().metrics().get("achievedRate").value() / scheduled).isBetween(0.9, 1.01);
    assertThat(o.throughput() / scheduled).isBetween(0.9, 1.05);
    assertThat(open.total().metrics().get("sendLag.p50").value()).as("generator lag far below the tail it reports")
        .isLessThan(o.latency().p99() / 10);
    assertThat(open.total().allMetrics()).containsKey("achievedRate").containsKey(EndpointResult.P99);
    assertThat(openLines).anyMatch(l -> l.matches(".*req/s \\(scheduled (19[0-9]|20[0-9])/s\\)  errors 0  p99 .*"));
    // The histogram log holds the interval histograms of the measured window.
    long logged = 0;
    HistogramLogReader reader = new HistogramLogReader(hlog.toFile());
    org.HdrHistogram.EncodableHistogram h;
    while ((h = reader.nextIntervalHistogram()) != null) {
      assertThat(h.getTag()).isEqualTo("GET_/work");
      logged += ((org.HdrHistogram.Histogram) h).getTotalCount();
    }
    assertThat(logged).isEqualTo(o.requests());
    assertThat(Files.readString(hlog)).contains("#[StartTime:");
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
