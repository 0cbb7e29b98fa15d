package dev.slipway.perf.compare;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Json;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.perf.compare.CompareReport.ChangePointResult;
import dev.slipway.perf.compare.CompareReport.MetricResult;
import dev.slipway.perf.compare.CompareReport.Source;
import dev.slipway.perf.history.BuildContext;
import dev.slipway.perf.history.HistoryBaseline;
import dev.slipway.perf.history.HistoryEntry;
import dev.slipway.perf.history.HistoryFile;
import dev.slipway.perf.results.ResultsReader;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.stats.EDivisive;
import dev.slipway.perf.stats.Gate;
import dev.slipway.perf.stats.GateConfig;
import dev.slipway.perf.stats.Verdict;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * {@code perf:compare}'s core: reads the current results and a baseline (result files, or the history), decides every
 * metric through the {@link Gate}, and writes {@code compare.json} and {@code compare.md} (also appended to
 * {@code $GITHUB_STEP_SUMMARY} and optionally posted to the pull request).
 */
public final class CompareRunner {

  /**
   * What to compare and how.
   *
   * @param current current results: a file or a folder
   * @param baseline baseline results (file or folder); null to use the history
   * @param history the JSON-lines history used when {@code baseline} is null
   * @param contextKeys context keys a history run must match
   * @param contextLabels extra context of this build (matched like the detected keys)
   * @param baselineBuilds newest history builds (after the last accepted shift or improvement) that form the baseline
   * @param gate decision settings
   * @param budget the error budget and other absolute limits, checked even without a baseline
   * @param failOn verdicts that fail the build (for the report's settings; the Mojo acts on them)
   * @param selection metrics and directions
   * @param changePointWindow E-Divisive window
   * @param changePointPValue E-Divisive significance
   * @param outputDirectory where compare.json and compare.md go
   * @param comment whether to post the Markdown to the pull request
   * @param projectDir for git context
   * @param env environment variables (GITHUB_*)
   */
  public record Config(
      Path current,
      Path baseline,
      Path history,
      List<String> contextKeys,
      Map<String, String> contextLabels,
      int baselineBuilds,
      GateConfig gate,
      ErrorBudget.Limits budget,
      List<Verdict> failOn,
      MetricSelection selection,
      int changePointWindow,
      double changePointPValue,
      Path outputDirectory,
      boolean comment,
      Path projectDir,
      Map<String, String> env) {}

  /** The report and where it was written. */
  public record Outcome(CompareReport report, Path json, Path markdown) {
    public Verdict verdict() {
      return report.verdict();
    }
  }

  /** Leaves room below GitHub's 65536-character limit for the truncation note. */
  static final int MAX_COMMENT = 65_000;

  private final ResultsReader reader;
  private final Function<Map<String, String>, Optional<PullRequestComments>> comments;
  private final Clock clock;
  private final Log log;

  /**
   * @param comments builds the pull-request adapter from the environment (empty when no token is available)
   */
  public CompareRunner(
      ResultsReader reader,
      Function<Map<String, String>, Optional<PullRequestComments>> comments,
      Clock clock,
      Log log) {
    this.reader = reader;
    this.comments = comments;
    this.clock = clock;
    this.log = log;
  }

  /** The production adapter: GitHub's REST API with {@code GITHUB_TOKEN}, at {@code GITHUB_API_URL}. */
  public static Function<Map<String, String>, Optional<PullRequestComments>> gitHub(Redactor redactor) {
    return env -> {
      String token = env.get("GITHUB_TOKEN");
      if (token == null || token.isBlank()) {
        return Optional.empty();
      }
      return Optional.of(new GitHubComments(GitHubComments.apiUrl(env), token, redactor));
    };
  }

  /**
   * Runs the comparison and writes the reports. Without any baseline (first build, empty history) only the error
   * budget is checked, and the report says so; the result is never empty.
   */
  public Optional<Outcome> run(Config c) throws InvalidInputException, IOException {
    List<String> notes = new ArrayList<>();
    List<RunResult> currentRuns = complete(readResults(c.current(), "perf.current",
        "run perf:load first, or point perf.current at result files"), "current", notes);
    Gate gate = new Gate(c.gate());
    SideData current = SideData.of(currentRuns, c.selection());
    BaselineSide baseline = null;
    Source baselineSource;
    List<ChangePointResult> changePoints = List.of();
    List<CompareReport.AcceptedShift> accepted = List.of();
    Map<MetricId, ChangePointResult> regressions = Map.of();
    if (c.baseline() != null) {
      List<RunResult> baseRuns = complete(readResults(c.baseline(), "perf.baseline",
          "point perf.baseline at result files or a folder of them"), "baseline", notes);
      baseline = BaselineSide.files(SideData.of(baseRuns, c.selection()));
      baselineSource = new Source("files", c.baseline().toString(), baseRuns.size(), null);
    } else {
      HistoryFile history = new HistoryFile(c.history());
      List<HistoryEntry> entries = history.read();
      Map<String, String> context = BuildContext.detect(c.projectDir(), c.env(), c.contextLabels());
      Map<String, String> wanted = new LinkedHashMap<>();
      for (String k : c.contextKeys()) {
        wanted.put(k, context.get(k));
      }
      HistoryBaseline.Result hb = HistoryBaseline.build(entries, context, c.contextKeys(), c.baselineBuilds(),
          new EDivisive(c.changePointWindow(), c.changePointPValue(), 0), c.selection(), current,
          c.gate().minEffect());
      if (hb.matchingRuns() == 0) {
        String why = entries.isEmpty()
            ? "perf.baseline is not set and the history " + c.history() + " is empty or missing; record one with "
                + "perf:baseline"
            : "none of the " + hb.totalRuns() + " runs in " + c.history() + " ran in this context " + wanted
                + " (keys perf.historyKeys=" + String.join(",", c.contextKeys()) + ")";
        log.warn("perf:compare: no baseline - " + why + ". Only the error budget is checked.");
        notes.add("No baseline: " + why + ". Only the error budget was checked.");
        baselineSource = new Source("none", c.history().toString(), 0, wanted);
      } else {
        baseline = hb.baseline();
        changePoints = hb.changePoints();
        regressions = hb.regressions();
        accepted = hb.accepted();
        baselineSource = new Source("history", c.history().toString(), baseline.runs(), wanted);
        if (hb.matchingRuns() < hb.totalRuns()) {
          notes.add((hb.totalRuns() - hb.matchingRuns()) + " history run(s) from another context were left out.");
        }
      }
    }
    List<MetricResult> metrics = new ArrayList<>();
    List<String> onlyInBaseline = List.of();
    List<String> onlyInCurrent = List.of();
    if (baseline != null) {
      if (!baseline.metrics().isEmpty() && !current.metrics().isEmpty()
          && baseline.metrics().keySet().stream().noneMatch(current.metrics()::containsKey)) {
        throw new InvalidInputException("the baseline (" + baselineSource.location() + ") and the current results ("
            + c.current() + ") have no metric in common. Baseline has " + Comparer.names(baseline.metrics())
            + "; current has " + Comparer.names(current.metrics())
            + ". Check that both come from the same scenario, endpoints and tool.");
      }
      Comparer.Result result = new Comparer(gate, c.selection()).compare(baseline, current);
      notes.addAll(result.notes());
      metrics.addAll(withChangePoints(result.metrics(), regressions, c.gate().minEffect()));
      onlyInBaseline = result.onlyInBaseline();
      onlyInCurrent = result.onlyInCurrent();
    }
    metrics.addAll(ErrorBudget.check(currentRuns, c.budget()));
    metrics.sort(java.util.Comparator.comparingInt(m -> m.verdict().ordinal()));
    CompareReport report = report(c, metrics, onlyInBaseline, onlyInCurrent, baselineSource,
        new Source("files", c.current().toString(), currentRuns.size(), null), changePoints, accepted, notes);

    Files.createDirectories(c.outputDirectory());
    Path json = c.outputDirectory().resolve("compare.json");
    Path md = c.outputDirectory().resolve("compare.md");
    Json.writeFile(json, report);
    String markdown = ReportFormat.markdown(report);
    dev.slipway.common.AtomicFiles.write(md, markdown.getBytes(StandardCharsets.UTF_8));
    for (String line : ReportFormat.console(report)) {
      if (line.startsWith("  FAIL ") || line.startsWith("  WARN ") || line.startsWith("  UNKNOWN ")) {
        log.warn(line.strip());
      } else {
        log.info(line);
      }
    }
    log.info("perf:compare: wrote " + json + " and " + md);
    appendStepSummary(c.env(), markdown);
    if (c.comment()) {
      postComment(c.env(), markdown);
    }
    return Optional.of(new Outcome(report, json, md));
  }

  /**
   * A regression change point in the window that nobody accepted fails its metric while this build is still at the
   * worse level: otherwise a regression that slipped through once would quietly become the new normal.
   */
  static List<MetricResult> withChangePoints(List<MetricResult> metrics, Map<MetricId, ChangePointResult> cps,
      double minEffect) {
    List<MetricResult> out = new ArrayList<>();
    for (MetricResult m : metrics) {
      ChangePointResult cp = cps.get(new MetricId(m.endpoint(), m.metric()));
      if (cp == null || m.verdict() == Verdict.FAIL || m.current().value() == null || cp.before() == 0) {
        out.add(m);
        continue;
      }
      dev.slipway.perf.stats.Direction dir = dev.slipway.perf.stats.Direction.parse(m.direction());
      double still = dir.regression(m.current().value() / cp.before());
      if (still < minEffect - 1e-9) {
        out.add(m);
        continue;
      }
      String at = cp.commit() != null ? "commit " + cp.commit() : "build #" + cp.index();
      String why = String.format(java.util.Locale.ROOT, "a change point at %s made it %.1f %% worse and was not "
          + "accepted; this build is still %.1f %% worse than before it. If the change is intended, run "
          + "perf:accept (see compare.md); otherwise fix it. %s", at, Math.abs(cp.change() == null ? 0
              : cp.change() * 100), still * 100, m.reason());
      out.add(new MetricResult(m.endpoint(), m.metric(), m.unit(), m.direction(), m.method(), Verdict.FAIL,
          m.baseline(), m.current(), m.ratio(), m.regression(), m.pValue(), m.adjustedPValue(), m.ci(), m.noise(),
          m.runsNeeded(), why));
    }
    return out;
  }

  private List<RunResult> complete(List<RunResult> runs, String side, List<String> notes) {
    List<RunResult> ok = new ArrayList<>();
    for (RunResult r : runs) {
      if (r.complete()) {
        ok.add(r);
      } else {
        String note = "A " + side + " run from " + r.source() + " stopped early (" + r.aborted()
            + ") and was left out.";
        log.warn(note);
        notes.add(note);
      }
    }
    return ok;
  }

  private List<RunResult> readResults(Path path, String property, String hint) throws InvalidInputException {
    if (path == null || !Files.exists(path)) {
      throw new InvalidInputException(property + " = " + path + ": no such file or folder; " + hint);
    }
    List<RunResult> runs = reader.read(path);
    if (runs.isEmpty()) {
      throw new InvalidInputException(property + " = " + path + ": no result files found in any known format ("
          + String.join(", ", reader.formats().stream().map(f -> f.name()).toList()) + "); " + hint);
    }
    return runs;
  }

  private CompareReport report(Config c, List<MetricResult> metrics, List<String> onlyInBaseline,
      List<String> onlyInCurrent, Source baseline, Source current, List<ChangePointResult> changePoints,
      List<CompareReport.AcceptedShift> accepted, List<String> notes) {
    int[] counts = new int[Verdict.values().length];
    for (MetricResult m : metrics) {
      counts[m.verdict().ordinal()]++;
    }
    Verdict overall = Verdict.PASS;
    for (Verdict v : Verdict.values()) {
      if (counts[v.ordinal()] > 0) {
        overall = v;
        break;
      }
    }
    GateConfig g = c.gate();
    return new CompareReport(CompareReport.SCHEMA, CompareReport.SCHEMA_VERSION, clock.instant(), overall,
        new CompareReport.Summary(counts[0], counts[1], counts[2], counts[3]),
        new CompareReport.Settings(g.alpha(), g.minEffect(), g.warnThreshold(), g.failThreshold(),
            g.minErrorRateIncrease(), g.confidence(), g.minHistoryBuilds(), c.budget().maxErrorRate(),
            c.failOn().stream().map(Verdict::name).toList()),
        baseline, current, metrics, onlyInBaseline, onlyInCurrent, changePoints, accepted, notes);
  }

  private void appendStepSummary(Map<String, String> env, String markdown) {
    String summary = env.get("GITHUB_STEP_SUMMARY");
    if (summary == null || summary.isBlank()) {
      return;
    }
    try {
      // GitHub collects the step summary by appending; each step adds its own section
      Files.writeString(Path.of(summary), markdown + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
      log.info("perf:compare: appended the report to $GITHUB_STEP_SUMMARY");
    } catch (IOException e) {
      log.warn("perf:compare: could not append to $GITHUB_STEP_SUMMARY " + summary + ": " + e.getMessage());
    }
  }

  private void postComment(Map<String, String> env, String markdown) {
    try {
      Optional<GitHubComments.PullRequest> pr = GitHubComments.PullRequest.fromEnvironment(env);
      if (pr.isEmpty()) {
        log.info("perf:compare: not a pull-request build (GITHUB_REPOSITORY/GITHUB_EVENT_PATH name no pull "
            + "request); no comment posted");
        return;
      }
      Optional<PullRequestComments> client = comments.apply(env);
      if (client.isEmpty()) {
        log.warn("perf:compare: perf.comment is on but GITHUB_TOKEN is not set; no comment posted");
        return;
      }
      String body = markdown;
      if (body.length() > MAX_COMMENT) {
        // GitHub rejects comment bodies over 65536 characters; the full table stays in compare.md
        body = body.substring(0, MAX_COMMENT) + "\n\n… truncated; the full report is compare.md of this build.\n";
      }
      String url = client.get().upsert(pr.get().repository(), pr.get().number(), ReportFormat.MARKER, body);
      log.info("perf:compare: posted the report to pull request #" + pr.get().number() + " " + url);
    } catch (InvalidInputException | IOException e) {
      log.warn("perf:compare: could not post the pull-request comment: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      log.warn("perf:compare: interrupted while posting the pull-request comment");
    }
  }
}
