package dev.slipway.perf.history;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.slipway.common.InvalidInputException;
import dev.slipway.perf.compare.CompareReport;
import dev.slipway.perf.compare.CompareRunner;
import dev.slipway.perf.compare.MetricSelection;
import dev.slipway.perf.compare.Runs;
import dev.slipway.perf.results.ResultsReader;
import dev.slipway.perf.results.ResultsWriter;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.stats.GateConfig;
import dev.slipway.perf.stats.Verdict;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HistoryTest {
  @TempDir Path dir;

  private static Map<String, String> here() {
    return BuildContext.detect(null, Map.of(), Map.of());
  }

  private static HistoryEntry entry(int build, Map<String, String> ctx, RunResult r) {
    Map<String, String> c = new LinkedHashMap<>(ctx);
    c.put("commit", String.format("%040x", build));
    return new HistoryEntry(HistoryEntry.VERSION_RUN, Instant.parse("2026-01-01T00:00:00Z").plusSeconds(3600L * build),
        "b" + build, c, r);
  }

  @Test
  void appendsReadsBackAndKeepsOnlyTheNewestEntries() throws Exception {
    HistoryFile h = new HistoryFile(dir.resolve(".slipway/perf-history.jsonl"));
    List<HistoryEntry> first = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      first.add(entry(i, here(), Runs.run(i, Runs.http("GET /a", 10 + i, 100, 1000, 0))));
    }
    assertThat(h.append(first, 5)).isEqualTo(1);
    assertThat(h.append(List.of(entry(6, here(), Runs.run(6, Runs.http("GET /a", 16, 100, 1000, 0)))), 5))
        .isEqualTo(1);
    List<HistoryEntry> read = h.read();
    assertThat(read).extracting(HistoryEntry::build).containsExactly("b2", "b3", "b4", "b5", "b6");
    assertThat(read.get(4).result().endpoint("GET /a").orElseThrow().latency().p50()).isEqualTo(16.0);
    assertThat(read.get(0).context()).containsKeys("commit", "jdk", "os", "arch", "cpuCount", "cpuModel");
    assertThat(Files.readAllLines(h.path())).hasSize(5).allSatisfy(l -> assertThat(l).startsWith("{\"v\":1,"));
  }

  @Test
  void concurrentWritersNeverLoseOrCorruptLines() throws Exception {
    Path file = dir.resolve("h.jsonl");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<?>> fs = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      fs.add(pool.submit(() -> {
        for (int i = 0; i < 15; i++) {
          // a new HistoryFile each time, as separate builds would open it
          new HistoryFile(file).append(List.of(entry(thread * 100 + i, here(),
              Runs.run(i, Runs.http("GET /a", 10, 100, 1000, 0)))), 1000);
        }
        return null;
      }));
    }
    for (Future<?> f : fs) {
      f.get();
    }
    pool.shutdown();
    List<HistoryEntry> all = new HistoryFile(file).read();
    assertThat(all).hasSize(60);
    assertThat(all.stream().map(HistoryEntry::build).distinct().count()).isEqualTo(60);
  }

  @Test
  void concurrentWriterProcessesNeverLoseOrCorruptLines() throws Exception {
    Path file = dir.resolve("shared.jsonl");
    Path javaBin = Path.of(System.getProperty("java.home"), "bin", "java");
    List<Process> writers = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      writers.add(new ProcessBuilder(javaBin.toString(), "-cp", System.getProperty("java.class.path"),
          AppendMain.class.getName(), file.toString(), "proc" + p, "20")
          .redirectErrorStream(true).redirectOutput(dir.resolve("writer" + p + ".log").toFile()).start());
    }
    for (int p = 0; p < writers.size(); p++) {
      assertThat(writers.get(p).waitFor()).as(Files.readString(dir.resolve("writer" + p + ".log"))).isZero();
    }
    List<HistoryEntry> all = new HistoryFile(file).read();
    assertThat(all).hasSize(60);
    for (int p = 0; p < 3; p++) {
      String prefix = "proc" + p;
      // each writer's lines are all there, in its own order
      assertThat(all.stream().map(HistoryEntry::build).filter(b -> b.startsWith(prefix + "-")).toList())
          .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 20).mapToObj(i -> prefix + "-" + i).toList());
    }
  }

  @Test
  void aMalformedLineNamesFileAndLine() throws Exception {
    Path file = dir.resolve("h.jsonl");
    new HistoryFile(file).append(List.of(entry(1, here(), Runs.run(1, Runs.http("GET /a", 10, 100, 1000, 0)))), 10);
    Files.writeString(file, "{\"v\":1, \"time\": \"yesterday\"}\n", java.nio.file.StandardOpenOption.APPEND);
    assertThatThrownBy(() -> new HistoryFile(file).read()).isInstanceOf(InvalidInputException.class)
        .hasMessageContaining(file + ":2:");
  }

  /** Builds 0..19 at 100 ms, builds 20..39 at 130 ms (an accepted change), then the current build at 131 ms. */
  private List<HistoryEntry> levelShiftHistory(Map<String, String> ctx, boolean shift) {
    List<HistoryEntry> h = new ArrayList<>();
    double[] w = {0.99, 1.0, 1.01};
    for (int b = 0; b < 40; b++) {
      double level = shift && b >= 20 ? 130 : 100;
      for (int r = 0; r < 3; r++) {
        h.add(entry(b, ctx, Runs.run(r + 1, Runs.http("GET /a", level * w[(b + r) % 3], 100, 1000, 0))));
      }
    }
    return h;
  }

  private CompareReport compareAgainst(List<HistoryEntry> history) throws Exception {
    Path hist = dir.resolve("perf-history.jsonl");
    Files.deleteIfExists(hist);
    new HistoryFile(hist).append(history, 10_000);
    Path cur = dir.resolve("cur");
    double[] w = {0.995, 1.005, 1.0, 0.99, 1.01};
    for (int i = 0; i < 5; i++) {
      ResultsWriter.writeRun(cur, "cur", Runs.run(i + 1, Runs.http("GET /a", 131 * w[i], 100, 1000, 0)));
    }
    CompareRunner.Config c = new CompareRunner.Config(cur, null, hist, BuildContext.DEFAULT_KEYS, Map.of(), 30,
        GateConfig.defaults(), dev.slipway.perf.compare.ErrorBudget.Limits.defaults(),
        java.util.List.of(dev.slipway.perf.stats.Verdict.FAIL), MetricSelection.parse("latency.p50", null), 50, 0.001, dir.resolve("out"), false,
        null, Map.of());
    Runs.Recording log = new Runs.Recording();
    return new CompareRunner(ResultsReader.standard(log), env -> Optional.empty(),
        Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC), log).run(c).orElseThrow().report();
  }

  @Test
  void anUnacceptedRegressionIsNotTheNewNormalButAnAcceptedOneIs() throws Exception {
    // Builds 20..39 got 30 % slower and nobody accepted it: the change point is reported and this build still fails.
    // Was: any change point silently reset the baseline, so a regression that slipped through became normal.
    CompareReport shifted = compareAgainst(levelShiftHistory(here(), true));
    assertThat(shifted.changePoints()).singleElement().satisfies(cp -> {
      assertThat(cp.index()).isEqualTo(20);
      assertThat(cp.resetsBaseline()).isFalse();
      assertThat(cp.commit()).isEqualTo(String.format("%040x", 20));
      assertThat(cp.change()).isBetween(0.29, 0.31);
    });
    assertThat(shifted.metrics()).filteredOn(m -> m.metric().equals("latency.p50")).singleElement()
        .satisfies(m -> {
          assertThat(m.verdict()).isEqualTo(Verdict.FAIL);
          assertThat(m.reason()).contains("was not accepted").contains("perf:accept");
        });

    // perf:accept at build 20's commit: from there on is the new normal, and the same build passes
    List<HistoryEntry> accepted = new ArrayList<>(levelShiftHistory(here(), true));
    accepted.add(new HistoryEntry(HistoryEntry.VERSION, Instant.parse("2026-02-20T00:00:00Z"), null, here(), null,
        new HistoryEntry.Accept(List.of("latency.*"), String.format("%040x", 20), "slower on purpose")));
    CompareReport ok = compareAgainst(accepted);
    assertThat(ok.accepted()).singleElement().satisfies(a -> assertThat(a.reason()).isEqualTo("slower on purpose"));
    assertThat(ok.metrics()).filteredOn(m -> m.metric().equals("latency.p50")).singleElement().satisfies(m -> {
      assertThat(m.verdict()).as(m.reason()).isEqualTo(Verdict.PASS);
      assertThat(m.baseline().builds()).isEqualTo(20);
      assertThat(m.baseline().value()).isBetween(129.0, 131.0);
    });
    // the same current build against a history that never moved is a regression
    CompareReport flat = compareAgainst(levelShiftHistory(here(), false));
    assertThat(flat.changePoints()).isEmpty();
    assertThat(flat.metrics()).filteredOn(m -> m.metric().equals("latency.p50")).singleElement()
        .satisfies(m -> assertThat(m.verdict()).isEqualTo(Verdict.FAIL));
  }

  @Test
  void acceptGoalWritesAMarkerThatStartsTheNewNormal() throws Exception {
    Path hist = dir.resolve("perf-history.jsonl");
    new HistoryFile(hist).append(levelShiftHistory(here(), false), 10_000);
    HistoryEntry marker = new AcceptRunner(Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC),
        new Runs.Recording()).run(new AcceptRunner.Config(hist, List.of("*"), null, "new TLS default", 10_000, dir,
            Map.of()));
    List<HistoryEntry> read = new HistoryFile(hist).read();
    assertThat(read.get(read.size() - 1).accept()).isEqualTo(marker.accept());
    assertThat(Files.readAllLines(hist).get(read.size() - 1)).startsWith("{\"v\":2,").contains("\"accept\"");
    // no build after the marker yet: nothing to compare against, so the metrics have no baseline (and pass)
    List<HistoryEntry> withMarker = new ArrayList<>(read);
    CompareReport r = compareAgainst(withMarker);
    assertThat(r.metrics()).noneMatch(m -> m.verdict() == Verdict.FAIL);
    assertThat(r.onlyInCurrent()).contains("GET /a / latency.p50");
  }

  @Test
  void anImprovementStartsTheBaselineAfresh() throws Exception {
    List<HistoryEntry> h = new ArrayList<>();
    double[] w = {0.99, 1.0, 1.01};
    for (int b = 0; b < 40; b++) {
      double level = b >= 20 ? 131 : 180;
      for (int r = 0; r < 3; r++) {
        h.add(entry(b, here(), Runs.run(r + 1, Runs.http("GET /a", level * w[(b + r) % 3], 100, 1000, 0))));
      }
    }
    CompareReport r = compareAgainst(h);
    assertThat(r.changePoints()).singleElement().satisfies(cp -> assertThat(cp.resetsBaseline()).isTrue());
    assertThat(r.metrics()).filteredOn(m -> m.metric().equals("latency.p50")).singleElement().satisfies(m -> {
      assertThat(m.verdict()).isEqualTo(Verdict.PASS);
      assertThat(m.baseline().builds()).isEqualTo(20);
    });
  }

  @Test
  void onlyHistoryFromTheSameContextIsUsed() throws Exception {
    Map<String, String> other = new LinkedHashMap<>(here());
    other.put("cpuModel", "A different CPU");
    List<HistoryEntry> h = new ArrayList<>(levelShiftHistory(other, false));
    // runs from the same context as this machine at the current level
    for (int b = 100; b < 110; b++) {
      h.add(entry(b, here(), Runs.run(1, Runs.http("GET /a", 130 + (b % 3), 100, 1000, 0))));
    }
    CompareReport r = compareAgainst(h);
    assertThat(r.baseline().runs()).isEqualTo(10);
    assertThat(r.baseline().context()).containsEntry("cpuModel", here().get("cpuModel"));
    assertThat(r.notes()).anyMatch(n -> n.startsWith("120 history run(s) from another context"));
    assertThat(r.metrics()).filteredOn(m -> m.metric().equals("latency.p50")).singleElement()
        .satisfies(m -> assertThat(m.verdict()).isEqualTo(Verdict.PASS));
  }

  @Test
  void baselineGoalRecordsRunsWithTheirContext() throws Exception {
    Path cur = dir.resolve("cur");
    for (int i = 1; i <= 3; i++) {
      ResultsWriter.writeRun(cur, "run", Runs.run(i, Runs.http("GET /a", 10, 100, 1000, 0)));
    }
    Path hist = dir.resolve(".slipway/perf-history.jsonl");
    Runs.Recording log = new Runs.Recording();
    BaselineRunner.Outcome out = new BaselineRunner(ResultsReader.standard(log),
        Clock.fixed(Instant.parse("2026-03-01T00:00:00Z"), ZoneOffset.UTC), log)
        .run(new BaselineRunner.Config(cur, hist, 100, Map.of("runner", "ci-large"), dir,
            Map.of("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567", "GITHUB_REF_TYPE", "branch",
                "GITHUB_REF_NAME", "main")));
    assertThat(out.appended()).isEqualTo(3);
    List<HistoryEntry> read = new HistoryFile(hist).read();
    assertThat(read).hasSize(3).allSatisfy(e -> {
      assertThat(e.build()).isEqualTo("2026-03-01T00:00:00Z@0123456789ab");
      assertThat(e.context()).containsEntry("commit", "0123456789abcdef0123456789abcdef01234567")
          .containsEntry("branch", "main").containsEntry("runner", "ci-large")
          .containsEntry("cpuCount", String.valueOf(Runtime.getRuntime().availableProcessors()));
    });
    assertThatThrownBy(() -> new BaselineRunner(ResultsReader.standard(log), Clock.systemUTC(), log)
        .run(new BaselineRunner.Config(dir.resolve("none"), hist, 100, Map.of(), dir, Map.of())))
        .hasMessageContaining("perf.current");
  }
}
