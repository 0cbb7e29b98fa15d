package dev.slipway.perf.chart;

import dev.slipway.perf.memory.MemoryReport;
import java.awt.Color;
import java.awt.geom.Ellipse2D;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * {@code perf:memory}'s picture: heap in use (the saw-tooth), the heap after each full collection (the live set the
 * verdict is about), the Theil-Sen trend line over the analysed window, the plateau level when there is one, and the
 * process RSS; the excluded warm-up is shaded.
 */
public final class HeapChart {
  /** Legend names, also what a test looks for. */
  public static final String HEAP_IN_USE = "heap in use";
  public static final String POST_GC = "heap after full GC";
  public static final String TREND = "trend (Theil-Sen)";
  public static final String PLATEAU = "plateau level";
  public static final String RSS = "process RSS";

  private HeapChart() {}

  public static JFreeChart chart(MemoryReport r) {
    XYSeriesCollection data = new XYSeriesCollection();
    XYSeries inUse = new XYSeries(HEAP_IN_USE, false, true);
    XYSeries rss = new XYSeries(RSS, false, true);
    for (MemoryReport.Reading p : r.readings()) {
      inUse.add(p.t(), p.heapUsedMb());
      if (p.rssMb() != null) {
        rss.add(p.t(), p.rssMb());
      }
    }
    XYSeries postGc = new XYSeries(POST_GC, false, true);
    r.postGcHeap().forEach(s -> postGc.add(s.t(), s.mb()));
    data.addSeries(inUse);
    data.addSeries(postGc);
    Color[] colors = {new Color(0x9C, 0xC9, 0xE6), Charts.BLUE, Charts.VERMILION, Charts.GREEN, Charts.ORANGE};
    boolean[] lines = {true, false, true, true, true};
    boolean[] shapes = {false, true, false, false, false};
    boolean[] dashed = {false, false, true, true, false};
    int[] kind = {0, 1, -1, -1, -1};
    int next = 2;
    // a plateau's story is its level; a straight line through rise and flat would tell another one
    if (r.trend() != null && r.verdict() != dev.slipway.perf.memory.Verdict.PLATEAU) {
      double slope = r.trend().slopeMbPerMin();
      XYSeries trend = new XYSeries(String.format(Locale.ROOT, "%s: %+.1f MB/min", TREND, slope), false, true);
      double from = r.window().fromSeconds();
      double to = r.window().toSeconds();
      trend.add(from, r.trend().interceptMb() + slope * from / 60);
      trend.add(to, r.trend().interceptMb() + slope * to / 60);
      data.addSeries(trend);
      kind[next++] = 2;
    }
    if (r.plateauMb() != null && r.plateauFromSeconds() != null) {
      XYSeries level = new XYSeries(String.format(Locale.ROOT, "%s: %.0f MB", PLATEAU, r.plateauMb()), false, true);
      level.add((double) r.plateauFromSeconds(), r.plateauMb());
      level.add(r.window().toSeconds(), r.plateauMb());
      data.addSeries(level);
      kind[next++] = 3;
    }
    if (!rss.isEmpty()) {
      data.addSeries(rss);
      kind[next++] = 4;
    }
    String title = switch (r.verdict()) {
      case LEAK -> String.format(Locale.ROOT, "Heap over time: LEAK, live set +%.1f MB/min",
          r.trend().slopeMbPerMin());
      case PLATEAU -> String.format(Locale.ROOT, "Heap over time: PLATEAU at %.0f MB", r.plateauMb());
      case STABLE -> "Heap over time: STABLE";
      case INCONCLUSIVE -> "Heap over time: INCONCLUSIVE (too few full-GC samples)";
    };
    JFreeChart chart = ChartFactory.createXYLineChart(title, "time since the load started (s)",
        "memory (MB)", data, PlotOrientation.VERTICAL, true, false, false);
    Charts.style(chart);
    chart.addSubtitle(new TextTitle(r.jvm() == null ? "" : r.jvm().description() + ", "
        + String.format(Locale.ROOT, "%.0f s of load", r.window().loadSeconds())));
    XYPlot plot = chart.getXYPlot();
    XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer();
    for (int i = 0; i < data.getSeriesCount(); i++) {
      int k = kind[i];
      renderer.setSeriesPaint(i, colors[k]);
      renderer.setSeriesLinesVisible(i, lines[k]);
      renderer.setSeriesShapesVisible(i, shapes[k]);
      renderer.setSeriesStroke(i, Charts.stroke(k == 0 ? 1.2f : 2.5f, dashed[k]));
      renderer.setSeriesShape(i, new Ellipse2D.Double(-4, -4, 8, 8));
    }
    plot.setRenderer(renderer);
    if (r.window().fromSeconds() > 0) {
      IntervalMarker warmup = new IntervalMarker(0, r.window().fromSeconds(), new Color(0xEE, 0xEE, 0xEE));
      warmup.setLabel("warm-up (excluded)");
      warmup.setLabelBackgroundColor(new Color(0xEE, 0xEE, 0xEE));
      warmup.setLabelAnchor(RectangleAnchor.TOP_LEFT);
      warmup.setLabelTextAnchor(TextAnchor.TOP_LEFT);
      plot.addDomainMarker(warmup, Layer.BACKGROUND);
    }
    plot.getDomainAxis().setLowerBound(0);
    plot.getDomainAxis().setUpperMargin(0.01);
    plot.getRangeAxis().setLowerBound(0);
    return chart;
  }

  public static void write(MemoryReport r, Path file) throws IOException {
    Charts.write(chart(r), file);
  }
}
