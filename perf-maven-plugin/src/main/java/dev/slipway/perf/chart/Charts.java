package dev.slipway.perf.chart;

import dev.slipway.common.AtomicFiles;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Rectangle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.text.DecimalFormat;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.axis.ValueAxis;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.chart.StandardChartTheme;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.svg.SVGGraphics2D;

/**
 * What every Slipway chart shares: one look (white background, light grid, legend below, readable fonts), a fixed
 * palette so a series keeps its colour from chart to chart, and writing the chart as an SVG file (JFreeChart draws
 * on JFreeSVG's {@code Graphics2D}, so no SVG is written by hand). Files are written atomically.
 */
public final class Charts {
  /** Default size in pixels: fits a Markdown page and a GitHub comment without scaling text below legibility. */
  public static final int WIDTH = 900;
  public static final int HEIGHT = 500;

  /** The palette, in the order series are assigned (Okabe-Ito, readable by people with colour-vision deficiency). */
  public static final Color BLUE = new Color(0x00, 0x72, 0xB2);
  public static final Color ORANGE = new Color(0xE6, 0x9F, 0x00);
  public static final Color GREEN = new Color(0x00, 0x9E, 0x73);
  public static final Color VERMILION = new Color(0xD5, 0x5E, 0x00);
  public static final Color PURPLE = new Color(0xCC, 0x79, 0xA7);
  public static final Color SKY = new Color(0x56, 0xB4, 0xE9);
  public static final Color GREY = new Color(0x99, 0x99, 0x99);
  public static final Color BLACK = new Color(0x22, 0x22, 0x22);
  public static final Color[] SERIES = {BLUE, VERMILION, GREEN, ORANGE, PURPLE, SKY, BLACK, GREY};

  private Charts() {}

  /** Applies the common look to a chart made by a {@code ChartFactory} method. */
  public static JFreeChart style(JFreeChart chart) {
    StandardChartTheme theme = (StandardChartTheme) StandardChartTheme.createJFreeTheme();
    theme.setExtraLargeFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    theme.setLargeFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    theme.setRegularFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
    theme.setSmallFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    theme.setChartBackgroundPaint(Color.WHITE);
    theme.setPlotBackgroundPaint(Color.WHITE);
    theme.setDomainGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
    theme.setRangeGridlinePaint(new Color(0xDD, 0xDD, 0xDD));
    theme.setAxisOffset(RectangleInsets.ZERO_INSETS);
    theme.apply(chart);
    chart.setAntiAlias(true);
    chart.setTextAntiAlias(true);
    chart.setPadding(new RectangleInsets(8, 8, 8, 16));
    LegendTitle legend = chart.getLegend();
    if (legend != null) {
      legend.setPosition(RectangleEdge.BOTTOM);
      legend.setFrame(org.jfree.chart.block.BlockBorder.NONE);
    }
    if (chart.getPlot() instanceof XYPlot plot) {
      plot.setOutlinePaint(new Color(0xBB, 0xBB, 0xBB));
      plot.setDomainGridlineStroke(new BasicStroke(1f));
      plot.setRangeGridlineStroke(new BasicStroke(1f));
    }
    return chart;
  }

  /** The chart as an SVG document of {@code width} × {@code height} pixels. */
  public static String svg(JFreeChart chart, int width, int height) {
    SVGGraphics2D g = new SVGGraphics2D(width, height);
    chart.draw(g, new Rectangle(0, 0, width, height));
    return g.getSVGDocument();
  }

  /** Writes the chart as an SVG file, atomically. */
  public static void write(JFreeChart chart, Path file) throws IOException {
    AtomicFiles.write(file, svg(chart, WIDTH, HEIGHT).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A latency axis (ms) for values from {@code min} to {@code max}: logarithmic with a labelled tick per decade and
   * minor ticks between when the values span more than a factor of 20 (service time to timeout), linear otherwise
   * (a log axis inside one decade labels odd values like 39.81).
   */
  public static ValueAxis latencyAxis(String label, double min, double max) {
    if (min > 0 && max / min > 20) {
      LogAxis y = new LogAxis(label);
      y.setSmallestValue(min / 2);
      y.setTickUnit(new NumberTickUnit(1));
      y.setMinorTickCount(9);
      y.setMinorTickMarksVisible(true);
      y.setNumberFormatOverride(new DecimalFormat("#,##0.###"));
      y.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
      return y;
    }
    NumberAxis y = new NumberAxis(label.replace(", log scale", ""));
    y.setAutoRangeIncludesZero(true);
    y.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    return y;
  }

  /** Puts {@link #latencyAxis} on the plot, with light grid lines at the minor ticks of a log axis. */
  public static void useLatencyAxis(XYPlot plot, String label, double min, double max) {
    ValueAxis y = latencyAxis(label, min, max);
    plot.setRangeAxis(y);
    if (y instanceof LogAxis) {
      plot.setRangeMinorGridlinesVisible(true);
      plot.setRangeMinorGridlinePaint(new Color(0xEE, 0xEE, 0xEE));
      plot.setRangeMinorGridlineStroke(new BasicStroke(1f));
    }
  }

  /** A marker's label on a white, slightly transparent ground, so it reads over grid lines and series. */
  public static void label(ValueMarker m, String text, Color paint, RectangleAnchor anchor, TextAnchor textAnchor) {
    m.setLabel(text);
    m.setLabelFont(new Font(Font.SANS_SERIF, Font.BOLD, 12));
    m.setLabelPaint(paint);
    m.setLabelBackgroundColor(new Color(255, 255, 255, 220));
    m.setLabelAnchor(anchor);
    m.setLabelTextAnchor(textAnchor);
  }

  /** A line stroke of {@code width} pixels, dashed when {@code dashed}. */
  public static BasicStroke stroke(float width, boolean dashed) {
    return dashed ? new BasicStroke(width, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 1f, new float[] {6f, 4f},
        0f) : new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
  }
}
