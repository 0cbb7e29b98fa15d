package dev.slipway.perf.chart;

import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.text.FieldPosition;
import java.text.NumberFormat;
import java.text.ParsePosition;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;
import org.HdrHistogram.HistogramLogReader;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code perf:load}'s pictures, drawn from the run's HdrHistogram interval log ({@code load-run-N.hlog}): latency
 * over time (p50, p90, p99 and max of each second, all endpoints together) and the percentile distribution of the
 * measured window per endpoint (the classic HdrHistogram plot: the x axis stretches the tail, 90 %, 99 %, 99.9 % ...
 * equally far apart).
 */
public final class LoadCharts {
  public static final String[] OVER_TIME = {"p50", "p90", "p99", "max"};
  private static final double FLOOR_MS = 0.01;

  private LoadCharts() {}

  /** One second of the log: all endpoints merged, and each endpoint. */
  record Interval(double end, Histogram all) {}

  /** Everything the charts need from a log. */
  record Log(List<Interval> intervals, Map<String, Histogram> measured) {}

  /** Reads the log; intervals that start before {@code warmupSeconds} are left out of the measured histograms. */
  static Log read(Path hlog, double warmupSeconds) throws IOException {
    TreeMap<Long, Histogram> byEnd = new TreeMap<>();
    Map<String, Histogram> measured = new TreeMap<>();
    double runStart;
    try (HistogramLogReader reader = new HistogramLogReader(hlog.toFile())) {
      EncodableHistogram h;
      List<EncodableHistogram> all = new ArrayList<>();
      while ((h = reader.nextIntervalHistogram()) != null) {
        all.add(h);
      }
      runStart = reader.getStartTimeSec() * 1000;
      for (EncodableHistogram e : all) {
        if (!(e instanceof Histogram hist)) {
          continue;
        }
        // Timestamps are absolute when the log has a start time, else relative to it.
        double start = hist.getStartTimeStamp() >= runStart ? hist.getStartTimeStamp() - runStart
            : hist.getStartTimeStamp();
        double end = hist.getEndTimeStamp() >= runStart ? hist.getEndTimeStamp() - runStart : hist.getEndTimeStamp();
        // the endpoints' histograms of one tick end within milliseconds of each other: one point per tick
        byEnd.computeIfAbsent(Math.round(end / 100) * 100, k -> new Histogram(1, hist.getHighestTrackableValue(), 3))
            .add(hist);
        if (start >= warmupSeconds * 1000 - 1) {
          String tag = hist.getTag() == null ? "total" : hist.getTag();
          measured.computeIfAbsent(tag, k -> new Histogram(1, hist.getHighestTrackableValue(), 3)).add(hist);
        }
      }
    }
    List<Interval> intervals = new ArrayList<>();
    byEnd.forEach((end, h) -> intervals.add(new Interval(end / 1000.0, h)));
    return new Log(intervals, measured);
  }

  /** Writes {@code <prefix>-latency.svg} and {@code <prefix>-percentiles.svg}; returns their file names. */
  public static List<String> write(Path hlog, double warmupSeconds, Path dir, String prefix, String title)
      throws IOException {
    Log log = read(hlog, warmupSeconds);
    String overTime = prefix + "-latency.svg";
    String percentiles = prefix + "-percentiles.svg";
    Charts.write(overTime(log, warmupSeconds, title), dir.resolve(overTime));
    Charts.write(percentiles(log, title), dir.resolve(percentiles));
    return List.of(overTime, percentiles);
  }

  static JFreeChart overTime(Log log, double warmupSeconds, String title) {
    XYSeries[] series = new XYSeries[OVER_TIME.length];
    for (int i = 0; i < series.length; i++) {
      series[i] = new XYSeries(OVER_TIME[i], false, true);
    }
    for (Interval iv : log.intervals()) {
      if (iv.all().getTotalCount() == 0) {
        continue;
      }
      double[] v = {iv.all().getValueAtPercentile(50), iv.all().getValueAtPercentile(90),
          iv.all().getValueAtPercentile(99), iv.all().getMaxValue()};
      for (int i = 0; i < v.length; i++) {
        series[i].add(iv.end(), Math.max(FLOOR_MS, v[i] / 1000.0));
      }
    }
    XYSeriesCollection data = new XYSeriesCollection();
    for (XYSeries s : series) {
      data.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createXYLineChart("Latency over time: " + title,
        "time since the run started (s)", "latency (ms, log scale)", data, PlotOrientation.VERTICAL, true, false,
        false);
    Charts.style(chart);
    XYPlot plot = chart.getXYPlot();
    Charts.useLatencyAxis(plot, "latency (ms, log scale)", min(data), max(data));
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    Color[] c = {Charts.BLUE, Charts.GREEN, Charts.VERMILION, Charts.GREY};
    for (int i = 0; i < c.length; i++) {
      r.setSeriesPaint(i, c[i]);
      r.setSeriesStroke(i, Charts.stroke(i == 3 ? 1.2f : 2.2f, i == 3));
    }
    plot.setRenderer(r);
    ((NumberAxis) plot.getDomainAxis()).setLowerBound(0);
    if (warmupSeconds > 0) {
      IntervalMarker warm = new IntervalMarker(0, warmupSeconds, new Color(0xEE, 0xEE, 0xEE));
      warm.setLabel("warm-up (excluded)");
      warm.setLabelBackgroundColor(new Color(0xEE, 0xEE, 0xEE));
      warm.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      warm.setLabelTextAnchor(TextAnchor.TOP_LEFT);
      plot.addDomainMarker(warm, Layer.BACKGROUND);
    }
    return chart;
  }

  static JFreeChart percentiles(Log log, String title) {
    XYSeriesCollection data = new XYSeriesCollection();
    for (Map.Entry<String, Histogram> e : log.measured().entrySet()) {
      if (e.getValue().getTotalCount() == 0) {
        continue;
      }
      XYSeries s = new XYSeries(e.getKey(), false, true);
      for (HistogramIterationValue v : e.getValue().percentiles(5)) {
        double p = v.getPercentileLevelIteratedTo() / 100.0;
        if (p >= 1) {
          break;
        }
        s.add(-Math.log10(1 - p), Math.max(FLOOR_MS, v.getValueIteratedTo() / 1000.0));
      }
      // the maximum, one step to the right of the last percentile drawn (never back to the left of it)
      double lastX = s.isEmpty() ? 0 : s.getMaxX();
      s.add(Math.max(lastX + 0.05, -Math.log10(1.0 / Math.max(10, e.getValue().getTotalCount()))),
          Math.max(FLOOR_MS, e.getValue().getMaxValue() / 1000.0));
      data.addSeries(s);
    }
    JFreeChart chart = ChartFactory.createXYLineChart("Latency by percentile: " + title,
        "percentile (measured window)", "latency (ms, log scale)", data, PlotOrientation.VERTICAL, true, false, false);
    Charts.style(chart);
    XYPlot plot = chart.getXYPlot();
    Charts.useLatencyAxis(plot, "latency (ms, log scale)", min(data), max(data));
    NumberAxis x = (NumberAxis) plot.getDomainAxis();
    x.setLowerBound(0);
    // to the next whole "nine" past the data, so the tail's tick (99 %, 99.9 %) is labelled
    double maxX = 0;
    for (int i = 0; i < data.getSeriesCount(); i++) {
      maxX = Math.max(maxX, data.getSeries(i).isEmpty() ? 0 : data.getSeries(i).getMaxX());
    }
    x.setUpperBound(Math.max(1, Math.ceil(maxX + 1e-9)));
    x.setTickUnit(new NumberTickUnit(1, new PercentileFormat()));
    XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, false);
    for (int i = 0; i < data.getSeriesCount(); i++) {
      r.setSeriesPaint(i, Charts.SERIES[i % Charts.SERIES.length]);
      r.setSeriesStroke(i, Charts.stroke(2.2f, false));
    }
    plot.setRenderer(r);
    return chart;
  }

  private static double min(XYSeriesCollection data) {
    double m = Double.POSITIVE_INFINITY;
    for (int i = 0; i < data.getSeriesCount(); i++) {
      if (!data.getSeries(i).isEmpty()) {
        m = Math.min(m, data.getSeries(i).getMinY());
      }
    }
    return Double.isInfinite(m) ? FLOOR_MS : m;
  }

  private static double max(XYSeriesCollection data) {
    double m = FLOOR_MS;
    for (int i = 0; i < data.getSeriesCount(); i++) {
      if (!data.getSeries(i).isEmpty()) {
        m = Math.max(m, data.getSeries(i).getMaxY());
      }
    }
    return m;
  }

  /** x = −log10(1 − p) shown as the percentile: 0 → 0 %, 1 → 90 %, 2 → 99 %, 3 → 99.9 %. */
  static final class PercentileFormat extends NumberFormat {
    @Override
    public StringBuffer format(double x, StringBuffer to, FieldPosition pos) {
      double p = (1 - Math.pow(10, -x)) * 100;
      String s = new DecimalFormat("0.#####").format(Math.round(p * 100000) / 100000.0);
      return to.append(s).append(" %");
    }

    @Override
    public StringBuffer format(long x, StringBuffer to, FieldPosition pos) {
      return format((double) x, to, pos);
    }

    @Override
    public Number parse(String source, ParsePosition pos) {
      return null;
    }
  }
}
