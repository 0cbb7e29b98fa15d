package dev.slipway.perf.mojo;

import dev.slipway.common.InvalidInputException;
import dev.slipway.common.Log;
import dev.slipway.common.Durations;
import dev.slipway.perf.load.ImageStart;
import dev.slipway.perf.load.LoadSettings;
import dev.slipway.perf.load.LoadTest;
import dev.slipway.perf.load.PhaseSettings;
import dev.slipway.perf.load.RequestSettings;
import dev.slipway.perf.load.Scenario;
import dev.slipway.perf.load.ServicePort;
import dev.slipway.perf.load.ServiceStartException;
import dev.slipway.perf.load.TargetUnreachableException;
import dev.slipway.perf.results.RunResult;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Load-tests an HTTP service: an open model (arrivals on a schedule, latency measured from the intended send time,
 * so stalls cannot hide) or a closed model (N connections as fast as possible). Writes one result per run to
 * {@code target/slipway/perf/load-run-N.json} (the input of {@code perf:compare}) plus HdrHistogram logs.
 *
 * <p>Quick use: {@code mvn perf:load -Dperf.target=http://127.0.0.1:8080/health -Dperf.duration=30s
 * -Dperf.rate=2000} (open) or {@code -Dperf.connections=32} (closed).
 */
@Mojo(name = "load", defaultPhase = LifecyclePhase.INTEGRATION_TEST, requiresProject = false, threadSafe = true)
public class LoadMojo extends TestSkippedMojo {

  /** Base URL of the service, e.g. {@code http://127.0.0.1:8080/health}. Load goes to this host and port only. */
  @Parameter(property = "perf.target")
  String target;

  /** A scenario YAML file: Slipway's format or an Artillery script (config.target, config.phases, scenarios). */
  @Parameter(property = "perf.scenario")
  File scenario;

  /** Weighted requests; without any (and without a scenario file) the target URL itself is requested. */
  @Parameter
  List<Request> requests;

  /** Open-model phases ({@code duration}, {@code arrivalRate}, {@code rampTo}); overrides the scenario file's. */
  @Parameter
  List<Phase> phases;

  /** Quick open model: constant arrivals per second for {@code perf.duration}. */
  @Parameter(property = "perf.rate")
  Double rate;

  /** Quick open model: ramp linearly from {@code perf.rate} to this many arrivals per second. */
  @Parameter(property = "perf.rampTo")
  Double rampTo;

  /** Length of a quick open-model run or a closed-model run, warm-up included (e.g. 30s, 2m). */
  @Parameter(property = "perf.duration", defaultValue = "30s")
  String duration;

  /** Closed model: number of connections (default 32). Open model: most connections the pool may open (1024). */
  @Parameter(property = "perf.connections")
  Integer connections;

  /** {@code auto} (open when a rate or phases are given, else closed), {@code open} or {@code closed}. */
  @Parameter(property = "perf.model", defaultValue = "auto")
  String model;

  /** Event-loop threads; 0 = half the processors (the service usually shares the machine). */
  @Parameter(property = "perf.threads", defaultValue = "0")
  int threads;

  /** Leading part of each run excluded from every number; default 20 % of the run, at most 5s. */
  @Parameter(property = "perf.warmup")
  String warmup;

  /** A request without a complete response this long after its intended send time counts as a timeout. */
  @Parameter(property = "perf.timeout", defaultValue = "10s")
  String timeout;

  /** Repeat the whole run this many times (samples for the regression gate). */
  @Parameter(property = "perf.runs", defaultValue = "1")
  int runs;

  /** How often a progress line (rate, errors, p99) is logged. */
  @Parameter(property = "perf.progressInterval", defaultValue = "5s")
  String progressInterval;

  /** Where results ({@code load-run-N.json}) and histogram logs ({@code load-run-N.hlog}) are written. */
  @Parameter(property = "perf.outputDirectory", defaultValue = "${project.build.directory}/slipway/perf")
  File outputDirectory;

  /**
   * Start the service for the test and stop it afterwards: {@code jar} (this project's packaged jar), a path to a
   * jar, a command line, or {@code image} (the image image:build built, run as a container on the Docker API's host
   * network). Unset: the target must already be running. The health URL's port must be free before the start, and
   * the answer must come from the started service.
   */
  @Parameter(property = "perf.start")
  String start;

  /**
   * The port of the service {@code perf.start} starts, handed to it in {@code perf.portVariable}. {@code 0}: a free
   * loopback port chosen at start (two builds on one machine never collide), filled into the target and health URLs
   * where they say port 0 ({@code http://127.0.0.1:${perf.port}/health}). Unset, or without {@code perf.start}:
   * the URLs and {@code startEnvironment} say everything.
   */
  @Parameter(property = "perf.port")
  Integer port;

  /** The environment variable that gives the started service its port ({@code perf.port}). */
  @Parameter(property = "perf.portVariable", defaultValue = "PORT")
  String portVariable;

  /**
   * {@code perf.start=image}: an image reference to run instead of the one {@code image.json} names (its
   * {@code perf.imagePlatform} manifest, pulled by digest).
   */
  @Parameter(property = "perf.image")
  String image;

  /** {@code perf.start=image}: the platform of the built image to run. */
  @Parameter(property = "perf.imagePlatform", defaultValue = "linux/amd64")
  String imagePlatform;

  /** {@code perf.start=image}: the hand-over file of image:build that names the image and its digests. */
  @Parameter(property = "perf.imageJson", defaultValue = "${project.build.directory}/slipway/image.json")
  File imageJson;

  /** URL polled until the started service answers 2xx/3xx; default the target. */
  @Parameter(property = "perf.health")
  String health;

  /** Extra environment variables for the started service, e.g. {@code <PORT>8081</PORT>} (POM only). */
  @Parameter
  Map<String, String> startEnvironment;

  /** How long to wait for the started service's health URL. */
  @Parameter(property = "perf.startTimeout", defaultValue = "60s")
  String startTimeout;

  /** Fail the build when a run was aborted because the target stopped answering. */
  @Parameter(property = "perf.failOnAbort", defaultValue = "true")
  boolean failOnAbort;

  /**
   * Error budget checked on every run, even without any baseline: the largest share of failed requests (any cause)
   * of each endpoint and of the total in the median run, e.g. 0.01 for 1 %; 1 disables it. The same property
   * perf:compare checks.
   */
  @Parameter(property = "perf.maxErrorRate", defaultValue = "0.01")
  double maxErrorRate;

  /** Per-endpoint error budgets overriding perf.maxErrorRate: {@code <endpoint glob>=<fraction>,...}. */
  @Parameter(property = "perf.maxErrorRates")
  String maxErrorRates;

  /** Fail the build when the error budget or an Artillery {@code ensure} threshold of the scenario is broken. */
  @Parameter(property = "perf.failOnErrorBudget", defaultValue = "true")
  boolean failOnErrorBudget;

  @Parameter(defaultValue = "${project.build.directory}/${project.build.finalName}.jar", readonly = true)
  File packagedJar;

  @Parameter(defaultValue = "${project.basedir}", readonly = true)
  File basedir;

  @Override
  public void execute() throws MojoExecutionException, MojoFailureException {
    String skipped = skipped();
    if (skipped != null) {
      getLog().info("perf:load skipped (" + skipped + ")");
      return;
    }
    List<RunResult> results;
    LoadTest.Outcome outcome;
    try {
      outcome = new LoadTest(log()).run(settings());
      results = outcome.runs();
    } catch (IllegalArgumentException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (InvalidInputException e) {
      throw new MojoFailureException(e.getMessage(), e);
    } catch (TargetUnreachableException | ServiceStartException e) {
      throw new MojoExecutionException(e.getMessage(), e);
    } catch (IOException e) {
      throw new MojoExecutionException("perf:load could not write its results: " + e.getMessage(), e);
    }
    for (RunResult r : results) {
      if (r.aborted() != null && failOnAbort) {
        throw new MojoFailureException("perf:load run " + r.run() + " aborted: " + r.aborted());
      }
    }
    if (outcome.failed()) {
      String broken = String.join("; ", outcome.limits().stream()
          .filter(m -> m.verdict() == dev.slipway.perf.stats.Verdict.FAIL)
          .map(m -> m.endpoint() + " " + m.metric() + ": " + m.reason()).toList());
      if (failOnErrorBudget) {
        throw new MojoFailureException("perf:load: the runs broke a limit that needs no baseline: " + broken);
      }
      getLog().warn("perf:load: the runs broke a limit (perf.failOnErrorBudget=false, build continues): " + broken);
    }
  }

  LoadSettings settings() throws InvalidInputException {
    List<RequestSettings> rs = new ArrayList<>();
    if (requests != null) {
      for (Request r : requests) {
        rs.add(new RequestSettings(r.name, r.method, r.path, r.headers, r.body, r.expect, r.weight, r.think));
      }
    }
    List<PhaseSettings> ps = new ArrayList<>();
    if (phases != null) {
      for (Phase p : phases) {
        ps.add(new PhaseSettings(p.duration, p.arrivalRate, p.rampTo));
      }
    }
    List<Scenario> specs = RequestSettings.scenarios(rs);
    List<dev.slipway.perf.load.Phase> ph = PhaseSettings.phases(ps);
    ServicePort sp = ServicePort.resolve(port, portVariable, start, uri(target, "perf.target"),
        uri(health, "perf.health"), startEnvironment, log());
    return new LoadSettings(sp.target(), scenario == null ? null : scenario.toPath(), specs, ph, rate,
        rampTo, Durations.parse(duration, "perf.duration"), connections, model, threads,
        warmup == null ? null : Durations.parse(warmup, "perf.warmup"), Durations.parse(timeout, "perf.timeout"),
        runs, Durations.parse(progressInterval, "perf.progressInterval"), outputDirectory(), start,
        packagedJar == null ? null : packagedJar.toPath(), workDir(), sp.health(),
        Durations.parse(startTimeout, "perf.startTimeout"), sp.environment(), Map.of(),
        new dev.slipway.perf.compare.ErrorBudget.Limits(maxErrorRate,
            dev.slipway.perf.compare.ErrorBudget.parsePerEndpoint(maxErrorRates), null),
        new ImageStart(imageJsonPath(), image, imagePlatform));
  }

  /** Without a project, {@code ${project.build.directory}} is left unresolved: ./target/slipway/image.json then. */
  private java.nio.file.Path imageJsonPath() {
    return imageJson == null || imageJson.getPath().contains("${")
        ? workDir().resolve("target/slipway/image.json") : imageJson.toPath();
  }

  /** Without a project, Maven leaves {@code ${project.basedir}} unresolved; use ./target/slipway/perf then. */
  private java.nio.file.Path outputDirectory() {
    String p = outputDirectory.getPath();
    return p.contains("${") ? java.nio.file.Path.of("target", "slipway", "perf").toAbsolutePath()
        : outputDirectory.toPath();
  }

  private java.nio.file.Path workDir() {
    return basedir == null || basedir.getPath().contains("${") ? java.nio.file.Path.of("").toAbsolutePath()
        : basedir.toPath();
  }

  private static URI uri(String s, String parameter) throws InvalidInputException {
    if (s == null || s.isBlank()) {
      return null;
    }
    try {
      return URI.create(s.trim());
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(parameter + ": '" + s + "' is not a URL (" + e.getMessage() + ")");
    }
  }

  private Log log() {
    return new dev.slipway.common.mojo.MavenLog(getLog());
  }
}
