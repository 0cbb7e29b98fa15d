package dev.slipway.perf.chart;

import dev.slipway.common.AtomicFiles;
import dev.slipway.perf.history.HistoryEntry;
import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.Metric;
import dev.slipway.perf.stats.EDivisive;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code perf:baseline}'s pictures: each metric's history in the current context (one point per run, a line through
 * each build's median) with the change points E-Divisive finds in the medians, the same search {@code perf:compare}
 * uses to pick its baseline. Reads the history as {@code perf:baseline} writes it; changes nothing in it.
 */
public final class HistoryCharts {
  /** Metrics drawn for each endpoint, besides tool-specific ones (a JMH score). */
  static final Set<String> STANDARD = Set.of(EndpointResult.THROUGHPUT, EndpointResult.ERROR_RATE,
      EndpointResult.P50, EndpointResult.P99);
  static final Set<String> SKIPPED = Set.of(EndpointResult.P90, EndpointResult.P999, EndpointResult.MAX,
      EndpointResult.MEAN);
  public static final String RUNS = "runs";
  public static final String MEDIAN = "build median";
  static final int MAX_CHARTS = 60;

  private HistoryCharts() {}

  /** One metric's series: per build, its runs' values; oldest build first. */
  record Series(String endpoint, String metric, String unit, boolean higherIsBetter, List<String> builds,
      List<LocalDate> dates, List<double[]> values) {}

  /** Collects the series of every charted metric from {@code entries} (already filtered to one context). */
  static List<Series> series(List<HistoryEntry> entries) {
    List<HistoryEntry> sorted = new ArrayList<>(entries);
    sorted.sort(Comparator.comparing(HistoryEntry::time));
    Map<String, List<HistoryEntry>> builds = new LinkedHashMap<>();
    for (HistoryEntry e : sorted) {
      builds.computeIfAbsent(e.build() != null ? e.build() : e.time().toString(), k -> new ArrayList<>()).add(e);
    }
    Map<String, Map<String, List<Double>>> perKey = new LinkedHashMap<>();
    Map<String, Metric> meta = new LinkedHashMap<>();
    List<String> buildIds = new ArrayList<>(builds.keySet());
    for (String b : buildIds) {
      for (HistoryEntry e : builds.get(b)) {
        List<EndpointResult> eps = new ArrayList<>(e.result().endpoints());
        if (e.result().total() != null && eps.size() != 1) {
          eps.add(0, e.result().total());
        }
        for (EndpointResult ep : eps) {
          for (Map.Entry<String, Metric> m : ep.allMetrics().entrySet()) {
            if (!charted(m.getKey(), m.getValue())) {
              continue;
            }
            String key = ep.name() + "\u0000" + m.getKey();
            meta.putIfAbsent(key, m.getValue());
            perKey.computeIfAbsent(key, k -> new LinkedHashMap<>()).computeIfAbsent(b, k -> new ArrayList<>())
                .add(m.getValue().value());
          }
        }
      }
    }
    List<Series> out = new ArrayList<>();
    for (Map.Entry<String, Map<String, List<Double>>> k : perKey.entrySet()) {
      String[] parts = k.getKey().split("\u0000", 2);
      List<String> ids = new ArrayList<>();
      List<LocalDate> dates = new ArrayList<>();
      List<double[]> values = new ArrayList<>();
      for (String b : buildIds) {
        List<Double> v = k.getValue().get(b);
        if (v != null && !v.isEmpty()) {
          ids.add(b);
          dates.add(LocalDate.ofInstant(builds.get(b).get(0).time(), ZoneOffset.UTC));
          values.add(v.stream().mapToDouble(Double::doubleValue).toArray());
        }
      }
      Metric m = meta.get(k.getKey());
      out.add(new Series(parts[0], parts[1], m.unit(), m.higherIsBetter(), ids, dates, values));
      if (out.size() >= MAX_CHARTS) {
        break;
      }
    }
    return out;
  }

  /**
   * The standard HTTP metrics (throughput, error rate, p50, p99) and tool-specific scores (a JMH benchmark's);
   * not the load engine's bookkeeping (send lag, generator and virtual-user counts, scheduled rates), which would
   * bury the charts that matter.
   */
  static boolean charted(String name, Metric m) {
    if (STANDARD.contains(name)) {
      return true;
    }
    return !SKIPPED.contains(name) && !"count".equals(m.unit())
        && java.util.stream.Stream.of("latency.", "sendLag.", "generator.", "vusers.", "scheduled")
            .noneMatch(name::startsWith)
        && !name.endsWith("Rate");
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int m = s.length / 2;
    return s.length % 2 == 1 ? s[m] : (s[m - 1] + s[m]) / 2;
  }

  /** The chart of one series with its change points. */
  static JFreeChart chart(Series s, List<EDivisive.ChangePoint> changePoints) {
    XYSeries runs = new XYSeries(RUNS, false, true);
    XYSeries medians = new XYSeries(MEDIAN, false, true);
    for (int i = 0; i < s.values().size(); i++) {
      for (double v : s.values().get(i)) {
        runs.add(i + 1, v);
      }
      medians.add(i + 1, median(s.values().get(i)));
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(runs);
    data.addSeries(medians);
    String unit = s.unit() == null || s.unit().isBlank() ? "" : " (" + s.unit() + ")";
    JFreeChart chart = ChartFactory.createXYLineChart(s.endpoint() + ": " + s.metric() + " over builds",
        "build (oldest first)", s.metric() + unit, data, PlotOrientation.VERTICAL, true, false, false);
    Charts.style(chart);
    LocalDate first = s.dates().get(0);
    LocalDate last = s.dates().get(s.dates().size() - 1);
    chart.addSubtitle(new TextTitle(String.format(Locale.ROOT, "%d builds, %s to %s; %s is better; %d change "
        + "point(s)", s.builds().size(), first, last, s.higherIsBetter() ? "higher" : "lower",
        changePoints.size())));
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer();
    r.setSeriesPaint(0, new Color(0x99, 0x99, 0x99, 0xB0));
    r.setSeriesLinesVisible(0, false);
    r.setSeriesShape(0, new Ellipse2D.Double(-3, -3, 6, 6));
    r.setSeriesPaint(1, Charts.BLUE);
    r.setSeriesStroke(1, Charts.stroke(2.2f, false));
    r.setSeriesShape(1, new Ellipse2D.Double(-4, -4, 8, 8));
    plot.setRenderer(r);
    NumberAxis x = (NumberAxis) plot.getDomainAxis();
    x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
    x.setLowerBound(0.5);
    x.setUpperBound(s.values().size() + 0.5);
    ((NumberAxis) plot.getRangeAxis()).setAutoRangeIncludesZero(false);
    for (EDivisive.ChangePoint cp : changePoints) {
      // the change point is the first build of the new level: draw it between that build and the one before
      ValueMarker m = new ValueMarker(cp.index() + 0.5, Charts.VERMILION, Charts.stroke(2f, true));
      double change = cp.change();
      Charts.label(m, Double.isFinite(change) ? String.format(Locale.ROOT, "change %+.1f %%", change * 100)
          : "change point", Charts.VERMILION, RectangleAnchor.TOP_RIGHT, TextAnchor.TOP_LEFT);
      plot.addDomainMarker(m);
    }
    return chart;
  }

  /**
   * Draws every metric's history into {@code dir} and writes {@code dir/history.md} linking them; returns the
   * number of charts.
   */
  public static int write(List<HistoryEntry> entries, EDivisive detector, Path dir) throws IOException {
    List<Series> all = series(entries);
    List<String> md = new ArrayList<>();
    md.add("# Performance history");
    md.add("");
    md.add("Each metric of each endpoint over the recorded builds in this context: grey dots are runs, the blue "
        + "line the median of each build; a dashed red line marks a change point (E-Divisive means), where a "
        + "new level begins.");
    int n = 0;
    for (Series s : all) {
      double[] medians = s.values().stream().mapToDouble(HistoryCharts::median).toArray();
      List<EDivisive.ChangePoint> cps = detector.detect(medians);
      String file = (s.endpoint() + "-" + s.metric()).replaceAll("[^A-Za-z0-9._-]", "_") + ".svg";
      Charts.write(chart(s, cps), dir.resolve(file));
      md.add("");
      md.add("## " + s.endpoint() + ": " + s.metric());
      md.add("");
      md.add("![" + s.endpoint() + " " + s.metric() + "](" + file + ")");
      for (EDivisive.ChangePoint cp : cps) {
        md.add("");
        md.add(String.format(Locale.ROOT, "- change point at build %d (%s, %s): mean %.4g → %.4g, p=%.2g",
            cp.index() + 1, s.builds().get(cp.index()), s.dates().get(cp.index()), cp.meanBefore(),
            cp.meanAfter(), cp.pValue()));
      }
      n++;
    }
    md.add("");
    AtomicFiles.write(dir.resolve("history.md"), String.join("\n", md).getBytes(StandardCharsets.UTF_8));
    return n;
  }
}
