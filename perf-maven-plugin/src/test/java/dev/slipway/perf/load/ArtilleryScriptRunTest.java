package dev.slipway.perf.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.Log;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An Artillery script with weighted multi-step flows runs unchanged against a loopback server. */
class ArtilleryScriptRunTest {
  @TempDir Path dir;

  @Test
  void weightedFlowsWithThinkTimeAndJsonBodies() throws Exception {
    try (StallingServer server = new StallingServer(0, 0)) {
      Path script = dir.resolve("smoke.yml");
      Files.writeString(script, """
          config:
            target: "%s"
            phases:
              - duration: 1
                arrivalRate: 200
          scenarios:
            - name: queue
              weight: 3
              flow:
                - get:
                    url: "/health"
                - think: 0.05
                - post:
                    url: "/queue"
                    json: {kind: job}
            - name: analytics
              weight: 1
              flow:
                - get:
                    url: "/missing/analytics"
          """.formatted(server.uri("")));
      LoadSettings s = new LoadSettings(null, script, null, null, null, null, null, 64, "auto", 1,
          Duration.ZERO, Duration.ofSeconds(2), 1, Duration.ofSeconds(5), dir.resolve("out"), null, null, dir,
          null, null, null, null);

      List<RunResult> results = new LoadTest(Log.silent()).execute(s);

      RunResult r = results.get(0);
      assertThat(r.model()).isEqualTo(WorkloadModel.OPEN);
      assertThat(r.labels()).containsEntry("scenario", "smoke.yml");
      // 200 arrivals split 3:1; each queue arrival sends GET then (after 50 ms) POST on the same connection.
      assertThat(r.endpoint("GET /health").orElseThrow().requests()).isEqualTo(150);
      assertThat(r.endpoint("POST /queue").orElseThrow().requests()).isEqualTo(150);
      assertThat(r.endpoint("POST /queue").orElseThrow().errors().total()).isZero();
      assertThat(r.endpoint("GET /missing/analytics").orElseThrow().errors().status()).isEqualTo(50);
      // The POST after a think time is measured from when it was due, not from the arrival: measured from the
      // arrival it would carry the 50 ms think on top of what the GET before it took. Compared with that GET, not
      // with a fixed limit, so a slow machine slows both alike.
      assertThat(r.endpoint("POST /queue").orElseThrow().latency().p50())
          .isLessThan(r.endpoint("GET /health").orElseThrow().latency().p50() + 50 / 2.0);
      assertThat(server.requests.get()).isEqualTo(350);
      assertThat(dir.resolve("out/load-run-1.json")).exists();
    }
  }

  @Test
  void closedModelVirtualUsersPauseForTheirThinkTime() throws Exception {
    try (StallingServer server = new StallingServer(0, 0)) {
      RequestSpec thinking = new RequestSpec(null, "GET", "/think", null, null, null, Duration.ofMillis(100));
      LoadConfig cfg = new LoadConfig(server.uri("/"), List.of(Scenario.of(thinking, 1)), WorkloadModel.CLOSED, null,
          Duration.ofSeconds(1), 2, 1, Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(5), null);

      RunResult r = new LoadRunner(Log.silent()).run(cfg, 1, null);

      // Two users, one request per 100 ms each at most: no more than ~20 in a second, not thousands. Only the
      // upper bound is the behaviour; how far below it a loaded machine lands is speed, so it is not asserted.
      assertThat(r.endpoint("GET /think").orElseThrow().requests()).isBetween(2L, 22L);
      assertThat(r.total().errors().total()).isZero();
    }
  }
}
