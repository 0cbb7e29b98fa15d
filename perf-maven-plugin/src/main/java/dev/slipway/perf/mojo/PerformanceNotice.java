package dev.slipway.perf.mojo;

import dev.slipway.common.notify.SlackMessage;
import dev.slipway.perf.compare.CompareReport;
import dev.slipway.perf.stats.Verdict;
import java.net.URI;
import java.util.Locale;
import java.util.Map;

/** perf:compare's regressions as a Slack message for the performance channel. */
final class PerformanceNotice {
  private PerformanceNotice() {}

  static SlackMessage of(String project, CompareReport report, String ciRun, String reportPath) {
    var s = report.summary();
    String headline = (report.verdict() == Verdict.FAIL ? "📉 " : "⚠️ ") + project + ": " + s.fail()
        + " performance regression(s), " + s.warn() + " warning(s)";
    Map<String, String> fields = SlackMessage.ordered();
    int shown = 0;
    for (CompareReport.MetricResult m : report.metrics()) {
      if ((m.verdict() == Verdict.FAIL || m.verdict() == Verdict.WARN) && shown++ < 10) {
        fields.put(m.verdict() + " " + m.endpoint() + " " + m.metric(), m.regression() == null ? m.reason()
            : String.format(Locale.ROOT, "%+.1f %%", 100 * m.regression()) + (m.reason() == null ? ""
                : ": " + m.reason()));
      }
    }
    Map<String, URI> links = SlackMessage.ordered();
    links.put("CI run", ciRun == null ? null : URI.create(ciRun));
    return new SlackMessage(headline).header(headline).fields(fields)
        .text("Baseline: " + report.baseline().kind() + " (" + report.baseline().runs() + " run(s)); report: "
            + reportPath).links(links);
  }
}
