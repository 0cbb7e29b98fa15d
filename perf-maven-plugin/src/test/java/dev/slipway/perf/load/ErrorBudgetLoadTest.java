package dev.slipway.perf.load;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.common.Log;
import dev.slipway.perf.compare.CompareReport.MetricResult;
import dev.slipway.perf.stats.Verdict;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** perf:load holds every run to the error budget: no baseline is needed to fail a run of 404s. */
class ErrorBudgetLoadTest {
  @TempDir Path dir;

  @Test
  void aServerAnswering404ToEverythingFailsTheFirstRun() throws Exception {
    try (StallingServer server = new StallingServer(0, 0)) {
      LoadSettings s = new LoadSettings(server.uri("/missing/everything"), null, null, null, 50.0, null,
          Duration.ofSeconds(1), null, "auto", 1, Duration.ZERO, Duration.ofSeconds(2), 1, Duration.ofSeconds(5),
          dir.resolve("out"), null, null, dir, null, null, null, null);

      LoadTest.Outcome o = new LoadTest(Log.silent()).run(s);

      assertThat(o.failed()).isTrue();
      MetricResult budget = o.limits().get(0);
      assertThat(budget.verdict()).isEqualTo(Verdict.FAIL);
      assertThat(budget.endpoint()).isEqualTo("GET /missing/everything");
      assertThat(budget.reason()).contains("100.00 %").contains("limit 1.00 %").contains("status 50")
          .contains("404 x50");
    }
  }

  @Test
  void theSameRunPassesWhenTheServerAnswers() throws Exception {
    try (StallingServer server = new StallingServer(0, 0)) {
      LoadSettings s = new LoadSettings(server.uri("/fine"), null, null, null, 50.0, null, Duration.ofSeconds(1),
          null, "auto", 1, Duration.ZERO, Duration.ofSeconds(2), 1, Duration.ofSeconds(5), dir.resolve("out"), null,
          null, dir, null, null, null, null);

      LoadTest.Outcome o = new LoadTest(Log.silent()).run(s);

      assertThat(o.failed()).isFalse();
      assertThat(o.limits()).isNotEmpty().allMatch(m -> m.verdict() == Verdict.PASS);
    }
  }
}
