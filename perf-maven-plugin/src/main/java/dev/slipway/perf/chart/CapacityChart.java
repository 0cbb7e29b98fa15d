package dev.slipway.perf.chart;

import dev.slipway.perf.stress.StressReport;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.util.ShapeUtils;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code perf:stress}'s capacity curve: p50 and p99 latency against the offered rate (log latency axis, since it
 * spans the service time to the timeout), the SLO as a horizontal line, the capacity and the knee as vertical
 * lines, and the steps that broke the SLO or were limited by the generator marked apart.
 */
public final class CapacityChart {
  public static final String P50 = "p50 latency";
  public static final String P99 = "p99 latency";
  public static final String BROKEN = "step broke the SLO";
  public static final String GENERATOR = "generator-limited step";

  private CapacityChart() {}

  public static JFreeChart chart(StressReport r) {
    List<StressReport.Step> steps = new ArrayList<>(r.steps());
    steps.sort(Comparator.comparingDouble(StressReport.Step::rate));
    XYSeries p50 = new XYSeries(P50, false, true);
    XYSeries p99 = new XYSeries(P99, false, true);
    XYSeries broken = new XYSeries(BROKEN, false, true);
    XYSeries generator = new XYSeries(GENERATOR, false, true);
    double floor = 0.05; // ms: a log axis cannot show 0
    for (StressReport.Step s : steps) {
      if (s.outcome() == StressReport.Outcome.GENERATOR_LIMITED) {
        if (s.p99Ms() != null) {
          generator.add(s.rate(), Math.max(floor, s.p99Ms()));
        }
        continue;
      }
      if (s.p50Ms() != null) {
        p50.add(s.rate(), Math.max(floor, s.p50Ms()));
      }
      if (s.p99Ms() != null) {
        p99.add(s.rate(), Math.max(floor, s.p99Ms()));
        if (s.outcome() != StressReport.Outcome.PASS) {
          broken.add(s.rate(), Math.max(floor, s.p99Ms()));
        }
      }
    }
    XYSeriesCollection data = new XYSeriesCollection();
    data.addSeries(p50);
    data.addSeries(p99);
    // the markers' series only when there is something to mark, so the legend explains only what is drawn
    int brokenIndex = broken.isEmpty() ? -1 : data.getSeriesCount();
    if (!broken.isEmpty()) {
      data.addSeries(broken);
    }
    int generatorIndex = generator.isEmpty() ? -1 : data.getSeriesCount();
    if (!generator.isEmpty()) {
      data.addSeries(generator);
    }
    String title = r.capacity() == null ? "Capacity: below the first rate tried"
        : String.format(Locale.ROOT, "Capacity: %s%.0f req/s at p99 ≤ %.0f ms",
            "atLeast".equals(r.capacityBound()) ? "≥ " : "", r.capacity(), r.slo().p99Ms());
    JFreeChart chart = ChartFactory.createXYLineChart(title, "offered rate (requests/s)", "latency (ms, log scale)",
        data, PlotOrientation.VERTICAL, true, false, false);
    Charts.style(chart);
    XYPlot plot = chart.getXYPlot();
    double lo = steps.stream().filter(x -> x.p50Ms() != null).mapToDouble(StressReport.Step::p50Ms).min().orElse(1);
    double hi = Math.max(r.slo().p99Ms(), steps.stream().filter(x -> x.p99Ms() != null)
        .mapToDouble(StressReport.Step::p99Ms).max().orElse(1));
    Charts.useLatencyAxis(plot, "latency (ms, log scale)", Math.max(floor, lo), hi);
    NumberAxis x = (NumberAxis) plot.getDomainAxis();
    x.setLowerBound(0);
    x.setUpperBound(steps.isEmpty() ? 1 : steps.get(steps.size() - 1).rate() * 1.05);
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    renderer.setSeriesPaint(0, Charts.BLUE);
    renderer.setSeriesPaint(1, Charts.VERMILION);

    for (int i = 0; i < 2; i++) {
      renderer.setSeriesStroke(i, Charts.stroke(2.5f, false));
      renderer.setSeriesShape(i, new Ellipse2D.Double(-4, -4, 8, 8));
    }
    if (brokenIndex >= 0) {
      renderer.setSeriesPaint(brokenIndex, Charts.BLACK);
      renderer.setSeriesLinesVisible(brokenIndex, false);
      renderer.setSeriesShape(brokenIndex, ShapeUtils.createDiagonalCross(6, 1.5f));
    }
    if (generatorIndex >= 0) {
      renderer.setSeriesPaint(generatorIndex, Charts.GREY);
      renderer.setSeriesLinesVisible(generatorIndex, false);
      renderer.setSeriesShape(generatorIndex, new Rectangle2D.Double(-5, -5, 10, 10));
    }
    plot.setRenderer(renderer);
    ValueMarker slo = new ValueMarker(r.slo().p99Ms(), Charts.VERMILION, Charts.stroke(1.5f, true));
    Charts.label(slo, String.format(Locale.ROOT, "SLO: p99 ≤ %.0f ms", r.slo().p99Ms()), Charts.VERMILION,
        RectangleAnchor.TOP_LEFT, TextAnchor.BOTTOM_LEFT);
    plot.addRangeMarker(slo);
    if (r.capacity() != null) {
      ValueMarker cap = new ValueMarker(r.capacity(), Charts.GREEN, Charts.stroke(2f, false));
      Charts.label(cap, String.format(Locale.ROOT, "capacity %.0f/s", r.capacity()), Charts.GREEN,
          RectangleAnchor.TOP_LEFT, TextAnchor.TOP_RIGHT);
      plot.addDomainMarker(cap);
    }
    if (r.knee() != null && (r.capacity() == null || Math.abs(r.knee() - r.capacity()) > 1e-9)) {
      ValueMarker knee = new ValueMarker(r.knee(), Charts.ORANGE, Charts.stroke(1.5f, true));
      Charts.label(knee, String.format(Locale.ROOT, "latency climbs above %.0f/s", r.knee()),
          new java.awt.Color(0x9A, 0x6A, 0x00), RectangleAnchor.TOP_LEFT, TextAnchor.TOP_RIGHT);
      // below the capacity label, which sits at the same height
      knee.setLabelOffset(new org.jfree.chart.ui.RectangleInsets(26, 3, 3, 3));
      plot.addDomainMarker(knee);
    }
    return chart;
  }

  public static void write(StressReport r, Path file) throws IOException {
    Charts.write(chart(r), file);
  }
}
