package dev.slipway.perf.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** {@code memory.md}: the verdict, the chart, the numbers behind it and, for a leak or plateau, the evidence. */
public final class MemoryMarkdown {
  private MemoryMarkdown() {}

  public static String render(MemoryReport r) {
    List<String> out = new ArrayList<>();
    out.add("# perf:memory: " + r.verdict());
    out.add("");
    out.add("**" + r.verdict() + "**: " + r.reason() + ".");
    out.add("");
    if (r.chart() != null) {
      out.add("![heap over time](" + r.chart() + ")");
      out.add("");
    }
    out.add("| | |");
    out.add("|---|---|");
    out.add("| JVM | " + esc(r.jvm().description()) + " (pid " + r.jvm().pid() + ") |");
    if (r.load() != null) {
      MemoryReport.Load l = r.load();
      out.add(String.format(Locale.ROOT, "| load | %s req/s against %s for %.0f s: %d requests, %d errors%s |",
          num(l.rate()), esc(l.target()), r.window().loadSeconds(), l.requests(), l.errors(),
          l.p99Ms() == null ? "" : String.format(Locale.ROOT, ", p99 %.1f ms", l.p99Ms())));
    }
    out.add(String.format(Locale.ROOT, "| window | %.0f s to %.0f s (warm-up before it excluded); %s; %d post-GC "
        + "samples |", r.window().fromSeconds(), r.window().toSeconds(), r.window().gcIntervalSeconds() > 0
        ? String.format(Locale.ROOT, "a full GC asked for every %s s", num(r.window().gcIntervalSeconds()))
        : "only the JVM's own full GCs", r.trend() == null ? r.postGcHeap().size() : r.trend().samples()));
    if (r.trend() != null) {
      out.add(trendRow("trend", r.trend()));
      out.add(trendRow(String.format(Locale.ROOT, "tail (from %.0f s)", r.tailTrend().fromSeconds()),
          r.tailTrend()));
    }
    out.add(String.format(Locale.ROOT, "| thresholds | leak: Mann-Kendall p < %s over the window, its floor rising, "
        + "and over its last %.0f %% p < %s with a slope ≥ %s MB/min |", num(r.settings().alpha()),
        r.settings().tailFraction() * 100, num(r.settings().tailAlpha()), num(r.settings().minSlopeMbPerMin())));
    if (r.leakSinceSeconds() != null) {
      out.add(String.format(Locale.ROOT, "| leak visible after | %.0f s of load |", r.leakSinceSeconds()));
    }
    if (r.plateauFromSeconds() != null) {
      out.add(String.format(Locale.ROOT, "| plateau | %.1f MB from %.0f s on |", r.plateauMb(),
          r.plateauFromSeconds()));
    }
    MemoryReport.Evidence e = r.evidence();
    if (e != null) {
      if (!e.growthByBytes().isEmpty() || !e.growthByCount().isEmpty()) {
        out.add("");
        out.add(String.format(Locale.ROOT, "## Classes that grew (live-object histogram, %.0f s to the end)",
            e.histogramFromSeconds() == null ? 0 : e.histogramFromSeconds()));
        out.add("");
        out.add("By bytes:");
        out.add("");
        growth(out, e.growthByBytes());
        out.add("");
        out.add("By instances:");
        out.add("");
        growth(out, e.growthByCount());
      }
      if (!e.oldObjects().isEmpty()) {
        out.add("");
        out.add("## Objects still alive at the end (JFR old-object samples) and what holds them");
        int i = 1;
        for (OldObjects.Group g : e.oldObjects()) {
          out.add("");
          out.add(String.format(Locale.ROOT, "### %d. `%s` × %d sample(s)%s", i++, g.type(), g.samples(),
              g.retainedBy() == null ? "" : ", held by `" + g.retainedBy() + "`"));
          out.add("");
          if (g.allocationSite() != null) {
            out.add("Allocated at `" + g.allocationSite() + "`.");
            out.add("");
          }
          out.add("```");
          out.add(g.type());
          g.path().forEach(p -> out.add("  ← " + p));
          out.add("  root: " + g.root());
          if (!g.stack().isEmpty()) {
            out.add("allocation stack:");
            g.stack().forEach(f -> out.add("  at " + f));
          }
          out.add("```");
        }
      }
      List<String> files = new ArrayList<>();
      if (e.jfrRecording() != null) {
        files.add("JFR recording: `" + e.jfrRecording() + "` (`jfr print --events OldObjectSample " + e.jfrRecording()
            + "`)");
      }
      if (e.heapDump() != null) {
        files.add("heap dump: `" + e.heapDump() + "`");
      }
      if (!files.isEmpty() || !e.notes().isEmpty()) {
        out.add("");
        files.forEach(f -> out.add("- " + f));
        e.notes().forEach(n -> out.add("- " + n));
      }
    }
    out.add("");
    return String.join("\n", out);
  }

  private static void growth(List<String> out, List<ClassHistogram.Growth> rows) {
    out.add("| class | Δ bytes | Δ instances | bytes at end | instances at end |");
    out.add("|---|---:|---:|---:|---:|");
    for (ClassHistogram.Growth g : rows) {
      out.add(String.format(Locale.ROOT, "| `%s` | %+,d | %+,d | %,d | %,d |", g.className(), g.bytesDelta(),
          g.instancesDelta(), g.bytes(), g.instances()));
    }
  }

  private static String trendRow(String name, MemoryReport.TrendResult t) {
    return String.format(Locale.ROOT, "| %s | %+.2f MB/min over %d samples, Mann-Kendall S=%.0f, z=%.2f, p=%.2g |",
        name, t.slopeMbPerMin(), t.samples(), t.mannKendallS(), t.z(), t.pValue());
  }

  private static String num(double v) {
    return v == Math.rint(v) ? String.valueOf((long) v) : String.valueOf(v);
  }

  private static String esc(String s) {
    return s == null ? "" : s.replace("|", "\\|");
  }
}
