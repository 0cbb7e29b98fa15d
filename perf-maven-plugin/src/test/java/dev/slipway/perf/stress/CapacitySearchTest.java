package dev.slipway.perf.stress;

import static org.assertj.core.api.Assertions.assertThat;

import dev.slipway.perf.load.LoadSettings;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.Errors;
import dev.slipway.perf.results.Latency;
import dev.slipway.perf.results.Metric;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How a step is judged and how the steps become a capacity, on results shaped like the load engine's. */
class CapacitySearchTest {
  static final StressSettings S = new StressSettings(new LoadSettings(URI.create("http://127.0.0.1:1"), null, null,
      null, 10.0, null, Duration.ofSeconds(4), null, "open", 0, null, Duration.ofSeconds(2), 1, null, null, null,
      null, null, null, null, null, null), Duration.ofMillis(100), 0.01, 50, 2, 2000, 0.05, Duration.ofSeconds(4),
      Duration.ofSeconds(1), Duration.ofMinutes(3), Duration.ofSeconds(1), 2, 0.5, true);

  static RunResult result(double rate, double p99, double mean, long errors, double sendLagP99, String aborted) {
    long requests = Math.round(rate * 3);
    EndpointResult total = new EndpointResult("total", requests, new Errors(0, errors, 0, 0), rate,
        new Latency(mean, p99 * 0.8, p99, p99, p99 * 1.2, mean), Map.of("achievedRate", new Metric(rate, "req/s",
            true), "sendLag.p99", new Metric(sendLagP99, "ms", false)));
    return new RunResult(1, "slipway", WorkloadModel.OPEN, Instant.now(), 3, 1, "http://127.0.0.1:1", 1, null,
        aborted, Map.of(), total, List.of(total));
  }

  @Test
  void passFailAndCollapse() {
    assertThat(CapacitySearch.judge(S, 1, "ramp", 100, result(100, 25, 21, 0, 0.3, null), 1024).outcome())
        .isEqualTo(StressReport.Outcome.PASS);
    StressReport.Step slow = CapacitySearch.judge(S, 2, "ramp", 220, result(220, 400, 200, 0, 0.4, null), 1024);
    assertThat(slow.outcome()).isEqualTo(StressReport.Outcome.FAIL);
    assertThat(slow.reason()).isEqualTo("p99 400.0 ms > 100 ms");
    StressReport.Step errors = CapacitySearch.judge(S, 3, "ramp", 100, result(100, 25, 21, 6, 0.3, null), 1024);
    assertThat(errors.outcome()).isEqualTo(StressReport.Outcome.FAIL);
    assertThat(errors.reason()).startsWith("errors 2.00 %");
    assertThat(CapacitySearch.judge(S, 4, "ramp", 800, result(800, 2000, 900, 0, 0.5, "the target stopped "
        + "answering"), 1024).outcome()).isEqualTo(StressReport.Outcome.COLLAPSE);
  }

  @Test
  void aLateGeneratorIsNotTheServicesLimitButAFullPoolIs() {
    // the generator wrote requests ~300 ms late and the latency is ~400 ms: the service was not the limit
    // (2000/s × 350 ms mean = 700 connections busy, the pool has 1024)
    StressReport.Step late = CapacitySearch.judge(S, 1, "ramp", 2000, result(2000, 400, 350, 0, 300, null), 1024);
    assertThat(late.outcome()).isEqualTo(StressReport.Outcome.GENERATOR_LIMITED);
    assertThat(late.reason()).contains("send lag p99 (300.0 ms) is 75 %");
    // the same lateness with a pool of 700: every connection was busy with a slow response, so arrivals waited
    // for the service: the input that makes the generator check fail
    assertThat(CapacitySearch.judge(S, 1, "ramp", 2000, result(2000, 400, 350, 0, 300, null), 700).outcome())
        .isEqualTo(StressReport.Outcome.FAIL);
    // small send lag against a big latency: the service's queue
    assertThat(CapacitySearch.judge(S, 1, "ramp", 300, result(300, 900, 500, 0, 2, null), 1024).outcome())
        .isEqualTo(StressReport.Outcome.FAIL);
  }

  @Test
  void capacityKneeAndBound() {
    List<StressReport.Step> steps = new ArrayList<>();
    double[][] runs = {{50, 21}, {100, 22}, {200, 160}, {150, 30}, {175, 60}, {187.5, 90}, {193.8, 130}};
    for (double[] r : runs) {
      steps.add(CapacitySearch.judge(S, steps.size() + 1, "ramp", r[0], result(r[0], r[1], r[1] * 0.8, 0, 0.2,
          null), 1024));
    }
    StressReport report = CapacitySearch.report(S, steps, "narrowed", 40);
    assertThat(report.capacity()).isEqualTo(187.5);
    assertThat(report.capacityBound()).isEqualTo("measured");
    // p99 at 50/s is 21 ms: it first exceeds 42 ms at 175/s
    assertThat(report.knee()).isEqualTo(150.0);
    assertThat(report.generatorLimited()).isFalse();

    List<StressReport.Step> limited = new ArrayList<>(steps.subList(0, 2));
    limited.add(CapacitySearch.judge(S, 3, "ramp", 200, result(200, 400, 350, 0, 300, null), 1024));
    StressReport atLeast = CapacitySearch.report(S, limited, "generator", 20);
    assertThat(atLeast.capacity()).isEqualTo(100.0);
    assertThat(atLeast.capacityBound()).isEqualTo("atLeast");
    assertThat(atLeast.generatorLimited()).isTrue();
    assertThat(CapacitySearch.summary(atLeast)).contains("capacity at least 100 req/s")
        .contains("the load generator was the limit");
  }
}
