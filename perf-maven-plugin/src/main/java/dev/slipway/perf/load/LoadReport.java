package dev.slipway.perf.load;

import dev.slipway.common.AtomicFiles;
import dev.slipway.common.Log;
import dev.slipway.perf.chart.LoadCharts;
import dev.slipway.perf.report.ResultTable;
import dev.slipway.perf.results.RunResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code perf:load}'s pictures and its Markdown page: per run, latency over time and the percentile distribution
 * drawn from the run's histogram log, and {@code load.md} with each run's table and links to its charts. A chart
 * that cannot be drawn costs a warning, never the run's results.
 */
final class LoadReport {
  private LoadReport() {}

  /** Draws the charts of one run; returns their file names (none when the run has no histogram log). */
  static List<String> charts(Path dir, Path hlog, RunResult r, Log log) {
    if (hlog == null || !Files.isRegularFile(hlog)) {
      return List.of();
    }
    String prefix = "load-run-" + r.run();
    try {
      List<String> files = LoadCharts.write(hlog, r.warmupSeconds(), dir, prefix, "run " + r.run() + ", "
          + r.target());
      log.info("charts: " + String.join(", ", files.stream().map(f -> dir.resolve(f).toString()).toList()));
      return files;
    } catch (IOException | RuntimeException e) {
      log.warn("perf:load: could not draw the charts of run " + r.run() + ": " + e);
      return List.of();
    }
  }

  /** Writes {@code load.md}: every run's table and charts. */
  static void write(Path dir, List<RunResult> runs, List<List<String>> charts, Log log) {
    List<String> out = new ArrayList<>();
    out.add("# perf:load");
    for (int i = 0; i < runs.size(); i++) {
      RunResult r = runs.get(i);
      out.add("");
      out.add("## Run " + r.run() + (r.aborted() != null ? " (aborted: " + r.aborted() + ")" : ""));
      out.add("");
      out.add("```");
      out.addAll(ResultTable.render(r));
      out.add("```");
      for (String chart : i < charts.size() ? charts.get(i) : List.<String>of()) {
        out.add("");
        out.add("![" + chart.replace(".svg", "").replace('-', ' ') + "](" + chart + ")");
      }
    }
    if (runs.size() > 1) {
      out.add("");
      out.add("## All runs");
      out.add("");
      out.add("```");
      out.addAll(ResultTable.summary(runs));
      out.add("```");
    }
    out.add("");
    Path md = dir.resolve("load.md");
    try {
      AtomicFiles.write(md, String.join("\n", out).getBytes(StandardCharsets.UTF_8));
      log.info("wrote " + md);
    } catch (IOException e) {
      log.warn("perf:load: could not write " + md + ": " + e.getMessage());
    }
  }
}
