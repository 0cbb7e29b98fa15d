package dev.slipway.perf.results;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One run of a load test or benchmark suite, in Slipway's versioned result schema (documented in
 * {@code src/site/markdown/result-schema.md}). Slipway's own {@code perf:load} writes one per run; results of JMH,
 * Artillery, Gatling, k6 and JMeter are ingested into the same shape.
 *
 * @param schemaVersion {@link #SCHEMA_VERSION} when written by this version
 * @param tool who measured: {@code slipway}, {@code jmh}, {@code artillery}, {@code gatling}, {@code k6},
 *     {@code jmeter}
 * @param model open or closed workload, or unknown for tools that do not say
 * @param startedAt when the measured window began (after warm-up), if known
 * @param durationSeconds length of the measured window
 * @param warmupSeconds warm-up that preceded the window and is excluded from every number
 * @param target the URL or system under test, if known
 * @param run 1-based index of this run among {@code perf.runs} repetitions
 * @param source the file this result was ingested from (absent for native results)
 * @param aborted why the run stopped early (e.g. the server died), absent when it ran to completion
 * @param labels free-form context (git commit, branch, JVM, parameters of the run)
 * @param total all endpoints together (absent when the source has no meaningful total, e.g. JMH)
 * @param endpoints per endpoint or benchmark
 */
public record RunResult(
    int schemaVersion,
    String tool,
    WorkloadModel model,
    Instant startedAt,
    double durationSeconds,
    double warmupSeconds,
    String target,
    Integer run,
    String source,
    String aborted,
    @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> labels,
    EndpointResult total,
    List<EndpointResult> endpoints) {

  public static final int SCHEMA_VERSION = 1;

  public RunResult {
    model = model == null ? WorkloadModel.UNKNOWN : model;
    labels = labels == null ? Map.of() : Map.copyOf(labels);
    endpoints = endpoints == null ? List.of() : List.copyOf(endpoints);
  }

  /** The endpoint or benchmark called {@code name}. */
  public Optional<EndpointResult> endpoint(String name) {
    return endpoints.stream().filter(e -> e.name().equals(name)).findFirst();
  }

  @JsonIgnore
  public boolean complete() {
    return aborted == null;
  }

  public RunResult withSource(String newSource) {
    return new RunResult(schemaVersion, tool, model, startedAt, durationSeconds, warmupSeconds, target, run,
        newSource, aborted, labels, total, endpoints);
  }

  public RunResult withRun(Integer newRun) {
    return new RunResult(schemaVersion, tool, model, startedAt, durationSeconds, warmupSeconds, target, newRun,
        source, aborted, labels, total, endpoints);
  }
}
