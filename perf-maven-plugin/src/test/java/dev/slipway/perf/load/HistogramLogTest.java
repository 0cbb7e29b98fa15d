package dev.slipway.perf.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.Log;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The HdrHistogram log appears at its path only whole: the previous log stays until the run has ended. */
class HistogramLogTest {
  @TempDir Path dir;

  @Test
  void logIsMovedIntoPlaceWhenTheRunEnds() throws Exception {
    Path hlog = dir.resolve("load-run-1.hlog");
    Files.writeString(hlog, "previous run\n");
    List<String> seenDuringRun = new ArrayList<>();
    // Progress lines are logged by the monitor thread while the run is going: look at the log's path then.
    Log watcher = new Log() {
      @Override
      public void debug(String message) {}

      @Override
      public void info(String message) {
        if (message.contains("req/s")) {
          try {
            seenDuringRun.add(Files.readString(hlog));
            try (Stream<Path> files = Files.list(dir)) {
              assertThat(files.filter(f -> !f.equals(hlog)).toList()).as("the log is being written beside its path")
                  .singleElement().satisfies(f -> assertThat(f.getFileName().toString()).endsWith(".tmp"));
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      }

      @Override
      public void warn(String message) {}

      @Override
      public void error(String message) {}
    };
    try (StallingServer server = new StallingServer(0, 0)) {
      LoadConfig cfg = new LoadConfig(server.uri("/"), List.of(Scenario.of(RequestSpec.get("/"), 1)),
          WorkloadModel.OPEN, new ArrivalSchedule(List.of(Phase.constant(Duration.ofMillis(2500), 50))), null, 8, 1,
          Duration.ZERO, Duration.ofSeconds(2), Duration.ofSeconds(1), Map.of());

      RunResult r = new LoadRunner(watcher).run(cfg, 1, hlog);

      assertThat(r.aborted()).isNull();
    }
    assertThat(seenDuringRun).as("progress lines during the run").isNotEmpty().allMatch("previous run\n"::equals);
    assertThat(Files.readString(hlog)).contains("#[StartTime:").doesNotContain("previous run");
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.toList()).as("no temp file left behind").containsExactly(hlog);
    }
  }
}
