package dev.slipway.perf.mojo;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Redactor;
import dev.slipway.perf.compare.CompareReport;
import dev.slipway.perf.compare.CompareRunner;
import dev.slipway.perf.compare.ErrorBudget;
import dev.slipway.perf.compare.MetricSelection;
import dev.slipway.perf.history.BuildContext;
import dev.slipway.perf.results.ResultsReader;
import dev.slipway.perf.stats.GateConfig;
import dev.slipway.perf.stats.Verdict;
import java.io.File;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Statistical performance regression gate: compares this build's results with a baseline (result files, or the
 * history recorded by {@code perf:baseline}) metric by metric, writes {@code compare.json} and {@code compare.md},
 * and fails the build on a confirmed regression.
 */
@Mojo(name = "compare", defaultPhase = LifecyclePhase.VERIFY, requiresProject = false, threadSafe = true)
public class CompareMojo extends TestSkippedMojo {

  /** Current results: a result file or a folder of them (Slipway, JMH, Artillery, Gatling, k6, JMeter). */
  @Parameter(property = "perf.current", defaultValue = "${project.build.directory}/slipway/perf")
  File current;

  /** Baseline results: a file or folder. When not set, the history ({@code perf.history}) is the baseline. */
  @Parameter(property = "perf.baseline")
  File baseline;

  /** The JSON-lines performance history written by {@code perf:baseline}. */
  @Parameter(property = "perf.history", defaultValue = "${project.basedir}/.slipway/perf-history.jsonl")
  File history;

  /** Context keys a history run must share with this build to be comparable (comma-separated). */
  @Parameter(property = "perf.historyKeys", defaultValue = "os,arch,cpuCount,cpuModel,jdk")
  String historyKeys;

  /** Extra context of this build, {@code key=value,...}, matched when listed in {@code perf.historyKeys}. */
  @Parameter(property = "perf.contextLabels")
  String contextLabels;

  /**
   * Newest history builds (after the last accepted shift or improvement) that form the baseline; the between-build
   * noise is estimated from them.
   */
  @Parameter(property = "perf.baselineBuilds", defaultValue = "30")
  int baselineBuilds;

  /** Fewest builds of history for the build-level test; with fewer, the fixed thresholds decide. */
  @Parameter(property = "perf.minHistoryBuilds", defaultValue = "5")
  int minHistoryBuilds;

  /** Significance level of the one-sided tests (Holm-corrected across metrics for failures). */
  @Parameter(property = "perf.alpha", defaultValue = "0.01")
  double alpha;

  /** Smallest regression of the median that fails the build, as a fraction (0.05 = 5 %). */
  @Parameter(property = "perf.minEffect", defaultValue = "0.05")
  double minEffect;

  /**
   * Without a history of builds (baseline files, or fewer than {@code perf.minHistoryBuilds}): the regression that
   * warns, as a fraction (the old rule's 10 %).
   */
  @Parameter(property = "perf.warnThreshold", defaultValue = "0.10")
  double warnThreshold;

  /** Without a history of builds: the regression that fails, as a fraction (the old rule's 20 %). */
  @Parameter(property = "perf.failThreshold", defaultValue = "0.20")
  double failThreshold;

  /** Largest error rate of any endpoint (and of the total), as a fraction; checked without a baseline. 1 = off. */
  @Parameter(property = "perf.maxErrorRate", defaultValue = "0.01")
  double maxErrorRate;

  /** Per-endpoint error budgets, {@code endpoint glob=fraction,...}, e.g. {@code GET /flaky*=0.05}. */
  @Parameter(property = "perf.maxErrorRates")
  String maxErrorRates;

  /**
   * Verdicts that fail the build, comma-separated: {@code FAIL} (default), add {@code UNKNOWN} (undecidable large
   * changes) or {@code WARN}.
   */
  @Parameter(property = "perf.failOn", defaultValue = "FAIL")
  String failOn;

  /** Smallest absolute increase of an error rate that fails (0.001 = 0.1 percentage points). */
  @Parameter(property = "perf.minErrorRateIncrease", defaultValue = "0.001")
  double minErrorRateIncrease;

  /** Power at which UNKNOWN verdicts estimate the runs that would settle them. */
  @Parameter(property = "perf.power", defaultValue = "0.8")
  double power;

  /** Confidence level of the intervals. */
  @Parameter(property = "perf.confidence", defaultValue = "0.95")
  double confidence;

  /** Metrics to compare, comma-separated globs on the metric name or endpoint/metric; empty = default set. */
  @Parameter(property = "perf.metrics")
  String metrics;

  /** Direction overrides, {@code glob=higher|lower,...}, e.g. {@code score=higher}. */
  @Parameter(property = "perf.directions")
  String directions;

  /** E-Divisive window over the history (builds). */
  @Parameter(property = "perf.changePointWindow", defaultValue = "50")
  int changePointWindow;

  /** E-Divisive significance of a confirmed change point. */
  @Parameter(property = "perf.changePointPValue", defaultValue = "0.001")
  double changePointPValue;

  /** Where compare.json and compare.md are written. */
  @Parameter(property = "perf.outputDirectory", defaultValue = "${project.build.directory}/slipway/perf")
  File outputDirectory;

  /** Fail the build at all (on the verdicts of {@code perf.failOn}); false only reports. */
  @Parameter(property = "perf.failOnRegression", defaultValue = "true")
  boolean failOnRegression;

  /** Post the report as a pull-request comment (GitHub Actions: GITHUB_TOKEN, GITHUB_EVENT_PATH). */
  @Parameter(property = "perf.comment", defaultValue = "false")
  boolean comment;

  /**
   * The environment variable holding the Slack webhook that regressions are posted to (the performance channel); the
   * URL itself is never a parameter. A settings.xml server ({@code perf.slack.server}) wins over it.
   */
  @Parameter(property = "perf.slack.env", defaultValue = "SLACK_WEBHOOK_PERFORMANCE")
  String slackEnv;

  /** The settings.xml server whose password is the performance webhook's URL. */
  @Parameter(property = "perf.slack.server", defaultValue = "slack-performance")
  String slackServer;

  /** The longest posting to Slack may take, retries included. */
  @Parameter(property = "perf.slack.timeout", defaultValue = "10s")
  String slackTimeout;

  @Parameter(defaultValue = "${settings}", readonly = true)
  org.apache.maven.settings.Settings settings;

  @org.apache.maven.plugins.annotations.Component
  org.apache.maven.settings.crypto.SettingsDecrypter decrypter;

  @Parameter(defaultValue = "${project.artifactId}", readonly = true)
  String artifactId;

  /** Directory used for git context (commit, branch). */
  @Parameter(defaultValue = "${project.basedir}", readonly = true)
  File basedir;

  /** The process environment (GITHUB_*); tests replace it. */
  java.util.Map<String, String> env = System.getenv();

  /** Parses {@code perf.failOn}; FAIL is always included. */
  static List<Verdict> failOn(String text) {
    List<Verdict> out = new ArrayList<>();
    out.add(Verdict.FAIL);
    if (text == null) {
      return out;
    }
    for (String part : text.split(",")) {
      String p = part.strip().toUpperCase(java.util.Locale.ROOT);
      if (p.isEmpty() || p.equals("FAIL")) {
        continue;
      }
      if (!p.equals("WARN") && !p.equals("UNKNOWN")) {
        throw new IllegalArgumentException("perf.failOn: '" + part.strip() + "' is not a verdict; accepted: FAIL, "
            + "UNKNOWN, WARN (comma-separated, e.g. FAIL,UNKNOWN)");
      }
      Verdict v = Verdict.valueOf(p);
      if (!out.contains(v)) {
        out.add(v);
      }
    }
    return out;
  }

  /** The project's directory, or the working directory when run without a project. */
  private java.nio.file.Path projectDir() {
    return basedir != null ? basedir.toPath() : java.nio.file.Path.of("").toAbsolutePath();
  }

  /** The performance channel's webhook, or null when none is configured; checked, its URL never printed. */
  private dev.slipway.common.notify.SlackWebhook.Target performanceWebhook(Redactor redactor)
      throws InvalidInputException {
    var webhook = dev.slipway.common.mojo.MavenSecrets.resolve(slackEnv, slackServer, settings, decrypter, env,
        redactor);
    return webhook.isEmpty() ? null : dev.slipway.common.notify.SlackWebhook.Target.of(
        dev.slipway.common.notify.Channel.PERFORMANCE, webhook.get().value(), webhook.get().source());
  }

  /** Posts the regressions to the performance channel, when a webhook is configured; never fails the build. */
  private void notifyPerformanceChannel(CompareRunner.Outcome outcome, Redactor redactor, Log log) {
    var channel = dev.slipway.common.notify.Channel.PERFORMANCE;
    java.time.Duration limit;
    dev.slipway.common.notify.SlackWebhook.Target target;
    try {
      target = performanceWebhook(redactor);
      limit = dev.slipway.common.Durations.parsePositive(slackTimeout, "perf.slack.timeout");
    } catch (InvalidInputException e) {
      log.warn("perf:compare: " + e.getMessage() + "; no Slack message");
      return;
    }
    if (target == null) {
      return;
    }
    new dev.slipway.common.notify.Notifier(java.util.Map.of(channel, target),
        new dev.slipway.common.notify.SlackWebhook(redactor), limit, java.time.Instant::now, log.redacting(redactor))
        .send(java.util.Set.of(channel), PerformanceNotice.of(artifactId == null || artifactId.contains("${")
            ? "perf:compare" : artifactId, outcome.report(), env.get("GITHUB_RUN_ID") == null ? null
            : env.getOrDefault("GITHUB_SERVER_URL", "https://github.com") + "/" + env.get("GITHUB_REPOSITORY")
                + "/actions/runs/" + env.get("GITHUB_RUN_ID"), String.valueOf(outcome.markdown())));
  }

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    String skipped = skipped();
    if (skipped != null) {
      getLog().info("perf:compare skipped (" + skipped + ")");
      return;
    }
    Log log = GateMojoSupport.log(getLog());
    CompareRunner.Config config;
    try {
      // checked here, not only when a history or a regression first needs them
      if (baselineBuilds < 2) {
        throw new IllegalArgumentException("perf.baselineBuilds = " + baselineBuilds + " is not accepted; expected "
            + ">= 2 (the newest builds of history that form the baseline)");
      }
      new dev.slipway.perf.stats.EDivisive(changePointWindow, changePointPValue, 0); // its own checks, up front
      dev.slipway.common.Durations.parsePositive(slackTimeout, "perf.slack.timeout");
      performanceWebhook(new Redactor());
      config = new CompareRunner.Config(GateMojoSupport.path(current, "target/slipway/perf"),
          baseline == null ? null : GateMojoSupport.path(baseline, "baseline"),
          GateMojoSupport.path(history, ".slipway/perf-history.jsonl"), BuildContext.parseKeys(historyKeys),
          BuildContext.parseLabels(contextLabels, "perf.contextLabels"), baselineBuilds,
          new GateConfig(alpha, minEffect, warnThreshold, failThreshold, minErrorRateIncrease, power, confidence,
              minHistoryBuilds),
          new ErrorBudget.Limits(maxErrorRate, ErrorBudget.parsePerEndpoint(maxErrorRates), null), failOn(failOn),
          MetricSelection.parse(metrics, directions), changePointWindow, changePointPValue,
          GateMojoSupport.path(outputDirectory, "target/slipway/perf"), comment, projectDir(), env);
    } catch (IllegalArgumentException | InvalidInputException e) {
      throw new MojoFailureException("perf:compare: " + e.getMessage(), e);
    }
    Redactor redactor = new Redactor().add(env.get("GITHUB_TOKEN"));
    Optional<CompareRunner.Outcome> outcome;
    try {
      outcome = new CompareRunner(ResultsReader.standard(log), CompareRunner.gitHub(redactor), Clock.systemUTC(),
          log.redacting(redactor)).run(config);
    } catch (InvalidInputException | IllegalArgumentException e) {
      throw new MojoFailureException("perf:compare: " + redactor.redact(e.getMessage()), e);
    } catch (IOException e) {
      throw new MojoExecutionException("perf:compare: " + redactor.redact(e.getMessage()), e);
    }
    if (outcome.isEmpty()) {
      return;
    }
    Verdict overall = outcome.get().verdict();
    if (overall == Verdict.FAIL || overall == Verdict.WARN) {
      notifyPerformanceChannel(outcome.get(), redactor, log);
    }
    CompareReport report = outcome.get().report();
    List<Verdict> failing = failOn(failOn);
    List<String> failed = new ArrayList<>();
    for (Verdict v : List.of(Verdict.FAIL, Verdict.WARN, Verdict.UNKNOWN)) {
      long count = report.metrics().stream().filter(m -> m.verdict() == v).count();
      if (count == 0) {
        continue;
      }
      String what = count + " metric(s) " + switch (v) {
        case FAIL -> "regressed or broke a limit";
        case WARN -> "with a warning";
        default -> "could not be decided (UNKNOWN)";
      };
      if (failing.contains(v)) {
        failed.add(what);
      } else {
        getLog().warn("perf:compare: " + what + "; see " + outcome.get().markdown());
      }
    }
    if (!failed.isEmpty()) {
      String msg = "perf:compare: " + String.join(", ", failed) + "; see " + outcome.get().markdown();
      if (failOnRegression) {
        throw new MojoFailureException(msg);
      }
      getLog().warn(msg + " (perf.failOnRegression=false, build continues)");
    }
  }
}
