package dev.slipway.perf.chart;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.slipway.common.Log;
import dev.slipway.perf.history.HistoryEntry;
import dev.slipway.perf.load.LoadConfig;
import dev.slipway.perf.load.LoadRunner;
import dev.slipway.perf.load.LoadSettings;
import dev.slipway.perf.load.LoadTest;
import dev.slipway.perf.memory.LeakDetector;
import dev.slipway.perf.memory.MemoryReport;
import dev.slipway.perf.memory.Verdict;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.Errors;
import dev.slipway.perf.results.Latency;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import dev.slipway.perf.stress.StressReport;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every chart as a person sees it: the SVG is rendered by headless Chromium ({@code --screenshot}, Debian's
 * {@code chromium}, installed by {@code .ci/setup.d/50-chromium.sh}) and the picture is checked for each expected
 * series by its colour. The screenshots stay in {@code target/chart-screenshots} to be looked at.
 */
class ChartRenderTest {
  static final Path OUT = Path.of("target", "chart-screenshots").toAbsolutePath();
  static Path chromium;

  @BeforeAll
  static void findChromium() throws IOException {
    for (String c : List.of("/usr/bin/chromium", "/usr/bin/chromium-browser")) {
      if (Files.isExecutable(Path.of(c))) {
        chromium = Path.of(c);
      }
    }
    if (chromium == null && "true".equals(System.getenv("CI"))) {
      throw new IllegalStateException("chromium is not installed; .ci/setup.d/50-chromium.sh installs it");
    }
    Assumptions.assumeTrue(chromium != null, "chromium is not installed (.ci/setup.d/50-chromium.sh)");
    Files.createDirectories(OUT);
  }

  /** Renders {@code svg} with headless Chromium at the chart's size and returns the picture. */
  static BufferedImage render(Path svg) throws Exception {
    Path png = OUT.resolve(svg.getFileName().toString().replace(".svg", ".png"));
    Files.deleteIfExists(png);
    Path profile = Files.createTempDirectory("chromium-profile");
    Process p = new ProcessBuilder(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
        "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--hide-scrollbars", "--user-data-dir=" + profile,
        "--window-size=" + Charts.WIDTH + "," + Charts.HEIGHT, "--screenshot=" + png, svg.toUri().toString())
        .redirectErrorStream(true).redirectOutput(OUT.resolve("chromium.log").toFile()).start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("chromium finished").isTrue();
    assertThat(png).as("screenshot of " + svg).exists();
    BufferedImage img = ImageIO.read(png.toFile());
    assertThat(img.getWidth()).isEqualTo(Charts.WIDTH);
    assertThat(img.getHeight()).isEqualTo(Charts.HEIGHT);
    return img;
  }

  /** Pixels within a small distance of {@code c} (anti-aliasing blends the edges of lines). */
  static int pixels(BufferedImage img, Color c) {
    int n = 0;
    for (int y = 0; y < img.getHeight(); y++) {
      for (int x = 0; x < img.getWidth(); x++) {
        int rgb = img.getRGB(x, y);
        int dr = ((rgb >> 16) & 0xff) - c.getRed();
        int dg = ((rgb >> 8) & 0xff) - c.getGreen();
        int db = (rgb & 0xff) - c.getBlue();
        if (dr * dr + dg * dg + db * db < 400) {
          n++;
        }
      }
    }
    return n;
  }

  static void assertDrawn(BufferedImage img, String what, Color... colors) {
    int ink = img.getWidth() * img.getHeight() - pixels(img, Color.WHITE);
    assertThat(ink).as(what + ": not a blank picture").isGreaterThan(img.getWidth() * img.getHeight() / 50);
    for (Color c : colors) {
      assertThat(pixels(img, c)).as(what + ": series in " + c).isGreaterThan(40);
    }
  }

  @Test
  void heapChartShowsSawToothPostGcSamplesTrendAndRss() throws Exception {
    MemoryReport leak = memoryReport(true);
    Path svg = OUT.resolve("memory-heap.svg");
    HeapChart.write(leak, svg);
    assertThat(Files.readString(svg)).contains(HeapChart.POST_GC).contains(HeapChart.TREND).contains(HeapChart.RSS)
        .contains("time since the load started (s)");
    // a vertical axis label is drawn as glyph outlines, not text: check it on the chart
    assertThat(HeapChart.chart(leak).getXYPlot().getRangeAxis().getLabel()).isEqualTo("memory (MB)");
    BufferedImage img = render(svg);
    assertDrawn(img, "heap chart", Charts.BLUE, Charts.VERMILION, Charts.ORANGE, new Color(0x9C, 0xC9, 0xE6));

    // the input that makes the check fail: without a trend line there is no vermilion on the picture
    MemoryReport none = memoryReport(false);
    Path bare = OUT.resolve("memory-heap-inconclusive.svg");
    HeapChart.write(none, bare);
    assertThat(pixels(render(bare), Charts.VERMILION)).isLessThan(40);
  }

  @Test
  void capacityChartShowsBothPercentilesTheSloAndTheCapacity() throws Exception {
    List<StressReport.Step> steps = new ArrayList<>();
    double[] rates = {50, 100, 200, 400, 300, 250, 225, 212.5};
    for (int i = 0; i < rates.length; i++) {
      double r = rates[i];
      boolean pass = r <= 205;
      double p99 = pass ? 21 + (r > 150 ? (r - 150) : 0) : 150 + (r - 200) * 8;
      steps.add(new StressReport.Step(i + 1, i < 4 ? "ramp" : "narrow", r, r, r, (long) r * 3, 0, 20.5,
          p99 * 0.8, p99, p99 * 1.2, 0.3, pass ? StressReport.Outcome.PASS : StressReport.Outcome.FAIL, null));
    }
    StressReport r = new StressReport(StressReport.SCHEMA, 1, Instant.now(), "http://127.0.0.1:8080/work", 200.0,
        "measured", 150.0, "narrowed", false, new StressReport.Slo(100, 0.01),
        new StressReport.Search(50, 2, 2000, 0.05, 4, 1, 180, 2), 60, steps, "stress-capacity.svg");
    Path svg = OUT.resolve("stress-capacity.svg");
    CapacityChart.write(r, svg);
    assertThat(Files.readString(svg)).contains(CapacityChart.P50).contains(CapacityChart.P99)
        .contains("offered rate (requests/s)").contains("SLO: p99 ≤ 100 ms").contains("capacity 200/s");
    assertDrawn(render(svg), "capacity chart", Charts.BLUE, Charts.VERMILION, Charts.GREEN, Charts.ORANGE);
  }

  @Test
  void loadChartsFromARealRunsHistogramLog() throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
    Random random = new Random(1);
    server.createContext("/", ex -> {
      try {
        Thread.sleep(ex.getRequestURI().getPath().equals("/slow") ? 5 + random.nextInt(10) : 0);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.sendResponseHeaders(200, 2);
      ex.getResponseBody().write("ok".getBytes());
      ex.close();
    });
    server.setExecutor(java.util.concurrent.Executors.newFixedThreadPool(8));
    server.start();
    try {
      URI target = URI.create("http://127.0.0.1:" + server.getAddress().getPort());
      LoadSettings s = new LoadSettings(target, null, dev.slipway.perf.load.RequestSettings.scenarios(List.of(
          new dev.slipway.perf.load.RequestSettings("fast", "GET", "/fast", null, null, null, 3, null),
          new dev.slipway.perf.load.RequestSettings("slow", "GET", "/slow", null, null, null, 1, null))), List.of(),
          200.0, null, Duration.ofSeconds(4), null, "open", 0, Duration.ofSeconds(1), Duration.ofSeconds(5), 1,
          Duration.ofSeconds(10), OUT, null, null, OUT, null, null, Map.of(), Map.of());
      LoadConfig config = LoadTest.resolve(s);
      Path hlog = OUT.resolve("load-run-1.hlog");
      RunResult run = new LoadRunner(Log.silent()).run(config, 1, hlog);
      List<String> files = LoadCharts.write(hlog, run.warmupSeconds(), OUT, "load-run-1", "run 1, " + target);
      assertThat(files).containsExactly("load-run-1-latency.svg", "load-run-1-percentiles.svg");
      assertThat(Files.readString(OUT.resolve(files.get(0)))).contains(">p99<").contains(">max<")
          .contains("time since the run started (s)");
      assertDrawn(render(OUT.resolve(files.get(0))), "latency over time", Charts.BLUE, Charts.GREEN,
          Charts.VERMILION);
      String percentiles = Files.readString(OUT.resolve(files.get(1)));
      assertThat(percentiles).contains(">fast<").contains(">slow<").contains("99 %").contains("99.9 %");
      assertDrawn(render(OUT.resolve(files.get(1))), "percentile distribution", Charts.SERIES[0], Charts.SERIES[1]);
    } finally {
      server.stop(0);
      ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
  }

  @Test
  void historyChartShowsRunsMediansAndTheChangePoint() throws Exception {
    List<HistoryEntry> history = new ArrayList<>();
    Random random = new Random(5);
    Instant t0 = Instant.parse("2026-01-05T10:00:00Z");
    for (int b = 0; b < 24; b++) {
      double level = b < 14 ? 12 : 15; // p99 ms: a 25 % regression at build 15
      for (int run = 1; run <= 3; run++) {
        double p99 = level * (1 + random.nextGaussian() * 0.02);
        EndpointResult total = new EndpointResult("total", 1000, Errors.NONE, 500.0,
            new Latency(p99 / 3, p99 / 2, p99, p99 * 1.5, p99 * 2, p99 / 2.5), null);
        RunResult r = new RunResult(1, "slipway", WorkloadModel.OPEN, t0, 10, 2, "http://127.0.0.1:8080", run, null,
            null, Map.of(), total, List.of(total));
        history.add(new HistoryEntry(1, t0.plus(Duration.ofHours(6L * b)), "build-" + b, Map.of("os", "Linux"), r));
      }
    }
    Path dir = OUT.resolve("history");
    int n = HistoryCharts.write(history, new dev.slipway.perf.stats.EDivisive(50, 0.001, 0), dir);
    assertThat(n).isEqualTo(4);
    assertThat(Files.readString(dir.resolve("history.md"))).contains("![total latency.p99](total-latency.p99.svg)")
        .contains("change point at build 15");
    Path svg = dir.resolve("total-latency.p99.svg");
    assertThat(Files.readString(svg)).contains(HistoryCharts.MEDIAN).contains("change +");
    assertDrawn(render(svg), "history", Charts.BLUE, Charts.VERMILION);
  }

  static MemoryReport memoryReport(boolean leak) {
    List<MemoryReport.Reading> readings = new ArrayList<>();
    List<MemoryReport.Sample> samples = new ArrayList<>();
    for (int t = 0; t <= 60; t++) {
      double live = 20 + 0.7 * t;
      readings.add(new MemoryReport.Reading(t, live + (t % 7) * 6, 128, 150 + t * 0.9));
      if (t % 3 == 0) {
        samples.add(new MemoryReport.Sample(t, live, "G1 Old Generation", "System.gc()"));
      }
    }
    MemoryReport.TrendResult trend = leak ? new MemoryReport.TrendResult(19, 6, 42, 20, 150, 5.2, 1e-7) : null;
    return new MemoryReport(MemoryReport.SCHEMA, 1, Instant.now(), leak ? Verdict.LEAK : Verdict.INCONCLUSIVE,
        "test", leak ? 30.0 : null, null, null, new MemoryReport.Jvm("the service (pid 42)", 42, true),
        new MemoryReport.Window(60, 6, 60, 3), LeakDetector.Settings.defaults(), trend, trend, null, samples,
        readings, null, "memory-heap.svg");
  }
}
