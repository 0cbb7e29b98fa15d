package dev.slipway.perf.load;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.perf.compare.CompareReport.MetricResult;
import dev.slipway.perf.compare.ErrorBudget;
import dev.slipway.perf.stats.Verdict;
import dev.slipway.perf.report.ResultTable;
import dev.slipway.perf.results.ResultsWriter;
import dev.slipway.perf.results.RunResult;
import dev.slipway.perf.results.WorkloadModel;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code perf:load} without Maven: resolves the settings into a run configuration, optionally starts the service,
 * runs the load {@code runs} times, and writes {@code load-run-N.json} (the result schema) and
 * {@code load-run-N.hlog} (HdrHistogram interval log) per run into the output folder, logging a table per run, then
 * draws each run's charts and writes {@code load.md} ({@link LoadReport}).
 */
public final class LoadTest {
  /** Default closed-model connections (wrk's usual benchmark setting on small machines). */
  public static final int DEFAULT_CONNECTIONS = 32;
  /** Default open-model pool limit: enough to ride out stalls at high rates without unbounded sockets. */
  public static final int DEFAULT_OPEN_POOL = 1024;

  private final Log log;

  public LoadTest(Log log) {
    this.log = log;
  }

  /**
   * The runs and the absolute limits they were held to: the error budget and the scenario's Artillery
   * {@code ensure} thresholds (one entry per checked quantity, worst first; any FAIL fails the goal).
   */
  public record Outcome(List<RunResult> runs, List<MetricResult> limits) {
    public boolean failed() {
      return limits.stream().anyMatch(m -> m.verdict() == Verdict.FAIL);
    }
  }

  /** Everything run; results in run order. */
  public List<RunResult> execute(LoadSettings s)
      throws InvalidInputException, TargetUnreachableException, ServiceStartException, IOException {
    return run(s).runs();
  }

  /** Runs everything and checks the results against the error budget and the scenario's ensure thresholds. */
  public Outcome run(LoadSettings s)
      throws InvalidInputException, TargetUnreachableException, ServiceStartException, IOException {
    Workload file = s.scenarioFile() == null ? null : ScenarioFile.load(s.scenarioFile());
    if (file != null) {
      file.warnings().forEach(log::warn);
    }
    List<RunResult> results = runs(s, resolve(s, file));
    ErrorBudget.Limits limits = s.budget();
    if (file != null && file.ensure() != null) {
      limits = new ErrorBudget.Limits(limits.maxErrorRate(), limits.perEndpoint(), file.ensure());
    }
    List<MetricResult> checked = ErrorBudget.check(results, limits);
    for (MetricResult m : checked) {
      String line = String.format(Locale.ROOT, "%-4s %s %s: %s", m.verdict() == Verdict.PASS ? "ok" : m.verdict(),
          m.endpoint(), m.metric(), m.reason());
      if (m.verdict() == Verdict.PASS) {
        log.info(line);
      } else {
        log.warn(line);
      }
    }
    return new Outcome(results, checked);
  }

  private List<RunResult> runs(LoadSettings s, LoadConfig config)
      throws TargetUnreachableException, ServiceStartException, IOException, InvalidInputException {
    List<RunResult> results = new ArrayList<>();
    List<List<String>> charts = new ArrayList<>();
    StartedService service = null;
    try {
      if (s.start() != null && !s.start().isBlank()) {
        URI health = s.health() != null ? s.health() : config.target();
        service = ServiceStarter.start(s, health, Map.of(), log);
      }
      LoadRunner runner = new LoadRunner(log);
      for (int run = 1; run <= Math.max(1, s.runs()); run++) {
        if (s.runs() > 1) {
          log.info("run " + run + " of " + s.runs());
        }
        Path hlog = s.outputDir().resolve("load-run-" + run + ".hlog");
        RunResult r = runner.run(config, run, hlog);
        Path json = ResultsWriter.writeRun(s.outputDir(), "load", r);
        ResultTable.render(r).forEach(log::info);
        log.info("wrote " + json + " and " + hlog);
        results.add(r);
        charts.add(LoadReport.charts(s.outputDir(), hlog, r, log));
        if (r.aborted() != null) {
          break;
        }
      }
    } finally {
      if (service != null) {
        service.close();
      }
    }
    if (results.size() > 1) {
      log.info("all runs:");
      ResultTable.summary(results).forEach(log::info);
    }
    LoadReport.write(s.outputDir(), results, charts, log);
    return results;
  }

  /** The run configuration the settings describe; bad combinations name the parameters involved. */
  public static LoadConfig resolve(LoadSettings s) throws InvalidInputException {
    return resolve(s, s.scenarioFile() == null ? null : ScenarioFile.load(s.scenarioFile()));
  }

  private static LoadConfig resolve(LoadSettings s, Workload file) throws InvalidInputException {
    URI target = s.target() != null ? s.target() : file != null ? file.target() : null;
    if (target == null) {
      throw new InvalidInputException("perf.target is not set: give the URL to load, e.g. "
          + "-Dperf.target=http://127.0.0.1:8080/health" + (file != null ? " (or config.target in "
          + file.source() + ")" : ""));
    }
    if (!"http".equals(target.getScheme()) || target.getHost() == null) {
      throw new InvalidInputException("perf.target: '" + target + "' is not an http:// URL with a host "
          + "(https is not supported by the built-in HTTP/1.1 client; load-test the plain-HTTP port)");
    }
    if (target.getRawUserInfo() != null) {
      // Credentials in the URL would end up in logs and result files; headers are never printed.
      throw new InvalidInputException("perf.target must not carry credentials (user:password@); send them in an "
          + "Authorization header of the request instead");
    }
    List<Scenario> scenarios = new ArrayList<>();
    scenarios.addAll(s.requests());
    if (file != null) {
      if (!scenarios.isEmpty()) {
        throw new InvalidInputException("give requests either in the POM (<requests>) or in perf.scenario ("
            + file.source() + "), not both");
      }
      scenarios.addAll(file.scenarios());
    }
    if (scenarios.isEmpty()) {
      String path = target.getRawPath() == null || target.getRawPath().isEmpty() ? "/" : target.getRawPath();
      scenarios.add(Scenario.of(RequestSpec.get(target.getRawQuery() == null ? path
          : path + "?" + target.getRawQuery()), 1));
    }
    if (scenarios.stream().allMatch(sc -> sc.weight() == 0)) {
      throw new InvalidInputException("every request has weight 0; give at least one a weight >= 1");
    }
    List<Phase> phases = new ArrayList<>(s.phases());
    if (phases.isEmpty() && file != null) {
      phases.addAll(file.phases());
    }
    if (s.rate() != null) {
      if (s.rate() <= 0) {
        throw new InvalidInputException("perf.rate must be > 0 arrivals per second, was " + s.rate());
      }
      if (s.duration() == null) {
        throw new InvalidInputException("perf.rate needs perf.duration (e.g. -Dperf.duration=30s)");
      }
      phases = List.of(new Phase(s.duration(), s.rate(), s.rampTo() != null ? s.rampTo() : s.rate()));
    }
    String m = s.model() == null ? "auto" : s.model().trim().toLowerCase(Locale.ROOT);
    WorkloadModel model = switch (m) {
      case "auto" -> phases.isEmpty() ? WorkloadModel.CLOSED : WorkloadModel.OPEN;
      case "open" -> WorkloadModel.OPEN;
      case "closed" -> WorkloadModel.CLOSED;
      default -> throw new InvalidInputException("perf.model: '" + s.model() + "' is not one of auto, open, closed");
    };
    if (model == WorkloadModel.OPEN && phases.isEmpty()) {
      throw new InvalidInputException("perf.model=open needs an arrival rate: -Dperf.rate=... with perf.duration, "
          + "<phases> in the POM, or phases in perf.scenario");
    }
    Duration duration = s.duration() != null ? s.duration() : Duration.ofSeconds(30);
    if (duration.isNegative() || duration.isZero()) {
      throw new InvalidInputException("perf.duration must be positive, was " + duration);
    }
    int connections = s.connections() != null ? s.connections()
        : model == WorkloadModel.OPEN ? DEFAULT_OPEN_POOL : DEFAULT_CONNECTIONS;
    if (connections < 1) {
      throw new InvalidInputException("perf.connections must be >= 1, was " + connections);
    }
    if (s.threads() < 0) {
      throw new InvalidInputException("perf.threads must be >= 0 (0 = automatic), was " + s.threads());
    }
    if (s.runs() < 1) {
      // zero runs would "pass" with no results, leaving perf:compare nothing to gate
      throw new InvalidInputException("perf.runs must be >= 1, was " + s.runs());
    }
    if (s.timeout() != null && (s.timeout().isZero() || s.timeout().isNegative())) {
      throw new InvalidInputException("perf.timeout must be positive, was " + LoadRunner.human(s.timeout()));
    }
    ArrivalSchedule schedule = model == WorkloadModel.OPEN ? new ArrivalSchedule(phases) : null;
    Duration length = model == WorkloadModel.OPEN ? schedule.duration() : duration;
    Duration warmup = s.warmup() != null ? s.warmup()
        : Duration.ofMillis(Math.min(5000, length.toMillis() / 5));
    if (warmup.compareTo(length) >= 0) {
      throw new InvalidInputException("perf.warmup (" + LoadRunner.human(warmup) + ") must be shorter than the run ("
          + LoadRunner.human(length) + ")");
    }
    Map<String, String> labels = new LinkedHashMap<>(s.labels());
    labels.putIfAbsent("connections", String.valueOf(connections));
    if (file != null) {
      labels.putIfAbsent("scenario", String.valueOf(s.scenarioFile().getFileName()));
    }
    return new LoadConfig(target, scenarios, model, schedule, duration, connections, s.threads(), warmup,
        s.timeout(), s.progressInterval(), labels, file == null ? VuData.NONE : file.data());
  }
}
