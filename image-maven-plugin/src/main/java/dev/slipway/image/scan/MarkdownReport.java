package dev.slipway.image.scan;

import dev.slipway.common.image.ScanSummary;
import java.util.List;
import java.util.Map;

/**
 * The scan as a person reads it, in a pull request or GitHub's job summary: verdict, image, Trivy and DB age,
 * policy, a table of findings by severity per platform, the failing findings, the suppressions used, and the
 * expired ones by name. Long tables are cut (GitHub limits a step summary to 1 MiB); the JSON reports are whole.
 */
public final class MarkdownReport {
  static final int MAX_ROWS = 200;

  private MarkdownReport() {}

  public static String render(ScanSummary s) {
    StringBuilder md = new StringBuilder();
    boolean pass = s.passed();
    md.append("## image:scan — ").append(pass ? "PASS" : s.warnOnly() ? "FAIL (warn-only)" : "FAIL").append("\n\n");
    md.append("`").append(s.repository()).append("@").append(s.digest()).append("`  \n");
    md.append("Trivy ").append(s.trivyVersion() == null ? "(version unknown)" : s.trivyVersion()).append(", ")
        .append(s.engine()).append(s.server() == null ? "" : " client of " + s.server()).append(", input ")
        .append(s.input());
    if (s.database() != null) {
      md.append(", vulnerability DB built ").append(s.database().updatedAt()).append(" (")
          .append(age(s.database().ageHours())).append(" old)");
    } else {
      md.append(", vulnerability DB age unknown");
    }
    md.append("  \n");
    md.append("Policy: fail on ").append(s.policy().failOn().isEmpty() ? "nothing"
        : String.join(", ", s.policy().failOn()));
    md.append(s.policy().ignoreUnfixed() ? "; unfixed findings ignored" : "");
    md.append(s.warnOnly() ? "; warn-only (the build does not fail)" : "").append("\n\n");

    md.append("| platform | CRITICAL | HIGH | MEDIUM | LOW | UNKNOWN | failing | suppressed | unfixed ignored |\n");
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (ScanSummary.Platform p : s.platforms()) {
      Map<String, Integer> c = p.counts();
      md.append("| ").append(p.platform());
      for (String sev : List.of("CRITICAL", "HIGH", "MEDIUM", "LOW", "UNKNOWN")) {
        md.append(" | ").append(c.getOrDefault(sev, 0));
      }
      md.append(" | ").append(p.failing()).append(" | ").append(p.suppressed()).append(" | ")
          .append(p.ignoredUnfixed()).append(" |\n");
    }

    if (!s.failing().isEmpty()) {
      md.append("\n### Failing (").append(s.failing().size()).append(")\n\n");
      md.append("| vulnerability | severity | package | installed | fixed in | platforms |\n");
      md.append("| --- | --- | --- | --- | --- | --- |\n");
      int n = 0;
      for (ScanSummary.Failing f : s.failing()) {
        if (n++ == MAX_ROWS) {
          md.append("| … ").append(s.failing().size() - MAX_ROWS).append(" more in scan.json | | | | | |\n");
          break;
        }
        md.append("| ").append(cell(f.id())).append(" | ").append(f.severity()).append(" | ").append(cell(f.pkg()))
            .append(" | ").append(cell(f.installedVersion())).append(" | ")
            .append(f.fixedVersion() == null || f.fixedVersion().isEmpty() ? "(no fix)" : cell(f.fixedVersion()))
            .append(" | ").append(String.join(", ", f.platforms())).append(" |\n");
      }
    }
    ScanSummary.Suppressions sup = s.suppressions();
    if (!sup.expired().isEmpty()) {
      md.append("\n### Expired suppressions (no longer applied)\n\n");
      md.append("| vulnerability | expired | would match | reason | where |\n| --- | --- | ---: | --- | --- |\n");
      for (ScanSummary.Suppression e : sup.expired()) {
        md.append("| ").append(cell(e.id())).append(" | ").append(cell(e.expires())).append(" | ")
            .append(e.matched()).append(" | ").append(cell(e.reason())).append(" | ").append(cell(e.source()))
            .append(" |\n");
      }
    }
    if (!sup.used().isEmpty()) {
      md.append("\n### Suppressed\n\n");
      md.append("| vulnerability | findings | expires | reason | where |\n| --- | ---: | --- | --- | --- |\n");
      for (ScanSummary.Suppression u : sup.used()) {
        md.append("| ").append(cell(u.id())).append(" | ").append(u.matched()).append(" | ")
            .append(u.expires() == null ? "never" : cell(u.expires())).append(" | ").append(cell(u.reason()))
            .append(" | ").append(cell(u.source())).append(" |\n");
      }
    }
    if (!sup.unused().isEmpty()) {
      md.append("\nUnused suppressions (match nothing in this image): ");
      md.append(String.join(", ", sup.unused().stream().map(u -> u.id() + " (" + u.source() + ")").toList()));
      md.append("\n");
    }
    md.append("\nReports: `").append(s.reports().sarif()).append("` (SARIF for code scanning), `scan.json`, ")
        .append(String.join(", ", s.reports().trivy().stream().map(t -> "`" + t + "`").toList()))
        .append(" (Trivy's JSON).\n");
    return md.toString();
  }

  static String age(double hours) {
    if (hours < 48) {
      return Math.round(hours) + " h";
    }
    return Math.round(hours / 24) + " days";
  }

  private static String cell(String s) {
    return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
  }
}
