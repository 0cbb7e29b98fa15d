package dev.slipway.perf.load;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The user's settings for {@code perf:load}, as given (the Mojo builds this; {@link LoadTest} resolves it into a
 * {@link LoadConfig}). {@code null} means "not set".
 *
 * @param target base URL ({@code perf.target}); overrides a scenario file's target
 * @param scenarioFile Slipway or Artillery YAML ({@code perf.scenario})
 * @param requests weighted requests from the POM (one-step scenarios)
 * @param phases open-model phases from the POM
 * @param rate quick open model: constant arrivals per second ({@code perf.rate})
 * @param rampTo quick open model: ramp the rate linearly to this ({@code perf.rampTo})
 * @param duration quick open model or closed model length, warm-up included ({@code perf.duration})
 * @param connections closed: connections; open: pool limit ({@code perf.connections})
 * @param model {@code auto}, {@code open} or {@code closed} ({@code perf.model}); auto is open when a rate or phases
 *     are given, else closed
 * @param warmup excluded leading part; {@code null}: 20 % of the run, at most 5 s
 * @param runs how many times the whole run is repeated ({@code perf.runs})
 * @param outputDir where results and histogram logs go
 * @param start {@code perf.start}: {@code jar}, a jar path or a command, or {@code null} to use a running target
 * @param packagedJar the project's jar for {@code perf.start=jar}
 * @param workDir working directory of the started service
 * @param health URL polled until the started service answers; {@code null}: the target
 * @param startTimeout how long to wait for the health URL
 * @param startEnvironment extra environment variables for the started service (e.g. its port)
 * @param budget the error budget ({@code perf.maxErrorRate}, {@code perf.maxErrorRates}) every run is held to
 * @param image where {@code perf.start=image} finds the image ({@code image.json}, {@code perf.image},
 *     {@code perf.imagePlatform}); {@code null}: {@code target/slipway/image.json} under the working directory
 */
public record LoadSettings(
    URI target,
    Path scenarioFile,
    List<Scenario> requests,
    List<Phase> phases,
    Double rate,
    Double rampTo,
    Duration duration,
    Integer connections,
    String model,
    int threads,
    Duration warmup,
    Duration timeout,
    int runs,
    Duration progressInterval,
    Path outputDir,
    String start,
    Path packagedJar,
    Path workDir,
    URI health,
    Duration startTimeout,
    Map<String, String> startEnvironment,
    Map<String, String> labels,
    dev.slipway.perf.compare.ErrorBudget.Limits budget,
    ImageStart image) {

  public LoadSettings(URI target, Path scenarioFile, List<Scenario> requests, List<Phase> phases, Double rate,
      Double rampTo, Duration duration, Integer connections, String model, int threads, Duration warmup,
      Duration timeout, int runs, Duration progressInterval, Path outputDir, String start, Path packagedJar,
      Path workDir, URI health, Duration startTimeout, Map<String, String> startEnvironment,
      Map<String, String> labels, dev.slipway.perf.compare.ErrorBudget.Limits budget) {
    this(target, scenarioFile, requests, phases, rate, rampTo, duration, connections, model, threads, warmup, timeout,
        runs, progressInterval, outputDir, start, packagedJar, workDir, health, startTimeout, startEnvironment, labels,
        budget, null);
  }

  public LoadSettings(URI target, Path scenarioFile, List<Scenario> requests, List<Phase> phases, Double rate,
      Double rampTo, Duration duration, Integer connections, String model, int threads, Duration warmup,
      Duration timeout, int runs, Duration progressInterval, Path outputDir, String start, Path packagedJar,
      Path workDir, URI health, Duration startTimeout, Map<String, String> startEnvironment,
      Map<String, String> labels) {
    this(target, scenarioFile, requests, phases, rate, rampTo, duration, connections, model, threads, warmup, timeout,
        runs, progressInterval, outputDir, start, packagedJar, workDir, health, startTimeout, startEnvironment, labels,
        dev.slipway.perf.compare.ErrorBudget.Limits.defaults());
  }

  public LoadSettings {
    budget = budget == null ? dev.slipway.perf.compare.ErrorBudget.Limits.defaults() : budget;
    requests = requests == null ? List.of() : List.copyOf(requests);
    phases = phases == null ? List.of() : List.copyOf(phases);
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    startEnvironment = startEnvironment == null ? Map.of() : Map.copyOf(startEnvironment);
    image = image != null ? image : new ImageStart((workDir == null ? Path.of("") : workDir)
        .resolve("target/slipway/image.json"), null, null);
  }
}
