package dev.slipway.perf.report;

import dev.slipway.perf.results.EndpointResult;
import dev.slipway.perf.results.RunResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Plain-text tables of results for the build log: one per run, and a per-run summary when there are several. */
public final class ResultTable {
  private ResultTable() {}

  /** The table of one run: a row per endpoint plus the total, latencies in ms. */
  public static List<String> render(RunResult r) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"endpoint", "requests", "errors", "req/s", "p50", "p90", "p99", "p99.9", "max"});
    for (EndpointResult e : r.endpoints()) {
      rows.add(row(e));
    }
    if (r.total() != null && r.endpoints().size() > 1) {
      rows.add(row(r.total()));
    }
    List<String> out = new ArrayList<>();
    out.add(String.format(Locale.ROOT, "run %s: %s model, %.1fs measured (warm-up %.1fs excluded)%s%s",
        r.run() == null ? "-" : r.run(), r.model().name().toLowerCase(Locale.ROOT), r.durationSeconds(),
        r.warmupSeconds(), r.model().name().equals("CLOSED")
            ? "; closed-model latencies omit time requests spent waiting behind a slow response" : "",
        r.aborted() == null ? "" : "; ABORTED: " + r.aborted()));
    out.addAll(format(rows));
    if (r.total() != null && r.total().metrics().containsKey("achievedRate")) {
      var m = r.total().metrics();
      out.add(String.format(Locale.ROOT, "schedule: %,.1f req/s due, %,.1f req/s answered within the schedule; "
          + "generator send lag p50 %s ms, p99 %s ms", m.get("scheduledRate").value(), m.get("achievedRate").value(),
          m.containsKey("sendLag.p50") ? String.format(Locale.ROOT, "%.2f", m.get("sendLag.p50").value()) : "-",
          m.containsKey("sendLag.p99") ? String.format(Locale.ROOT, "%.2f", m.get("sendLag.p99").value()) : "-"));
    }
    if (r.total() != null && r.total().errors().total() > 0) {
      var e = r.total().errors();
      // check (an assertion on an answered request) and notSent (arrivals the generator never sent) are named only
      // when present, so the line adds up to the errors column
      out.add(String.format(Locale.ROOT, "errors by cause: status %d, timeout %d, connect %d, other %d%s%s",
          e.status(), e.timeout(), e.connect(), e.other(), e.check() > 0 ? ", check " + e.check() : "",
          e.notSent() > 0 ? ", not sent " + e.notSent() : ""));
    }
    return out;
  }

  /** One row per run (total over all endpoints): what the regression gate will compare. */
  public static List<String> summary(List<RunResult> runs) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"run", "requests", "errors", "req/s", "p50", "p90", "p99", "p99.9", "max"});
    for (RunResult r : runs) {
      String[] row = row(r.total());
      row[0] = String.valueOf(r.run());
      rows.add(row);
    }
    return format(rows);
  }

  private static String[] row(EndpointResult e) {
    var l = e.latency();
    return new String[] {e.name(), String.format(Locale.ROOT, "%,d", e.requests()),
        String.format(Locale.ROOT, "%,d", e.errors().total()),
        e.throughput() == null ? "-" : String.format(Locale.ROOT, "%,.1f", e.throughput()),
        ms(l == null ? null : l.p50()), ms(l == null ? null : l.p90()), ms(l == null ? null : l.p99()),
        ms(l == null ? null : l.p999()), ms(l == null ? null : l.max())};
  }

  private static String ms(Double v) {
    return v == null ? "-" : String.format(Locale.ROOT, "%.2f", v);
  }

  private static List<String> format(List<String[]> rows) {
    int cols = rows.get(0).length;
    int[] width = new int[cols];
    for (String[] row : rows) {
      for (int i = 0; i < cols; i++) {
        width[i] = Math.max(width[i], row[i].length());
      }
    }
    List<String> out = new ArrayList<>();
    for (String[] row : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < cols; i++) {
        String cell = row[i];
        String pad = " ".repeat(width[i] - cell.length());
        sb.append(i == 0 ? cell + pad : pad + cell).append(i + 1 < cols ? "  " : "");
      }
      out.add(sb.toString().stripTrailing());
    }
    return out;
  }
}
